package org.amfkeys.hmac;

/**
 * The SHA-256 compression function over a chaining value that callers load and read directly, so
 * that HMAC can start from a precomputed pad state.
 */
abstract class Sha256Compressor
{
    /** FIPS 180-4 5.3.3 initial hash value. */
    static final int[] INITIAL_HASH =
    {
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19
    };

    /** The live chaining value H0..H7, read and written by the caller between compressions. */
    final int[] state;

    Sha256Compressor(final int[] state)
    {
        if (state.length != INITIAL_HASH.length)
        {
            throw new IllegalArgumentException("SHA-256 state must have 8 words");
        }
        this.state = state;
    }

    /**
     * Sets the chaining value to the SHA-256 initial hash value.
     */
    final void loadInitialHash()
    {
        System.arraycopy(INITIAL_HASH, 0, state, 0, INITIAL_HASH.length);
    }

    /**
     * Compresses {@code blockCount} consecutive 64-octet blocks into {@link #state}.
     *
     * @param blocks     array holding the blocks.
     * @param offset     offset of the first block.
     * @param blockCount number of blocks, at least 1.
     */
    abstract void compress(byte[] blocks, int offset, int blockCount);

    /**
     * Zeroes any scratch memory that may hold message or key material.
     */
    void wipe()
    {
        java.util.Arrays.fill(state, 0);
    }
}
