package io.github.slabbin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** An allocator dropped without close() is released by the Cleaner, with a warning. */
class CleanerTest {
    /** Held strongly: java.util.logging keeps loggers only weakly. */
    private Logger logger;
    private boolean useParents;
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord r) {
            records.add(r);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    @BeforeEach
    void attach() {
        logger = Logger.getLogger("io.github.slabbin");
        useParents = logger.getUseParentHandlers();
        logger.setUseParentHandlers(false);
        handler.setLevel(Level.ALL);
        logger.addHandler(handler);
    }

    @AfterEach
    void detach() {
        logger.removeHandler(handler);
        logger.setUseParentHandlers(useParents);
    }

    /** Builds an allocator with live slots and lets go of it; returns its description. */
    private static String dropOne(SlotLayout layout, int capacity, int slots) {
        SlabAllocator a = SlabAllocator.create(layout, capacity);
        TestSupport.allocateN(a, slots);
        return a.toString();
    }

    private LogRecord awaitRecord(String mustContain) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            for (LogRecord r : records) {
                if (r.getMessage() != null && r.getMessage().contains(mustContain)) {
                    return r;
                }
            }
            System.gc();
            Thread.sleep(20);
        }
        return null;
    }

    @Test
    void droppedAllocatorIsReleasedWithAWarning() throws InterruptedException {
        SlotLayout layout = SlotLayout.of(40, 8);
        // 7 slots in slabs of 3: 3 slabs of 3 * 40 bytes.
        String described = dropOne(layout, 3, 7);
        assertEquals("SlabAllocator[size=40 B, alignment=8 B, stride=40 B, slabCapacity=3]",
                described);
        LogRecord r = awaitRecord(described);
        assertNotNull(r, "no warning for the dropped allocator within 10 s; got " + records);
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
        assertNotNull(awaitRecord(twin), "the twin's warning");
        for (LogRecord r : records) {
            assertTrue(!r.getMessage().contains(described), "closed allocator logged: "
                    + r.getMessage());
        }
    }
}
