package io.github.slabbin;

import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongFunction;

/**
 * Shared mode without magazines ({@code magazine(0)}, and always in debug mode): every call of
 * every thread runs under one lock, straight on the C core, which gives every thread one LIFO
 * order and the core's own checks. In debug mode the core poisons every freed slot and verifies
 * the poison when it hands the slot out again, and every allocation and free records its call
 * site, exactly as in a confined debug allocator without a magazine; a double free names where
 * the slot was allocated and first freed, whichever threads did it. Threads take turns: a call
 * costs a lock (and in debug mode a stack capture).
 *
 * <p>The lock orders the core's calls and the call-site records together, so a slot freed on one
 * thread and handed out again on another is recorded in that order.
 */
final class SerialSlabs implements SharedCalls {
    /** Guards every native call and every change of {@link #sites}. */
    private final ReentrantLock lock = new ReentrantLock();
    private final Failures failures;
    /** Debug mode: where every slot was allocated and freed; null otherwise. */
    private final CallSites sites;
    /** The native allocator, 0 once closed; written under {@link #lock}. */
    private volatile long handle;

    SerialSlabs(Failures failures, long handle, CallSites sites) {
        this.failures = failures;
        this.handle = handle;
        this.sites = sites;
    }

    /** Runs {@code call} on the open native allocator, under the lock; throws once closed. */
    private <T> T locked(LongFunction<T> call) {
        lock.lock();
        try {
            long h = handle;
            if (h == 0) {
                throw failures.state();
            }
            return call.apply(h);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long allocate() {
        return locked(h -> allocated(h, NativeCalls.allocate(h)));
    }

    @Override
    public long allocateZeroed() {
        return locked(h -> allocated(h, NativeCalls.allocateZeroed(h)));
    }

    /** The address of a single allocation, recorded, or the refusal its status means. */
    private long allocated(long h, long result) {
        return SlabAllocator.allocated(failures, sites, h, result);
    }

    @Override
    public void deallocate(long address) {
        locked(h -> {
            int rc = NativeCalls.deallocate(h, address);
            if (rc != 0) {
                throw failures.address(rc, address);
            }
            if (sites != null) {
                sites.freed(address);
            }
            return null;
        });
    }

    @Override
    public void allocate(long[] addresses, int offset, int count) {
        locked(h -> {
            int rc = NativeCalls.allocateBatch(h, addresses, offset, count);
            if (rc != 0) {
                throw failures.allocation(h, rc);
            }
            if (sites != null) {
                sites.allocated(addresses, offset, count);
            }
            return null;
        });
    }

    @Override
    public void deallocate(long[] addresses, int offset, int count) {
        locked(h -> {
            long refused = NativeCalls.deallocateBatch(h, addresses, offset, count);
            failures.requireBatchFreed(refused, addresses, offset);
            if (sites != null) {
                sites.freed(addresses, offset, count);
            }
            return null;
        });
    }

    @Override
    public int check(long address) {
        return locked(h -> NativeCalls.check(h, address));
    }

    @Override
    public void requireOpen() {
        if (handle == 0) {
            throw failures.state();
        }
    }

    @Override
    public boolean isClosed() {
        return handle == 0;
    }

    @Override
    public void reset() {
        locked(h -> {
            NativeCalls.reset(h);
            if (sites != null) {
                sites.freedByReset();
            }
            return null;
        });
    }

    @Override
    public long trim() {
        return locked(h -> {
            long released = NativeCalls.trim(h);
            if (sites != null) {
                sites.forgetReleased(h, released);
            }
            return released;
        });
    }

    @Override
    public SlabStats stats() {
        return locked(h -> NativeStats.read(h).slabStats());
    }

    @Override
    public void close(Runnable destroy) {
        lock.lock();
        try {
            if (handle != 0) {
                handle = 0;
                destroy.run();
            }
        } finally {
            lock.unlock();
        }
    }
}
