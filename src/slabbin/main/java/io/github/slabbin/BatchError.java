package io.github.slabbin;

/**
 * A refused batch free as {@link SlabbinNative#deallocateBatch} reports it: the one decoder of
 * its packed {@code (index << BATCH_INDEX_SHIFT) | -status} result.
 *
 * @param index  position of the first refused entry, counted from the batch's offset
 * @param status the refusal, a negative {@code SLABBIN_E*} code
 */
record BatchError(int index, int status) {

    /**
     * Decodes a non-zero {@link SlabbinNative#deallocateBatch} result.
     *
     * @param packed the native result, not 0
     * @return the refused entry and its status
     */
    static BatchError decode(long packed) {
        int mask = (1 << SlabbinNative.BATCH_INDEX_SHIFT) - 1;
        return new BatchError((int) (packed >>> SlabbinNative.BATCH_INDEX_SHIFT),
                -(int) (packed & mask));
    }
}
