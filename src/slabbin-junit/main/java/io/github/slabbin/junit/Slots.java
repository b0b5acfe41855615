package io.github.slabbin.junit;

import com.sun.jna.Structure;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The layout and settings of a {@link io.github.slabbin.SlabAllocator} parameter that
 * {@link SlabbinExtension} resolves: slots of {@link #size()} bytes aligned to
 * {@link #alignment()}, or of the size and alignment of a JNA {@link #structure()}. The allocator
 * is checked, in debug mode, and confined to the thread that resolves it (the test's thread).
 *
 * <p>Parameters of one scope (one test with its {@code @BeforeEach} and {@code @AfterEach}
 * methods, or one class with its {@code @BeforeAll}/{@code @AfterAll} methods and, with
 * {@code @TestInstance(PER_CLASS)}, its constructor) whose annotations are equal (same values)
 * get the same allocator; different values give different allocators.
 *
 * <p>Exactly one of {@link #size()} and {@link #structure()} must be given; the extension
 * refuses anything else with a {@link org.junit.jupiter.api.extension.ParameterResolutionException}
 * naming the parameter.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface Slots {
    /**
     * Bytes a slot holds, 1 or more; 0 (default) when {@link #structure()} gives the layout.
     *
     * @return the slot size in bytes
     */
    long size() default 0;

    /**
     * Alignment of every slot address in bytes, a power of two up to 2 MiB; used with
     * {@link #size()} only. Default 8.
     *
     * @return the alignment in bytes
     */
    long alignment() default 8;

    /**
     * A JNA structure whose size and alignment are the layout
     * ({@link io.github.slabbin.SlotLayout#of(Class)}); {@code Structure.class} (default) when
     * {@link #size()} gives it.
     *
     * @return the structure class
     */
    Class<? extends Structure> structure() default Structure.class;

    /**
     * Slots per slab, 1 or more; 0 (default) for the library's default (as many as fit in
     * 64 KiB).
     *
     * @return the slab capacity in slots
     */
    int slabCapacity() default 0;

    /**
     * Free slots cached on the Java side
     * ({@link io.github.slabbin.SlabAllocator.Builder#magazine(int)}): 0 (default, off) or 2 to
     * 65,536.
     *
     * @return the magazine size in slots
     */
    int magazine() default 0;

    /**
     * Whether slots still allocated at the end of the scope are allowed (default false: they
     * fail the test, or the class for a class-scope allocator). The use-after-free scan and the
     * close happen either way.
     *
     * @return true to allow leaks
     */
    boolean allowLeaks() default false;
}
