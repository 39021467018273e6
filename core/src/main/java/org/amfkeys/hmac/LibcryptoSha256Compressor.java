package org.amfkeys.hmac;

import org.agrona.concurrent.UnsafeBuffer;

/**
 * SHA-256 compression by the system's libcrypto, reached through JNA with no compiled glue
 * ({@code SHA256_Transform} on a context whose chaining value this class loads and reads back).
 */
final class LibcryptoSha256Compressor extends Sha256Compressor
{
    private static final int CONTEXT_LENGTH = 128;
    private static final int BLOCKS = 32;

    private final AlignedMemory memory = new AlignedMemory(CONTEXT_LENGTH + BLOCKS * 64, 64);
    private final UnsafeBuffer scratch = memory.buffer();
    private final long context = scratch.addressOffset();
    private final long data = context + CONTEXT_LENGTH;

    LibcryptoSha256Compressor()
    {
        super(new int[8]);
        Functions.ensureLoaded();
    }

    void compress(final byte[] blocks, final int offset, final int blockCount)
    {
        for (int done = 0; done < blockCount; done += BLOCKS)
        {
            final int n = Math.min(BLOCKS, blockCount - done);
            for (int i = 0; i < 8; i++)
            {
                scratch.putInt(i << 2, state[i]);
            }
            scratch.putBytes(CONTEXT_LENGTH, blocks, offset + (done << 6), n << 6);
            for (int b = 0; b < n; b++)
            {
                Functions.SHA256_Transform(context, data + ((long)b << 6));
            }
            for (int i = 0; i < 8; i++)
            {
                state[i] = scratch.getInt(i << 2);
            }
        }
    }

    void wipe()
    {
        super.wipe();
        scratch.setMemory(0, scratch.capacity(), (byte)0);
    }

    /**
     * Direct-mapped libcrypto functions.
     */
    static final class Functions
    {
        static
        {
            Libcrypto.register();
        }

        private Functions()
        {
        }

        static void ensureLoaded()
        {
            // Class initialisation registers the functions, or fails with the reason.
        }

        /**
         * {@code void SHA256_Transform(SHA256_CTX *c, const unsigned char *data)}.
         *
         * @param context address of a SHA256_CTX whose first 32 octets are the chaining value.
         * @param block   address of one 64-octet block.
         */
        static native void SHA256_Transform(long context, long block);
    }
}
