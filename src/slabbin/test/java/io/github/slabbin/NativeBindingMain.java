package io.github.slabbin;

/**
 * Run in a child JVM by {@link NativeBindingTest} and the native-access checks of
 * {@code ModulePathIT}: prints the binding, then allocates, frees and frees again one slot through
 * it; or, if the binding cannot be chosen, the refusal's type and message (exit code 1).
 */
public final class NativeBindingMain {
    private NativeBindingMain() {}

    public static void main(String[] args) {
        String binding;
        try {
            binding = SlabAllocator.nativeBinding();
        } catch (IllegalStateException e) {
            System.out.println("IllegalStateException: " + e.getMessage());
            System.exit(1);
            return;
        }
        System.out.println(binding);
        try (SlabAllocator a = SlabAllocator.create(SlotLayout.of(32, 8), 16)) {
            long x = a.allocate();
            a.deallocate(x);
            try {
                a.deallocate(x);
                System.out.println("double free NOT refused");
            } catch (IllegalArgumentException e) {
                System.out.println("allocate, free: OK; double free refused");
            }
        }
    }
}
