package io.github.slabbin.replay;

import java.util.Arrays;
import java.util.Objects;

/**
 * Routes allocation request sizes to slab size classes.
 *
 * <p>A size class is a slot size in bytes; class numbers run from 0 (smallest) to
 * {@code classCount() - 1} (largest, whose size is the {@link #limit()}). A request of
 * {@code size} bytes goes to the smallest class whose slot size is at least {@code size}; size
 * 0 goes to class 0. Requests larger than the limit have no class and go to the system
 * allocator. Every class size is a multiple of {@link #alignment()}, so slots carved out of a
 * suitably aligned slab keep the alignment malloc guarantees.
 *
 * <p>The {@linkplain #defaults() default} classes (80 classes, limit 4096 bytes) are:
 * 16 to 512 in steps of 16, 544 to 1024 in steps of 32, 1088 to 2048 in steps of 64, and
 * 2176 to 4096 in steps of 128: a request is rounded up by less than 16 bytes up to 512 bytes
 * (as malloc rounds its chunks) and by less than 6.25% above. They were chosen by measuring the
 * bundled traces: with the earlier 32 classes (steps of 64 to 512 above 256 bytes) rounding cost
 * 22% of the live bytes of jq and 24% of sqlite3, against 11% and 5% now.
 *
 * <p>{@link #classOf(long)} is a single table lookup, indexed by {@code (size + 15) / 16}.
 * Instances are immutable and thread-safe.
 */
public final class SizeClasses {
    /** Alignment in bytes of every class size: what malloc guarantees on x86-64. */
    public static final int ALIGNMENT = 16;
    /**
     * Largest allowed class size in bytes (1 MiB); bounds the lookup table to 65,537 entries.
     */
    public static final int MAX_CLASS_SIZE = 1 << 20;

    private static final SizeClasses DEFAULTS = of(defaultSizes());

    private final int[] sizes;
    /** Class of each request size rounded up to a multiple of 16, indexed by size / 16. */
    private final int[] classByGranule;

    private SizeClasses(int[] sizes) {
        this.sizes = sizes;
        int limit = sizes[sizes.length - 1];
        classByGranule = new int[limit / ALIGNMENT + 1];
        int c = 0;
        for (int granule = 0; granule < classByGranule.length; granule++) {
            while (sizes[c] < granule * ALIGNMENT) {
                c++;
            }
            classByGranule[granule] = c;
        }
    }

    private static int[] defaultSizes() {
        int[] result = new int[80];
        int n = 0;
        int size = 0;
        int[][] steps = {{512, 16}, {1024, 32}, {2048, 64}, {4096, 128}};
        for (int[] step : steps) {
            while (size < step[0]) {
                size += step[1];
                result[n++] = size;
            }
        }
        return result;
    }

    /**
     * Returns the default size classes (80 classes, 16 to 4096 bytes; see the class
     * description).
     *
     * @return the shared default instance
     */
    public static SizeClasses defaults() {
        return DEFAULTS;
    }

    /**
     * Creates size classes from a list of slot sizes.
     *
     * @param classSizes slot sizes in bytes: at least one, strictly increasing, each a positive
     *     multiple of {@link #ALIGNMENT} and at most {@link #MAX_CLASS_SIZE}; the last one is the
     *     {@link #limit()}. The array is copied.
     * @return the size classes
     * @throws NullPointerException if {@code classSizes} is {@code null}
     * @throws IllegalArgumentException if the list is empty, not strictly increasing, or has a
     *     size that is not positive, not a multiple of 16, or larger than {@link #MAX_CLASS_SIZE}
     */
    public static SizeClasses of(int... classSizes) {
        Objects.requireNonNull(classSizes, "classSizes");
        if (classSizes.length == 0) {
            throw new IllegalArgumentException("at least one size class is required");
        }
        int[] copy = classSizes.clone();
        for (int i = 0; i < copy.length; i++) {
            int size = copy[i];
            if (size <= 0 || size % ALIGNMENT != 0) {
                throw new IllegalArgumentException("class size " + size + " (index " + i
                        + ") is not a positive multiple of " + ALIGNMENT);
            }
            if (size > MAX_CLASS_SIZE) {
                throw new IllegalArgumentException("class size " + size + " (index " + i
                        + ") exceeds " + MAX_CLASS_SIZE);
            }
            if (i > 0 && size <= copy[i - 1]) {
                throw new IllegalArgumentException("class sizes must be strictly increasing: "
                        + copy[i - 1] + " then " + size + " (index " + i + ")");
            }
        }
        return new SizeClasses(copy);
    }

    /**
     * Returns the size class of a request.
     *
     * @param size requested size in bytes, {@code >= 0}
     * @return the number of the smallest class whose size is at least {@code size} (class 0 for
     *     size 0), in {@code [0, classCount())}; or -1 if {@code size > limit()}
     * @throws IllegalArgumentException if {@code size < 0}
     */
    public int classOf(long size) {
        if (size < 0) {
            throw new IllegalArgumentException("size must be >= 0: " + size);
        }
        if (size > sizes[sizes.length - 1]) {
            return -1;
        }
        return classByGranule[(int) ((size + (ALIGNMENT - 1)) >>> 4)];
    }

    /**
     * The lookup table behind {@link #classOf(long)}: the class of each request size rounded up to
     * a multiple of 16, indexed by {@code (size + 15) / 16}, {@code limit() / 16 + 1} entries. The
     * replay hands it to the C routing ({@code replay_route} in {@code native/replay/replay.h}).
     *
     * @return a copy of the table
     */
    int[] classTable() {
        return classByGranule.clone();
    }

    /**
     * Returns the number of size classes.
     *
     * @return the count, at least 1 (32 for the defaults)
     */
    public int classCount() {
        return sizes.length;
    }

    /**
     * Returns the slot size of a class.
     *
     * @param sizeClass class number in {@code [0, classCount())}
     * @return the slot size in bytes, a positive multiple of 16, increasing with the class number
     * @throws IndexOutOfBoundsException if {@code sizeClass} is out of range
     */
    public int classSize(int sizeClass) {
        if (sizeClass < 0 || sizeClass >= sizes.length) {
            throw new IndexOutOfBoundsException("size class " + sizeClass + " not in [0, "
                    + sizes.length + ")");
        }
        return sizes[sizeClass];
    }

    /**
     * Returns all slot sizes in class order.
     *
     * @return a new array of length {@link #classCount()}, sizes in bytes
     */
    public int[] classSizes() {
        return sizes.clone();
    }

    /**
     * Returns the largest request size served by a size class.
     *
     * @return the size of the largest class in bytes (4096 for the defaults)
     */
    public int limit() {
        return sizes[sizes.length - 1];
    }

    /**
     * Returns the alignment of every class size.
     *
     * @return {@link #ALIGNMENT}, 16 bytes
     */
    public int alignment() {
        return ALIGNMENT;
    }

    /**
     * Lists the classes compactly, runs of equal steps merged, for reports. For the defaults:
     * {@code 80 size classes (bytes): 16-512 step 16, 544-1024 step 32, 1088-2048 step 64,
     * 2176-4096 step 128; larger requests go to the system allocator}.
     *
     * @return the description, never {@code null}
     */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder();
        out.append(sizes.length).append(sizes.length == 1 ? " size class" : " size classes")
                .append(" (bytes): ");
        int i = 0;
        while (i < sizes.length) {
            int step = sizes[i] - (i == 0 ? 0 : sizes[i - 1]);
            int j = i;
            while (j + 1 < sizes.length && sizes[j + 1] - sizes[j] == step) {
                j++;
            }
            if (i > 0) {
                out.append(", ");
            }
            out.append(sizes[i]);
            if (j > i) {
                out.append('-').append(sizes[j]).append(" step ").append(step);
            }
            i = j + 1;
        }
        return out.append("; larger requests go to the system allocator").toString();
    }

    /**
     * Compares the class sizes.
     *
     * @param other any object
     * @return whether {@code other} is a {@code SizeClasses} with the same class sizes
     */
    @Override
    public boolean equals(Object other) {
        return other instanceof SizeClasses && Arrays.equals(sizes, ((SizeClasses) other).sizes);
    }

    /**
     * Returns a hash of the class sizes.
     *
     * @return a hash code consistent with {@link #equals(Object)}
     */
    @Override
    public int hashCode() {
        return Arrays.hashCode(sizes);
    }
}
