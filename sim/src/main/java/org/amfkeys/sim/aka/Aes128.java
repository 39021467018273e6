package org.amfkeys.sim.aka;

/**
 * AES-128 encryption of whole blocks under one key at a time: MILENAGE's kernel (TS 35.206 calls it
 * Rijndael with a 128-bit key and block). One instance per thread; it holds the expanded key of the
 * last {@link #key} until the next one or {@link #close}.
 */
public interface Aes128 extends AutoCloseable
{
    /** Octets of a key. */
    int KEY_LENGTH = 16;

    /** Octets of a block. */
    int BLOCK_LENGTH = 16;

    /**
     * @return the path's name for reports, e.g. {@code jdk}.
     */
    String name();

    /**
     * Expands {@code key} for the encryptions that follow.
     *
     * @param key    holds the key.
     * @param offset where its {@value #KEY_LENGTH} octets start.
     */
    void key(byte[] key, int offset);

    /**
     * Encrypts {@code blocks} consecutive blocks (ECB) under the last key; {@code in} and {@code out} may
     * be the same array at the same offset.
     *
     * @param in        the plaintext.
     * @param inOffset  where it starts.
     * @param out       receives the ciphertext.
     * @param outOffset where it starts.
     * @param blocks    how many blocks, at least 1.
     */
    void encrypt(byte[] in, int inOffset, byte[] out, int outOffset, int blocks);

    /**
     * Forgets the key: the expanded key this path holds is overwritten.
     */
    @Override
    void close();
}
