package io.github.slabbin.junit.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Pointer;
import io.github.slabbin.SlabAllocator;
import io.github.slabbin.junit.SlabbinTest;
import io.github.slabbin.junit.Slots;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Disabled;

/**
 * The worked example of the README's "Testing JNI code": C structs {@code struct entry { int key;
 * int value; }} in slots, a table of pointers to them sorted by libc's {@code qsort} with a Java
 * comparator called back from C, then searched with {@code bsearch}. Every test gets checked,
 * debug-mode allocators from the extension and fails if it leaves an entry allocated.
 */
public class QsortExampleTest {
    static final int ENTRIES = 64;
    /** Bytes of one table element: a {@code struct entry *}. */
    static final int POINTER = 8;

    @SlabbinTest
    void qsortOrdersTheEntriesByKey(@Slots(structure = Entry.class) SlabAllocator entries,
                                    @Slots(size = ENTRIES * POINTER) SlabAllocator tables) {
        long table = shuffledTable(entries, tables);
        Set<Long> before = elements(tables, table);

        sortByKey(entries, tables, table);

        assertEquals(before, elements(tables, table), "qsort moves pointers, not entries");
        ByteBuffer t = tables.buffer(table);
        for (int i = 0; i < ENTRIES; i++) {
            Entry e = entries.structureAt(Entry.class, t.getLong(i * POINTER));
            assertEquals(i, e.key);
            assertEquals(i * i, e.value);
        }
        free(entries, tables, table);
    }

    @SlabbinTest
    void bsearchFindsEveryKeyAndNoOther(@Slots(structure = Entry.class) SlabAllocator entries,
                                        @Slots(size = ENTRIES * POINTER) SlabAllocator tables) {
        long table = shuffledTable(entries, tables);
        sortByKey(entries, tables, table);
        long probe = entries.allocate();              // the key: an entry whose key is set
        for (int k = 0; k < ENTRIES; k++) {
            Pointer found = search(entries, tables, table, probe, k);
            assertEquals(table + (long) k * POINTER, Pointer.nativeValue(found));
            assertEquals(k * k, entries.pointer(found.getLong(0)).getInt(4));
        }
        assertNull(search(entries, tables, table, probe, ENTRIES + 5));
        assertNull(search(entries, tables, table, probe, -1));
        entries.deallocate(probe);
        free(entries, tables, table);
    }

    @SlabbinTest
    void aDoubleFreeNamesBothCallSites(@Slots(structure = Entry.class) SlabAllocator entries) {
        long e = entries.allocate();
        entries.deallocate(e);

        IllegalArgumentException x = assertThrows(IllegalArgumentException.class,
                () -> entries.deallocate(e));

        String self = QsortExampleTest.class.getName() + ".aDoubleFreeNamesBothCallSites(";
        assertTrue(x.getMessage().startsWith(String.format("0x%x is not a live slot of", e)),
                x.getMessage());
        assertTrue(x.getMessage().contains("double free (the slot is not allocated); allocated at "
                + self), x.getMessage());
        assertTrue(x.getMessage().contains(", freed at " + self), x.getMessage());
    }

    /**
     * Fails on purpose: the probe entry is never freed, and the extension fails the test with the
     * leak message quoted in the README. {@code SlabbinExtensionTest} runs it and checks the
     * message.
     */
    @Disabled("fails on purpose: shows the leak message (README, Testing JNI code)")
    @SlabbinTest
    void forgetsToFreeTheProbe(@Slots(structure = Entry.class) SlabAllocator entries,
                               @Slots(size = ENTRIES * POINTER) SlabAllocator tables) {
        long table = shuffledTable(entries, tables);
        sortByKey(entries, tables, table);
        long probe = entries.allocate();
        assertEquals(table + 7L * POINTER,
                Pointer.nativeValue(search(entries, tables, table, probe, 7)));
        free(entries, tables, table);                 // but not the probe
    }

    /** A table of ENTRIES entries with the keys 0..ENTRIES-1 in a fixed shuffled order. */
    private static long shuffledTable(SlabAllocator entries, SlabAllocator tables) {
        List<Integer> keys = new ArrayList<>();
        for (int k = 0; k < ENTRIES; k++) {
            keys.add(k);
        }
        Collections.shuffle(keys, new Random(14));
        long table = tables.allocate();
        ByteBuffer t = tables.buffer(table);
        for (int i = 0; i < ENTRIES; i++) {
            long a = entries.allocate();
            Entry e = entries.structureAt(Entry.class, a);
            e.key = keys.get(i);
            e.value = e.key * e.key;
            e.write();
            t.putLong(i * POINTER, a);
        }
        return table;
    }

    /** qsort over the table; the comparator reads both entries through checked views. */
    private static void sortByKey(SlabAllocator entries, SlabAllocator tables, long table) {
        LibC.Compare byKey = (a, b) -> Integer.compare(keyOf(entries, a.getLong(0)),
                keyOf(entries, b.getLong(0)));
        LibC.INSTANCE.qsort(tables.pointer(table), ENTRIES, POINTER, byKey);
    }

    /** bsearch for key k: the key argument is the probe entry, compared with a table element. */
    private static Pointer search(SlabAllocator entries, SlabAllocator tables, long table,
                                  long probe, int k) {
        entries.pointer(probe).setInt(0, k);
        LibC.Compare keyVsElement = (key, element) -> Integer.compare(key.getInt(0),
                keyOf(entries, element.getLong(0)));
        return LibC.INSTANCE.bsearch(entries.pointer(probe), tables.pointer(table), ENTRIES,
                POINTER, keyVsElement);
    }

    private static int keyOf(SlabAllocator entries, long entry) {
        return entries.pointer(entry).getInt(0);
    }

    private static Set<Long> elements(SlabAllocator tables, long table) {
        Set<Long> s = new HashSet<>();
        ByteBuffer t = tables.buffer(table);
        for (int i = 0; i < ENTRIES; i++) {
            s.add(t.getLong(i * POINTER));
        }
        return s;
    }

    private static void free(SlabAllocator entries, SlabAllocator tables, long table) {
        ByteBuffer t = tables.buffer(table);
        for (int i = 0; i < ENTRIES; i++) {
            entries.deallocate(t.getLong(i * POINTER));
        }
        tables.deallocate(table);
    }
}
