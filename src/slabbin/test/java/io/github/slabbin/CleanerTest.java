package io.github.slabbin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** An allocator dropped without close() is released by the Cleaner, with a warning. */
class CleanerTest {
    @RegisterExtension
    final LogCapture log = new LogCapture();

    /** Builds an allocator with live slots and lets go of it; returns its description. */
    private static String dropOne(SlotLayout layout, int capacity, int slots) {
        SlabAllocator a = SlabAllocator.create(layout, capacity);
        TestSupport.allocateN(a, slots);
        return a.toString();
    }

    @Test
    void droppedAllocatorIsReleasedWithAWarning() throws InterruptedException {
        SlotLayout layout = SlotLayout.of(40, 8);
        // 7 slots in slabs of 3: 3 slabs of 3 * 40 bytes.
        String described = dropOne(layout, 3, 7);
        assertEquals("SlabAllocator[size=40 B, alignment=8 B, stride=40 B, slabCapacity=3]",
                described);
        LogRecord r = log.await(m -> m.contains(described));
        assertNotNull(r, "no warning for the dropped allocator within 10 s; got "
                + log.records());
        assertEquals(Level.WARNING, r.getLevel());
        assertEquals("io.github.slabbin", r.getLoggerName());
        String m = r.getMessage();
        assertTrue(m.contains("without close()"), m);
        assertTrue(m.contains("releasing 360 bytes"), m);
        assertTrue(m.contains("3 slabs"), m);
        assertTrue(m.contains("7 slots still allocated"), m);
    }

    @Test
    void closedAllocatorLogsNothing() throws InterruptedException {
        SlotLayout layout = SlotLayout.of(56, 8);
        SlabAllocator a = SlabAllocator.create(layout, 5);
        TestSupport.allocateN(a, 4);
        String described = a.toString();
        a.close();
        a = null;
        // A dropped twin proves the Cleaner ran while we waited.
        String twin = dropOne(SlotLayout.of(56, 8), 6, 1);
        assertNotNull(log.await(m -> m.contains(twin)), "the twin's warning");
        for (LogRecord r : log.records()) {
            assertTrue(!r.getMessage().contains(described), "closed allocator logged: "
                    + r.getMessage());
        }
    }
}
