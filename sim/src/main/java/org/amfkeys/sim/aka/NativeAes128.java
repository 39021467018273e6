package org.amfkeys.sim.aka;

import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.amfkeys.hmac.CpuFeature;
import org.amfkeys.hmac.HmacEngines;
import org.amfkeys.hmac.NativeStatus;

/**
 * AES-128 on AES-NI in the native library: key expansion and four blocks interleaved, a few dozen
 * nanoseconds for what costs the JDK's {@code Cipher.init} and {@code update} about a microsecond
 * (its key setup and provider layers, not its rounds). Usable when the library is loaded, the CPU has
 * AES-NI, and the kernel gave FIPS-197's known answer at class load ({@link #availability()}).
 * <p>
 * The key, its round keys and the blocks pass through this instance's own off-heap memory, zeroed at
 * {@link #close}; the native side takes addresses and copies nothing.
 */
public final class NativeAes128 implements Aes128
{
    /** Blocks copied to native memory per call. */
    private static final int CHUNK_BLOCKS = 8;
    private static final int KEY_AT = 0;
    private static final int ROUND_KEYS_AT = 64;
    private static final int ROUND_KEYS_LENGTH = 176;
    private static final int BLOCKS_AT = ROUND_KEYS_AT + ROUND_KEYS_LENGTH + 16;
    private static final int MEMORY_LENGTH = BLOCKS_AT + CHUNK_BLOCKS * BLOCK_LENGTH;

    private static final String AVAILABILITY = checkAvailability();

    private final UnsafeBuffer memory = new UnsafeBuffer(BufferUtil.allocateDirectAligned(MEMORY_LENGTH, 64));
    private boolean keyed;
    private boolean closed;

    /**
     * @throws IllegalStateException when this path cannot run here ({@link #availability()} says why).
     */
    public NativeAes128()
    {
        if (AVAILABILITY != null)
        {
            throw new IllegalStateException("the native AES-NI kernel is not usable: " + AVAILABILITY);
        }
    }

    /**
     * @return null when the native AES-NI kernel can be used here, else why not.
     */
    public static String availability()
    {
        return AVAILABILITY;
    }

    @Override
    public String name()
    {
        return "aes-ni";
    }

    @Override
    public void key(final byte[] key, final int offset)
    {
        ensureOpen();
        memory.putBytes(KEY_AT, key, offset, KEY_LENGTH);
        final int result = expandKey(memory.addressOffset() + KEY_AT, memory.addressOffset() + ROUND_KEYS_AT);
        memory.setMemory(KEY_AT, KEY_LENGTH, (byte)0);
        check(result);
        keyed = true;
    }

    @Override
    public void encrypt(final byte[] in, final int inOffset, final byte[] out, final int outOffset, final int blocks)
    {
        ensureOpen();
        if (!keyed)
        {
            throw new IllegalStateException("no key: call key() first");
        }
        for (int done = 0; done < blocks; done += CHUNK_BLOCKS)
        {
            final int length = Math.min(CHUNK_BLOCKS, blocks - done) * BLOCK_LENGTH;
            memory.putBytes(BLOCKS_AT, in, inOffset + done * BLOCK_LENGTH, length);
            final long address = memory.addressOffset() + BLOCKS_AT;
            check(encrypt(memory.addressOffset() + ROUND_KEYS_AT, address, address, length / BLOCK_LENGTH));
            memory.getBytes(BLOCKS_AT, out, outOffset + done * BLOCK_LENGTH, length);
        }
    }

    /**
     * Zeroes the round keys and the last blocks; the instance cannot be used afterwards.
     */
    @Override
    public void close()
    {
        memory.setMemory(0, MEMORY_LENGTH, (byte)0);
        keyed = false;
        closed = true;
    }

    @Override
    public String toString()
    {
        return "NativeAes128 (aes-ni)";
    }

    /**
     * OpenSSL's AES-128-ECB, the reference the kernel is compared with in tests.
     *
     * @param key    the key, 16 octets.
     * @param in     the plaintext, whole blocks.
     * @param out    receives the ciphertext, as long as {@code in}.
     */
    static void opensslEncrypt(final byte[] key, final byte[] in, final byte[] out)
    {
        final int blocks = in.length / BLOCK_LENGTH;
        final UnsafeBuffer scratch = new UnsafeBuffer(BufferUtil.allocateDirectAligned(KEY_LENGTH + 2 * in.length + 64, 64));
        scratch.putBytes(0, key);
        scratch.putBytes(KEY_LENGTH, in);
        final long address = scratch.addressOffset();
        check(opensslEncrypt(address, address + KEY_LENGTH, address + KEY_LENGTH + in.length, blocks));
        scratch.getBytes(KEY_LENGTH + in.length, out, 0, blocks * BLOCK_LENGTH);
        scratch.setMemory(0, scratch.capacity(), (byte)0);
    }

    private void ensureOpen()
    {
        if (closed)
        {
            throw new IllegalStateException("this NativeAes128 is closed");
        }
    }

    private static void check(final int result)
    {
        if (result != 0)
        {
            throw new IllegalStateException("the native AES kernel refused the call: " + result);
        }
    }

    /**
     * Loads the library through the HMAC engines (one library, loaded once), then checks the CPU and
     * FIPS-197 C.1's known answer.
     */
    private static String checkAvailability()
    {
        final NativeStatus status = HmacEngines.nativeStatus();
        if (!status.loaded())
        {
            return "the native library is not loaded (" + status.library() + ")";
        }
        if (!status.cpuFeatures().contains(CpuFeature.AES_NI))
        {
            return "this CPU has no AES-NI (or it is masked)";
        }
        try
        {
            if (!aesniSupported())
            {
                return "the library reports no AES-NI";
            }
            return KnownAnswer.matches() ? null : "the kernel failed its known-answer test";
        }
        catch (final UnsatisfiedLinkError ex)
        {
            return "the native library has no AES entry points";
        }
    }

    static native boolean aesniSupported();

    static native int expandKey(long key, long roundKeys);

    static native int encrypt(long roundKeys, long in, long out, int blocks);

    static native int opensslEncrypt(long key, long in, long out, int blocks);

    /**
     * FIPS-197 Appendix C.1 (AES-128): key 000102..0f, plaintext 00112233..ff, run through the kernel
     * once per block count the interleaving treats differently.
     */
    private static final class KnownAnswer
    {
        private static final byte[] KEY = hex("000102030405060708090a0b0c0d0e0f");
        private static final byte[] PLAINTEXT = hex("00112233445566778899aabbccddeeff");
        private static final byte[] CIPHERTEXT = hex("69c4e0d86a7b0430d8cdb78070b4c55a");

        static boolean matches()
        {
            final UnsafeBuffer scratch = new UnsafeBuffer(BufferUtil.allocateDirectAligned(ROUND_KEYS_AT + ROUND_KEYS_LENGTH + 9 * 16, 64));
            scratch.putBytes(0, KEY);
            final long address = scratch.addressOffset();
            if (expandKey(address, address + ROUND_KEYS_AT) != 0)
            {
                return false;
            }
            final int blocksAt = ROUND_KEYS_AT + ROUND_KEYS_LENGTH;
            for (int blocks = 1; blocks <= 9; blocks++)
            {
                for (int b = 0; b < blocks; b++)
                {
                    scratch.putBytes(blocksAt + b * 16, PLAINTEXT);
                }
                if (encrypt(address + ROUND_KEYS_AT, address + blocksAt, address + blocksAt, blocks) != 0)
                {
                    return false;
                }
                for (int b = 0; b < blocks; b++)
                {
                    for (int i = 0; i < 16; i++)
                    {
                        if (scratch.getByte(blocksAt + b * 16 + i) != CIPHERTEXT[i])
                        {
                            return false;
                        }
                    }
                }
            }
            return true;
        }

        private static byte[] hex(final String text)
        {
            return java.util.HexFormat.of().parseHex(text);
        }
    }
}
