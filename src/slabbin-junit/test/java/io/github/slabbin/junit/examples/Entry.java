package io.github.slabbin.junit.examples;

import com.sun.jna.Pointer;
import com.sun.jna.Structure;

/** {@code struct entry { int key; int value; }}: 8 bytes, aligned to 4. */
@Structure.FieldOrder({"key", "value"})
public class Entry extends Structure {
    public int key;
    public int value;

    /** An entry in JNA's own memory (for layout computations). */
    public Entry() {
    }

    /**
     * An entry over existing memory, e.g. a slot.
     *
     * @param p the entry's first byte
     */
    public Entry(Pointer p) {
        super(p);
    }
}
