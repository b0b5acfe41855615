/**
 * slabbin: a slab allocator for the JVM. A {@link io.github.slabbin.SlabAllocator} hands out
 * <em>slots</em> of native memory of one {@link io.github.slabbin.SlotLayout} (size and alignment
 * in bytes) from pre-allocated <em>slabs</em>, chains freed slots in a <em>free list</em>, and
 * gives every slot an address that stays valid until it is freed. The core is C, reached through
 * JNI; the native library for the platform is inside the JAR and loads by itself on first use
 * ({@link io.github.slabbin.SlabbinLibrary}).
 *
 * <h2>Example</h2>
 * <pre>{@code
 * SlotLayout layout = SlotLayout.of(24, 8);            // 24-byte slots, 8-byte aligned
 * try (SlabAllocator slab = SlabAllocator.create(layout, 1024)) {
 *     long a = slab.allocate();                          // an address of native memory
 *     ByteBuffer view = slab.buffer(a);                  // exactly one slot, native order
 *     view.putLong(0, 42);
 *     Pointer p = slab.pointer(a);                       // the same bytes through JNA
 *     p.getLong(0);                                      // 42
 *
 *     slab.deallocate(a);                                // back on the free list
 *     slab.allocate();                                   // LIFO: the same slot again (== a)
 *
 *     slab.deallocate(a + 8);                            // IllegalArgumentException: interior pointer
 *     slab.stats();                                      // 1 slab of 1024 slots, 1 live slot
 * }                                                      // close(): every slab released
 * }</pre>
 *
 * <p>Other settings (slab capacity, checked or unchecked mode, a cap on reserved bytes, a
 * magazine of cached free slots) come through {@link io.github.slabbin.SlabAllocator#builder}.
 * Every misuse in checked mode (the default) is refused with a documented exception and leaves
 * the allocator as it was; an allocator is confined to the thread that created it.
 *
 * <h2>Module and native access</h2>
 * The module {@code io.github.slabbin} exports this package only and requires JNA
 * ({@code com.sun.jna}) transitively. On JDK 24 and later, grant native access to both:
 * {@code --enable-native-access=io.github.slabbin,com.sun.jna} on the module path,
 * {@code --enable-native-access=ALL-UNNAMED} on the class path; without it the JDK prints a
 * warning when the native libraries load. JDK 17 accepts the same options. A JNA
 * {@link com.sun.jna.Structure} kept in slots must sit in a package its module opens to
 * {@code com.sun.jna}.
 *
 * <h2>Versions</h2>
 * {@link io.github.slabbin.SlabbinVersion#version()} names the version of this library. Versions
 * follow Semantic Versioning 2.0.0: an incompatible change of this package raises the major
 * version.
 */
package io.github.slabbin;
