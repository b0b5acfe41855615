package io.github.slabbin;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import java.lang.reflect.Method;
import java.util.Objects;

/**
 * The layout of a slot: its size and alignment in bytes, and the stride that follows from them.
 *
 * <p>The stride is {@code max(size, 8)} rounded up to a multiple of the alignment: a free slot
 * holds the free-list link (one pointer, 8 bytes), and every slot address, the first slot of every
 * slab included, is a multiple of the alignment. A slab of {@code n} slots occupies
 * {@code n * stride} bytes. Example strides: (1, 1) → 8, (24, 16) → 32, (8, 64) → 64,
 * (100, 8) → 104, (8, 4096) → 4096.
 *
 * <p>Immutable and thread-safe.
 *
 * @param size      bytes a slot holds, 1 or more
 * @param alignment alignment of every slot address in bytes, a power of two from 1 to
 *                  {@link #MAX_ALIGNMENT}
 */
public record SlotLayout(long size, long alignment) {
    /** Largest alignment accepted, in bytes: 2 MiB ({@code SLABBIN_MAX_ALIGNMENT}). */
    public static final long MAX_ALIGNMENT = 1L << 21;

    /** Bytes of a free-list link, the smallest stride. */
    static final long LINK_BYTES = 8;

    /**
     * Validates the layout.
     *
     * @param size      bytes a slot holds, 1 or more
     * @param alignment alignment of every slot address in bytes, a power of two from 1 to
     *                  {@link #MAX_ALIGNMENT}
     * @throws IllegalArgumentException if {@code size < 1}, if {@code alignment} is not a power of
     *     two or exceeds {@link #MAX_ALIGNMENT}, or if the stride would overflow a {@code long}
     */
    public SlotLayout {
        if (size < 1) {
            throw new IllegalArgumentException("slot size must be at least 1 byte, got " + size);
        }
        if (alignment < 1 || Long.bitCount(alignment) != 1) {
            throw new IllegalArgumentException(
                    "slot alignment must be a power of two, got " + alignment);
        }
        if (alignment > MAX_ALIGNMENT) {
            throw new IllegalArgumentException("slot alignment " + alignment
                    + " exceeds the maximum of " + MAX_ALIGNMENT + " bytes");
        }
        if (size > Long.MAX_VALUE - (alignment - 1)) {
            throw new IllegalArgumentException("slot size " + size + " with alignment "
                    + alignment + " overflows the stride");
        }
    }

    /**
     * A layout of {@code size} bytes aligned to {@code alignment} bytes.
     *
     * @param size      bytes, 1 or more
     * @param alignment bytes, a power of two from 1 to {@link #MAX_ALIGNMENT}
     * @return the layout
     * @throws IllegalArgumentException as the constructor
     */
    public static SlotLayout of(long size, long alignment) {
        return new SlotLayout(size, alignment);
    }

    /**
     * The layout of a JNA {@link Structure} class: its native size and alignment (as JNA computes
     * them for the platform's C ABI, with the class's default type mapper and alignment rule), so
     * that instances can live in slots ({@link SlabAllocator#structureAt(Class, long)}). Computed
     * once per class without reading any memory but JNA's own.
     *
     * @param type a Structure subclass with a public constructor taking a {@link Pointer} or
     *             none; a constructor that reads the memory it is given needs the no-argument one
     * @return its layout
     * @throws IllegalArgumentException if JNA cannot instantiate or size the class
     */
    public static SlotLayout of(Class<? extends Structure> type) {
        return STRUCTURES.get(Objects.requireNonNull(type, "type"));
    }

    /** {@link #of(Class)}, computed once per class. */
    private static final ClassValue<SlotLayout> STRUCTURES = new ClassValue<>() {
        @Override
        @SuppressWarnings("unchecked")
        protected SlotLayout computeValue(Class<?> type) {
            Class<? extends Structure> t = (Class<? extends Structure>) type;
            try {
                return layoutOf(Structure.newInstance(t, new Unreadable()));
            } catch (RuntimeException | Error overPointer) {
                try {
                    return layoutOf(Structure.newInstance(t));
                } catch (RuntimeException | Error e) {
                    e.addSuppressed(overPointer);
                    throw new IllegalArgumentException("cannot instantiate " + type.getName()
                            + " to compute its layout: " + e, e);
                }
            }
        }
    };

    /**
     * The layout of a structure instance that has read no memory: one built over
     * {@link Unreadable} through its Pointer constructor, or, if that constructor reads (or there
     * is none), one built by its no-argument constructor (over memory JNA allocates for it).
     */
    private static SlotLayout layoutOf(Structure s) {
        return new SlotLayout(s.size(), structAlignment(s));
    }

    /**
     * Memory of 0 bytes whose shares are itself: a structure placed on it computes its size and
     * alignment, and a read or write of any field throws {@link IndexOutOfBoundsException} (JNA's
     * bounds check) before any byte is touched.
     */
    private static final class Unreadable extends Memory {
        @Override
        public Pointer share(long offset, long sz) {
            return this;
        }
    }

    /**
     * Bytes from one slot to the next: {@code max(size, 8)} rounded up to a multiple of the
     * alignment.
     *
     * @return the stride in bytes, at least 8
     */
    public long stride() {
        long s = Math.max(size, LINK_BYTES);
        return (s + alignment - 1) & -alignment;
    }

    @Override
    public String toString() {
        return "SlotLayout[size=" + size + " B, alignment=" + alignment + " B, stride=" + stride()
                + " B]";
    }

    /** The alignment JNA gives a structure instance, in bytes. */
    private static long structAlignment(Structure s) {
        try {
            Method m = Structure.class.getDeclaredMethod("getStructAlignment");
            m.setAccessible(true);
            return ((Number) m.invoke(s)).longValue();
        } catch (ReflectiveOperationException | RuntimeException e) {
            // Not reachable on the JNA versions supported; fall back to the largest power of two
            // dividing the size, capped at 8 (the natural alignment of the widest scalar).
            long a = Long.lowestOneBit(s.size());
            return Math.min(a == 0 ? 1 : a, 8);
        }
    }
}
