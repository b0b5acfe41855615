package io.github.slabbin;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Collects what slabbin logs (logger {@code io.github.slabbin}, through System.Logger's default
 * java.util.logging backend) during each test, without printing it: a JUnit extension, registered
 * with {@code @RegisterExtension final LogCapture log = new LogCapture();}.
 */
final class LogCapture implements BeforeEachCallback, AfterEachCallback {
    /** Held strongly: java.util.logging keeps loggers only weakly. */
    private final Logger logger = Logger.getLogger("io.github.slabbin");
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

    @Override
    public void beforeEach(ExtensionContext context) {
        records.clear();
        useParents = logger.getUseParentHandlers();
        logger.setUseParentHandlers(false);
        handler.setLevel(Level.ALL);
        logger.addHandler(handler);
    }

    /** Every record so far. */
    List<LogRecord> records() {
        return List.copyOf(records);
    }

    /** The first record whose message matches, or null. */
    LogRecord find(Predicate<String> message) {
        return records.stream().filter(r -> r.getMessage() != null && message.test(r.getMessage()))
                .findFirst().orElse(null);
    }

    /**
     * Collects garbage until a record matches (returned) or 10 s pass (null), for what the
     * Cleaner logs.
     */
    LogRecord await(Predicate<String> message) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            LogRecord r = find(message);
            if (r != null) {
                return r;
            }
            System.gc();
            Thread.sleep(20);
        }
        return find(message);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        logger.removeHandler(handler);
        logger.setUseParentHandlers(useParents);
    }
}
