package io.github.slabbin.bench.ffm;

import org.openjdk.jmh.annotations.Fork;

/** {@link BindingBenchmarks} through the JNI binding ({@code -Dslabbin.binding=jni}). */
@Fork(value = 2, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "--enable-native-access=ALL-UNNAMED",
        "-Dslabbin.binding=jni"})
public class JniBinding extends BindingBenchmarks {}
