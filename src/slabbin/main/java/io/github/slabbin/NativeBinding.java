package io.github.slabbin;

import java.util.Locale;

/**
 * Which binding reaches the C core: the system property {@value #PROPERTY} ({@code jni} or
 * {@code ffm}; unset or empty: the best one of this JDK, FFM on JDK 22 and later, JNI before).
 * Read once, by the class that makes the native calls ({@code NativeCalls}, of which the JAR holds
 * a JDK 17 version, JNI only, and a JDK 22 version that can use either).
 */
final class NativeBinding {
    /** The system property that forces a binding. */
    static final String PROPERTY = "slabbin.binding";
    /** The JNI binding ({@code native/jni}), available on every supported JDK. */
    static final String JNI = "jni";
    /** The FFM binding (downcalls of {@code java.lang.foreign}), JDK 22 and later. */
    static final String FFM = "ffm";

    private NativeBinding() {}

    /**
     * The binding to use.
     *
     * @param ffmAvailable whether this JDK (and this JAR's classes for it) can use FFM
     * @return {@link #FFM} or {@link #JNI}
     * @throws IllegalStateException if the property names another value, or {@code ffm} where it
     *     is not available
     */
    static String choose(boolean ffmAvailable) {
        String v = System.getProperty(PROPERTY, "").trim().toLowerCase(Locale.ROOT);
        if (v.isEmpty()) {
            return ffmAvailable ? FFM : JNI;
        }
        if (v.equals(FFM) && !ffmAvailable) {
            throw new IllegalStateException(PROPERTY + "=ffm needs JDK 22 or later and a JAR"
                    + " with the FFM binding (this is JDK "
                    + Runtime.version().feature() + "); use jni or leave it unset");
        }
        if (!v.equals(FFM) && !v.equals(JNI)) {
            throw new IllegalStateException(PROPERTY + " must be jni or ffm, got \""
                    + System.getProperty(PROPERTY) + "\"");
        }
        return v;
    }

    /**
     * As {@link #choose}, with null where the property cannot be honoured (for a class
     * initializer, which must not fail: the refusal is thrown where the binding is used).
     */
    static String chooseOrNull(boolean ffmAvailable) {
        try {
            return choose(ffmAvailable);
        } catch (IllegalStateException e) {
            return null;
        }
    }
}
