/**
 * A JUnit Jupiter extension for tests of native-interop code: {@link
 * io.github.slabbin.junit.SlabbinExtension} (or the composed {@link
 * io.github.slabbin.junit.SlabbinTest}) resolves {@code SlabAllocator} parameters annotated with
 * {@link io.github.slabbin.junit.Slots}: checked, debug-mode allocators confined to the test's
 * thread, whose leaked slots and writes after free fail the test that made them, and which are
 * closed at the end of the test (or class) in every case.
 */
package io.github.slabbin.junit;
