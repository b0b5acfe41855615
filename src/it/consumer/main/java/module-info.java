/**
 * A user of slabbin as a module: it requires the library's module (and through it JNA's) and
 * opens its package to JNA, which reflects on the {@code Structure} kept in slots.
 */
module io.github.slabbin.consumer {
    requires io.github.slabbin;

    opens io.github.slabbin.consumer to com.sun.jna;
}
