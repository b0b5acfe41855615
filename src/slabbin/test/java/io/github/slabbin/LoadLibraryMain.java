package io.github.slabbin;

/**
 * Run in a child JVM by {@link SlabbinLibraryTest}: loads the native library and prints where
 * from. A failure escapes as an uncaught error (stack trace on stderr, exit code 1).
 */
public final class LoadLibraryMain {
    private LoadLibraryMain() {}

    public static void main(String[] args) {
        String from = SlabbinLibrary.load();
        System.out.println("loaded " + from);
        if (args.length > 0 && args[0].equals("allocate")) {
            try (SlabAllocator a = SlabAllocator.create(SlotLayout.of(8, 8), 4)) {
                System.out.println("slot " + (a.allocate() != 0));
            }
        }
    }
}
