package io.github.slabbin;

import java.io.File;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Run in a child JVM by the loader tests ({@link ChildJvm}): loads the native library and prints
 * where from, then does what the first argument asks. A failure escapes as an uncaught error
 * (stack trace on stderr, exit code 1).
 *
 * <ul>
 *   <li>(none): load only;</li>
 *   <li>{@code allocate}: load, then allocate one slot;</li>
 *   <li>{@code allocate-only}: allocate one slot without loading first (the library loads on
 *       first use, as in an application);</li>
 *   <li>{@code halt}: load, allocate, then end with {@code Runtime.halt(3)} (no shutdown
 *       hooks, no deleteOnExit);</li>
 *   <li>{@code wait}: load, then sleep up to a minute (for {@code kill -9});</li>
 *   <li>{@code loaders [n]}: in n (default 2) fresh class loaders over the class path, load and
 *       allocate in each;</li>
 *   <li>{@code smoke}: load, then allocate, write, read (through two APIs), free, close.</li>
 * </ul>
 */
public final class LoadLibraryMain {
    private LoadLibraryMain() {}

    /** A child JVM that runs this class, for the loader tests. */
    static ChildJvm child() {
        return new ChildJvm(LoadLibraryMain.class);
    }

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "";
        if (mode.equals("loaders")) {
            classLoaders(args.length > 1 ? Integer.parseInt(args[1]) : 2);
            return;
        }
        if (mode.equals("allocate-only")) {
            System.out.println("slot " + allocateOne());
            return;
        }
        String from = SlabbinLibrary.load();
        System.out.println("loaded " + from);
        System.out.flush();
        switch (mode) {
            case "allocate" -> System.out.println("slot " + allocateOne());
            case "halt" -> {
                System.out.println("slot " + allocateOne());
                System.out.flush();
                Runtime.getRuntime().halt(3);
            }
            case "wait" -> Thread.sleep(60_000);
            case "smoke" -> smoke();
            default -> { }
        }
    }

    private static boolean allocateOne() {
        try (SlabAllocator a = SlabAllocator.create(SlotLayout.of(8, 8), 4)) {
            return a.allocate() != 0;
        }
    }

    private static void smoke() {
        System.out.println("platform " + SlabbinLibrary.platformPrefix() + ", library version "
                + SlabbinLibrary.nativeLibraryVersion() + ", os.arch "
                + System.getProperty("os.arch"));
        try (SlabAllocator a = SlabAllocator.create(SlotLayout.of(24, 8), 16)) {
            long[] slots = new long[40];
            for (int i = 0; i < slots.length; i++) {
                slots[i] = a.allocate();
                ByteBuffer b = a.buffer(slots[i]);
                b.putLong(0, 0x5EED0000L + i).putLong(8, ~(long) i).putLong(16, (long) i * i);
            }
            for (int i = 0; i < slots.length; i++) {
                long viaPointer = a.pointer(slots[i]).getLong(0);
                long viaBuffer = a.buffer(slots[i]).getLong(16);
                if (viaPointer != 0x5EED0000L + i || viaBuffer != (long) i * i) {
                    throw new AssertionError("slot " + i + " reads " + viaPointer + ", "
                            + viaBuffer);
                }
            }
            for (long s : slots) {
                a.deallocate(s);
            }
            long again = a.allocate();
            System.out.println("smoke: 40 slots written and read back, " + a.stats().slabCount()
                    + " slabs, LIFO reuse " + (again == slots[slots.length - 1]));
        }
        System.out.println("smoke: closed");
    }

    /**
     * Loads and allocates in {@code n} class loaders that share no slabbin class (parent: the
     * platform class loader); prints one line per loader, its failure's message included.
     */
    private static void classLoaders(int n) throws Exception {
        List<URL> urls = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            urls.add(Path.of(e).toUri().toURL());
        }
        for (int i = 1; i <= n; i++) {
            @SuppressWarnings("resource") // stays open: the library it loaded stays loaded
            URLClassLoader l = new URLClassLoader("loader" + i, urls.toArray(URL[]::new),
                    ClassLoader.getPlatformClassLoader());
            Class<?> lib = Class.forName(SlabbinLibrary.class.getName(), true, l);
            String from;
            try {
                from = (String) lib.getMethod("load").invoke(null);
            } catch (InvocationTargetException e) {
                System.out.println("loader" + i + " failed: " + e.getCause());
                continue;
            }
            Class<?> main = Class.forName(LoadLibraryMain.class.getName(), true, l);
            var allocate = main.getDeclaredMethod("allocateOne");
            allocate.setAccessible(true);
            System.out.println("loader" + i + " loaded " + from + " slot " + allocate.invoke(null));
        }
    }
}
