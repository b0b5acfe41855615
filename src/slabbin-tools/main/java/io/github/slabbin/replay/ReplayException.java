package io.github.slabbin.replay;

/**
 * A replay failed: a block's pattern did not survive until it was freed (the message names the
 * trace, the event number and its source line), or an allocator refused memory.
 */
public final class ReplayException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * An exception with a message.
     *
     * @param message what failed, where
     */
    public ReplayException(String message) {
        super(message);
    }
}
