package io.github.slabbin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class SlabbinVersionTest {

    @Test
    void versionIsTheOneThisBuildPublishes() {
        String expected = System.getProperty("slabbin.test.version");
        assertNotNull(expected, "surefire passes -Dslabbin.test.version");
        assertEquals(expected, SlabbinVersion.version());
    }

    @Test
    void versionIsSemantic() {
        String v = SlabbinVersion.version();
        String number = "(0|[1-9][0-9]*)";
        assertTrue(v.matches(number + "\\." + number + "\\." + number + "(-[0-9A-Za-z.-]+)?"), v);
    }

    @Test
    void versionIsReadOnce() {
        assertSame(SlabbinVersion.version(), SlabbinVersion.version());
    }

    @Test
    void theDocumentedResourceHoldsIt() throws Exception {
        Properties p = new Properties();
        try (InputStream in = SlabbinVersion.class.getClassLoader()
                .getResourceAsStream("io/github/slabbin/version.properties")) {
            assertNotNull(in, "io/github/slabbin/version.properties");
            p.load(in);
        }
        assertEquals(SlabbinVersion.version(), p.getProperty("version"));
    }
}
