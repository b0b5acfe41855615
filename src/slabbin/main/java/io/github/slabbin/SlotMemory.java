package io.github.slabbin;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * The JNA pointer {@link SlabAllocator#pointer(long)} and
 * {@link SlabAllocator#structureAt(Class, long)} hand out: one slot, bounded to the slot's size,
 * and holding the allocator that made it, so that the allocator's memory is not released by the
 * Cleaner while the pointer, a share of it, or a structure on it is reachable.
 *
 * <p>Bounds: JNA's {@link Memory} checks every typed and array access; this class adds the
 * accesses {@code Memory} leaves unbounded, so that no method reads or writes a byte outside
 * {@code [0, size)}: {@link #setMemory} (and {@code clear}), {@link #indexOf}, and the strings,
 * which must end inside the slot. Every access outside throws {@link IndexOutOfBoundsException}
 * before touching memory, and {@link #share(long, long)} gives another bounded slot pointer.
 *
 * <p>It does not own the slot: {@link #close()} only forgets the address (JNA's {@code Memory()}
 * constructor registers nothing to free), and freeing goes through the allocator.
 */
final class SlotMemory extends Memory {
    /** Kept reachable by this pointer; read only by {@link #toString()}. */
    private final SlabAllocator allocator;

    /**
     * @param allocator the allocator the slot belongs to
     * @param address   the first byte this pointer reaches
     * @param size      bytes it may reach from there
     */
    SlotMemory(SlabAllocator allocator, long address, long size) {
        this.allocator = allocator;
        this.peer = address;
        this.size = size;
    }

    @Override
    public Pointer share(long offset, long sz) {
        boundsCheck(offset, sz);
        return new SlotMemory(allocator, peer + offset, sz);
    }

    @Override
    public void setMemory(long offset, long length, byte value) {
        boundsCheck(offset, length);
        super.setMemory(offset, length, value);
    }

    /** As {@link Pointer#indexOf}, searching only up to the end of the slot. */
    @Override
    public long indexOf(long offset, byte value) {
        boundsCheck(offset, 0);
        byte[] chunk = new byte[(int) Math.min(4096, size - offset)];
        for (long at = offset; at < size; at += chunk.length) {
            int n = (int) Math.min(chunk.length, size - at);
            read(at, chunk, 0, n);
            for (int i = 0; i < n; i++) {
                if (chunk[i] == value) {
                    return at + i - offset;
                }
            }
        }
        return -1;
    }

    /**
     * As {@link Pointer#getString(long, String)}, for a string whose NUL terminator lies inside
     * the slot.
     *
     * @throws IndexOutOfBoundsException if there is none between {@code offset} and the end
     */
    @Override
    public String getString(long offset, String encoding) {
        if (indexOf(offset, (byte) 0) < 0) {
            throw unterminated(offset);
        }
        return super.getString(offset, encoding);
    }

    /**
     * As {@link Pointer#getWideString(long)}, for a string whose wide NUL terminator lies inside
     * the slot.
     *
     * @throws IndexOutOfBoundsException if there is none between {@code offset} and the end
     */
    @Override
    public String getWideString(long offset) {
        boundsCheck(offset, 0);
        for (long at = offset; at + Native.WCHAR_SIZE <= size; at += Native.WCHAR_SIZE) {
            if ((Native.WCHAR_SIZE == 2 ? getShort(at) : getInt(at)) == 0) {
                return super.getWideString(offset);
            }
        }
        throw unterminated(offset);
    }

    private IndexOutOfBoundsException unterminated(long offset) {
        return new IndexOutOfBoundsException("no string terminator between offset " + offset
                + " and the end of " + this);
    }

    @Override
    public String toString() {
        return String.format("slot@0x%x (%d bytes) of %s", peer, size, allocator);
    }
}
