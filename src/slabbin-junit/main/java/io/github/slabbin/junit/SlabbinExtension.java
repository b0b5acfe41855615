package io.github.slabbin.junit;

import com.sun.jna.Structure;
import io.github.slabbin.SlabAllocator;
import io.github.slabbin.SlotLayout;
import java.lang.reflect.Parameter;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.opentest4j.TestAbortedException;

/**
 * A JUnit Jupiter extension that hands tests checked native memory and fails them on leaks and
 * misuse: it resolves {@link SlabAllocator} parameters annotated with {@link Slots} of test
 * methods, lifecycle methods and constructors.
 *
 * <p>Every allocator is checked, in debug mode ({@link SlabAllocator.Builder#debug(boolean)}), and
 * confined to the thread that resolved it. Its scope is the test (for parameters of the test
 * method, {@code @BeforeEach} and {@code @AfterEach} methods) or the test class (for
 * {@code @BeforeAll} and {@code @AfterAll} methods and, with {@code @TestInstance(PER_CLASS)},
 * the constructor). At the end of its scope ({@link AfterEachCallback},
 * {@link AfterAllCallback}), for every allocator of the scope the test did not close itself:
 * <ol>
 *   <li>a report entry {@code slabbin.<parameter>} is published with the peak of live slots, the
 *       slabs and bytes reserved and the live slots at the end;
 *   <li>slots still allocated fail the test (or the class) with an {@code AssertionFailedError}
 *       naming their count and the first few slots with address and allocation call site, unless
 *       {@link Slots#allowLeaks()};
 *   <li>the free slots are scanned for a use after free (a write into a freed slot) that the test
 *       did not run into ({@link UseAfterFreeScan}): one found fails the test with the slot, the
 *       damaged offset and where the slot was allocated and freed;
 *   <li>the allocator is closed, whatever happened before, also when the test failed.
 * </ol>
 * A test that was aborted (a failed assumption) gets only the report entry and the close. A use
 * after free or double free the test runs into during the test throws there, from the allocator,
 * with the slot and the call sites; the extension leaves that exception as the test's failure
 * (its own findings are added to it as suppressed exceptions).
 *
 * <p>Parameter resolution fails with {@link ParameterResolutionException} for a
 * {@code SlabAllocator} parameter without {@link Slots}, with both or neither of a size and a
 * structure, or with settings the allocator refuses (a bad alignment, capacity or magazine size).
 *
 * <p>With parallel execution every test gets its own allocators, built in and confined to its
 * thread; a class-scope allocator is confined to the thread that ran {@code @BeforeAll} (or the
 * constructor), so tests running in parallel cannot use it. {@code @Timeout} with thread mode
 * {@code SEPARATE_THREAD} runs the test in another thread than its allocators and cannot be used
 * with them.
 */
public final class SlabbinExtension implements ParameterResolver, AfterEachCallback,
        AfterAllCallback {
    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(SlabbinExtension.class);

    /** Creates the extension (by {@code @ExtendWith}). */
    public SlabbinExtension() {
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == SlabAllocator.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Parameter p = parameter.getParameter();
        String described = "parameter \"" + p.getName() + "\" of "
                + parameter.getDeclaringExecutable().getName();
        Slots slots = parameter.findAnnotation(Slots.class).orElseThrow(() ->
                new ParameterResolutionException("SlabAllocator " + described + " needs @Slots"
                        + " with the slot layout, e.g. @Slots(size = 24, alignment = 8) or"
                        + " @Slots(structure = Point.class)"));
        return scope(context).get(slots, described, p.getName(), () -> build(slots, described));
    }

    @Override
    public void afterEach(ExtensionContext context) {
        finish(context);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        finish(context);
    }

    /** Checks and closes the allocators of the context's own scope, if it has any. */
    private static void finish(ExtensionContext context) {
        ExtensionContext.Store store = context.getStore(NAMESPACE);
        ScopedAllocators scope = store.remove(context.getUniqueId(), ScopedAllocators.class);
        if (scope == null) {
            return;
        }
        boolean aborted = context.getExecutionException()
                .filter(TestAbortedException.class::isInstance).isPresent();
        List<Throwable> failures = scope.finish(!aborted, context::publishReportEntry);
        if (failures.isEmpty()) {
            return;
        }
        Throwable first = failures.get(0);
        for (Throwable t : failures.subList(1, failures.size())) {
            first.addSuppressed(t);
        }
        if (first instanceof AssertionError) {
            throw (AssertionError) first;
        }
        throw (RuntimeException) first;
    }

    /**
     * The allocators of the context's own scope (never a parent's: the key is the context's
     * unique id, so a test's allocators are not its class's).
     */
    private static ScopedAllocators scope(ExtensionContext context) {
        String end = context.getTestMethod()
                .map(m -> "the end of test " + context.getRequiredTestClass().getSimpleName()
                        + "." + m.getName() + "()")
                .orElseGet(() -> "the end of class "
                        + context.getRequiredTestClass().getSimpleName());
        return context.getStore(NAMESPACE).getOrComputeIfAbsent(context.getUniqueId(),
                id -> new ScopedAllocators(end), ScopedAllocators.class);
    }

    /** A checked, debug-mode allocator of the annotation's layout and settings. */
    private static SlabAllocator build(Slots slots, String described) {
        boolean bySize = slots.size() != 0;
        boolean byStructure = slots.structure() != Structure.class;
        if (bySize == byStructure) {
            throw new ParameterResolutionException("@Slots of SlabAllocator " + described
                    + " must give exactly one of size and structure, got "
                    + (bySize ? "both" : "neither"));
        }
        try {
            SlotLayout layout = bySize ? SlotLayout.of(slots.size(), slots.alignment())
                    : SlotLayout.of(slots.structure());
            SlabAllocator.Builder b = SlabAllocator.builder(layout).checked(true).debug(true)
                    .magazine(slots.magazine());
            if (slots.slabCapacity() != 0) {
                b.slabCapacity(slots.slabCapacity());
            }
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new ParameterResolutionException("@Slots of SlabAllocator " + described
                    + ": " + e.getMessage(), e);
        }
    }
}
