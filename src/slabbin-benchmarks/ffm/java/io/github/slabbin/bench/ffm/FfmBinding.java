package io.github.slabbin.bench.ffm;

import org.openjdk.jmh.annotations.Fork;

/** {@link BindingBenchmarks} through the FFM binding ({@code -Dslabbin.binding=ffm}). */
@Fork(value = 2, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "--enable-native-access=ALL-UNNAMED",
        "-Dslabbin.binding=ffm"})
public class FfmBinding extends BindingBenchmarks {}
