package io.github.slabbin.peers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import java.io.File;
import org.junit.jupiter.api.Test;

/** libslabbin_tools: found under JNA's prefix, loaded once, the core inside it hidden. */
class ToolsLibraryTest {

    @Test
    void loadsTheToolsLibraryFromTheClassPathOnce() {
        String from = ToolsLibrary.load();
        File f = new File(from);
        assertTrue(f.isAbsolute() && f.isFile(), from);
        assertEquals(System.mapLibraryName("slabbin_tools"), f.getName());
        assertTrue(from.contains(Platform.RESOURCE_PREFIX), from);
        assertSame(from, ToolsLibrary.load(), "loaded once");
    }

    @Test
    void exportsItsJniEntryPointsButNotTheCore() {
        NativeLibrary lib = NativeLibrary.getInstance(ToolsLibrary.load());
        lib.getFunction("Java_io_github_slabbin_peers_EmptyJniCall_call");
        lib.getFunction("Java_io_github_slabbin_replay_NativeReplay_run");
        // The core is linked in statically with its symbols hidden: no clash with libslabbin.
        assertThrows(UnsatisfiedLinkError.class, () -> lib.getFunction("slabbin_create"));
        assertThrows(UnsatisfiedLinkError.class, () -> lib.getFunction("replay_run"));
    }

    @Test
    void emptyCallReturnsItsArgument() {
        assertEquals(42L, EmptyJniCall.call(42L));
        assertEquals(Long.MIN_VALUE, EmptyJniCall.call(Long.MIN_VALUE));
    }
}
