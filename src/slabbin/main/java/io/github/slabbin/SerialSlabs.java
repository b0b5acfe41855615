package io.github.slabbin;

import java.util.concurrent.locks.ReentrantLock;

/**
 * Shared mode in debug mode: every call of every thread runs under one lock, straight on the C
 * core in debug mode, with no magazine. So the core poisons every freed slot and verifies the
 * poison when it hands the slot out again, and every allocation and free records its call site,
 * exactly as in a confined debug allocator without a magazine; a double free names where the slot
 * was allocated and first freed, whichever threads did it. Threads take turns: this mode is for
 * hunting bugs, not for speed (a call costs a lock and a stack capture).
 *
 * <p>The lock orders the core's calls and the call-site records together, so a slot freed on one
 * thread and handed out again on another is recorded in that order.
 */
final class SerialSlabs implements SharedCalls {
    /** Guards every native call and every change of {@link #sites}. */
    private final ReentrantLock lock = new ReentrantLock();
    private final Failures failures;
    /** Where every slot was allocated and freed (debug mode). */
    private final CallSites sites;
    /** The native allocator (debug mode), 0 once closed; written under {@link #lock}. */
    private volatile long handle;

    SerialSlabs(Failures failures, long handle, CallSites sites) {
        this.failures = failures;
        this.handle = handle;
        this.sites = sites;
    }

    /** The native allocator; throws once closed. Lock held. */
    private long open() {
        long h = handle;
        if (h == 0) {
            throw failures.state();
        }
        return h;
    }

    @Override
    public long allocate() {
        lock.lock();
        try {
            long h = open();
            return allocated(h, NativeCalls.allocate(h));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long allocateZeroed() {
        lock.lock();
        try {
            long h = open();
            return allocated(h, NativeCalls.allocateZeroed(h));
        } finally {
            lock.unlock();
        }
    }

    /** The address of a single allocation, recorded, or the refusal its status means. */
    private long allocated(long h, long result) {
        if (result <= 0) {
            throw failures.allocation(h, result);
        }
        sites.allocated(result);
        return result;
    }

    @Override
    public void deallocate(long address) {
        lock.lock();
        try {
            int rc = NativeCalls.deallocate(open(), address);
            if (rc != 0) {
                throw failures.address(rc, address);
            }
            sites.freed(address);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void allocate(long[] addresses, int offset, int count) {
        lock.lock();
        try {
            long h = open();
            int rc = NativeCalls.allocateBatch(h, addresses, offset, count);
            if (rc != 0) {
                throw failures.allocation(h, rc);
            }
            sites.allocated(addresses, offset, count);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void deallocate(long[] addresses, int offset, int count) {
        lock.lock();
        try {
            long refused = NativeCalls.deallocateBatch(open(), addresses, offset, count);
            failures.requireBatchFreed(refused, addresses, offset);
            sites.freed(addresses, offset, count);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int check(long address) {
        lock.lock();
        try {
            return NativeCalls.check(open(), address);
        } finally {
            lock.unlock();
        }
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
        lock.lock();
        try {
            NativeCalls.reset(open());
            sites.freedByReset();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long trim() {
        lock.lock();
        try {
            long h = open();
            long released = NativeCalls.trim(h);
            sites.forgetReleased(h, released);
            return released;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public SlabStats stats() {
        lock.lock();
        try {
            return NativeStats.read(open()).slabStats();
        } finally {
            lock.unlock();
        }
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
