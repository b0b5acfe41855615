package io.github.slabbin.junit.examples;

import com.sun.jna.Callback;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/** The C library's {@code qsort} and {@code bsearch} (size_t as long: LP64 platforms). */
interface LibC extends Library {
    LibC INSTANCE = Native.load(Platform.C_LIBRARY_NAME, LibC.class);

    /** {@code int (*)(const void *, const void *)}. */
    interface Compare extends Callback {
        int invoke(Pointer a, Pointer b);
    }

    void qsort(Pointer base, long count, long size, Compare compare);

    Pointer bsearch(Pointer key, Pointer base, long count, long size, Compare compare);
}
