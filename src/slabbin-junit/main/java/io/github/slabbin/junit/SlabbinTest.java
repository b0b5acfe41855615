package io.github.slabbin.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A test method whose {@link io.github.slabbin.SlabAllocator} parameters (and those of the
 * {@code @BeforeEach} and {@code @AfterEach} methods run around it) are resolved by
 * {@link SlabbinExtension}: {@code @Test} plus {@code @ExtendWith(SlabbinExtension.class)}. For
 * class-scope allocators ({@code @BeforeAll}, the constructor) put
 * {@code @ExtendWith(SlabbinExtension.class)} on the class instead.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Test
@ExtendWith(SlabbinExtension.class)
public @interface SlabbinTest {
}
