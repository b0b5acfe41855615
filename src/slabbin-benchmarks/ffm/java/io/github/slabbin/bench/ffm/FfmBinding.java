package io.github.slabbin.bench.ffm;

import io.github.slabbin.bench.SlabbinBenchmarks;
import org.openjdk.jmh.annotations.Fork;

/**
 * The cases of {@link SlabbinBenchmarks} through the FFM binding ({@code -Dslabbin.binding=ffm}) on
 * the JDK of this run, so that both bindings and the FFM peers of {@link FfmBenchmarks} are
 * measured in one run on one JDK ({@code scripts/bench} runs the per-call pairs, the magazine and
 * batch-64 cases of each).
 */
@Fork(value = 2, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "--enable-native-access=ALL-UNNAMED",
        "-Dslabbin.binding=ffm"})
public class FfmBinding extends SlabbinBenchmarks {}
