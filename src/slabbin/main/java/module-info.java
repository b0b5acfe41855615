/**
 * slabbin: a slab allocator for the JVM. Slots of native memory of one layout (size and alignment
 * in bytes) are handed out from pre-allocated slabs by a C core reached through JNI; see
 * {@link io.github.slabbin.SlabAllocator} and the package overview of {@code io.github.slabbin}.
 *
 * <p>Exports only {@code io.github.slabbin}. {@code io.github.slabbin.internal} is shared with
 * slabbin's own tools ({@code io.github.slabbin.tools}) and is not API. Requires JNA
 * ({@code com.sun.jna}) transitively, since {@link io.github.slabbin.SlabAllocator#pointer(long)}
 * and {@link io.github.slabbin.SlabAllocator#structureAt(Class, long)} speak JNA's types.
 *
 * <p>On JDK 24 and later an application on the module path grants native access to both modules,
 * {@code --enable-native-access=io.github.slabbin,com.sun.jna}; on the class path,
 * {@code --enable-native-access=ALL-UNNAMED}. Without it the JDK prints a warning (a later JDK
 * may refuse) the first time slabbin or JNA loads its native library.
 */
// "module": the tools module is not on the library's module path when it is compiled;
// "requires-automatic", "requires-transitive-automatic": JNA ships as an automatic module.
@SuppressWarnings({"module", "requires-automatic", "requires-transitive-automatic"})
module io.github.slabbin {
    requires transitive com.sun.jna;

    exports io.github.slabbin;
    exports io.github.slabbin.internal to io.github.slabbin.tools;
}
