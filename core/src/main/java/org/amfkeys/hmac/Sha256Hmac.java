package org.amfkeys.hmac;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * HMAC-SHA-256 in Java over a {@link Sha256Compressor}: the padding and pad-state handling live here
 * once, the compression function is chosen by the compressor. Allocates nothing per call.
 */
final class Sha256Hmac implements HmacSha256Engine
{
    private static final VarHandle INT_BE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LONG_BE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final byte IPAD = 0x36;
    private static final byte OPAD = 0x5c;
    private static final int LENGTH_FIELD = Long.BYTES;

    private final String name;
    private final Sha256Compressor sha;
    private final int[] h;
    private final byte[] keyBlock = new byte[BLOCK_LENGTH];
    private final byte[] finalBlocks = new byte[2 * BLOCK_LENGTH];
    private final byte[] outerBlock = new byte[BLOCK_LENGTH];

    Sha256Hmac(final String name, final Sha256Compressor sha)
    {
        this.name = name;
        this.sha = sha;
        this.h = sha.state;
        initOuterPadding();
    }

    public String name()
    {
        return name;
    }

    public void computeSchedule(final byte[] key, final int keyOffset, final int keyLength, final KeySchedule schedule)
    {
        Objects.checkFromIndexSize(keyOffset, keyLength, key.length);
        // The outer state is written last: zeroed now, it marks the schedule as not computed until then.
        schedule.begin();
        if (keyLength > BLOCK_LENGTH)
        {
            digest(key, keyOffset, keyLength, keyBlock, 0);
            Arrays.fill(keyBlock, MAC_LENGTH, BLOCK_LENGTH, (byte)0);
        }
        else
        {
            System.arraycopy(key, keyOffset, keyBlock, 0, keyLength);
            Arrays.fill(keyBlock, keyLength, BLOCK_LENGTH, (byte)0);
        }

        xorBlock(keyBlock, IPAD);
        sha.loadInitialHash();
        sha.compress(keyBlock, 0, 1);
        for (int i = 0; i < KeyScheduleDescriptor.STATE_WORDS; i++)
        {
            schedule.innerWord(i, h[i]);
        }

        xorBlock(keyBlock, (byte)(IPAD ^ OPAD));
        sha.loadInitialHash();
        sha.compress(keyBlock, 0, 1);
        for (int i = 0; i < KeyScheduleDescriptor.STATE_WORDS; i++)
        {
            schedule.outerWord(i, h[i]);
        }

        Arrays.fill(keyBlock, (byte)0);
    }

    public void mac(
        final KeySchedule schedule,
        final byte[] message,
        final int messageOffset,
        final int messageLength,
        final byte[] mac,
        final int macOffset)
    {
        Objects.checkFromIndexSize(messageOffset, messageLength, message.length);
        Objects.checkFromIndexSize(macOffset, MAC_LENGTH, mac.length);
        if (!schedule.isComputed())
        {
            throw KeySchedule.notComputed();
        }

        for (int i = 0; i < KeyScheduleDescriptor.STATE_WORDS; i++)
        {
            h[i] = schedule.innerWord(i);
        }
        absorbFinal(message, messageOffset, messageLength, BLOCK_LENGTH);
        storeState(outerBlock, 0);

        for (int i = 0; i < KeyScheduleDescriptor.STATE_WORDS; i++)
        {
            h[i] = schedule.outerWord(i);
        }
        sha.compress(outerBlock, 0, 1);
        storeState(mac, macOffset);
    }

    public void digest(
        final byte[] message, final int messageOffset, final int messageLength, final byte[] digest, final int digestOffset)
    {
        Objects.checkFromIndexSize(messageOffset, messageLength, message.length);
        Objects.checkFromIndexSize(digestOffset, MAC_LENGTH, digest.length);
        sha.loadInitialHash();
        absorbFinal(message, messageOffset, messageLength, 0);
        storeState(digest, digestOffset);
    }

    public void close()
    {
        Arrays.fill(keyBlock, (byte)0);
        Arrays.fill(finalBlocks, (byte)0);
        Arrays.fill(outerBlock, 0, MAC_LENGTH, (byte)0);
        sha.wipe();
    }

    public String toString()
    {
        return "HmacSha256Engine[" + name + "]";
    }

    /**
     * Compresses the message and its FIPS 180-4 padding, given {@code precedingLength} octets
     * already compressed into the state (one block for the HMAC inner pad).
     */
    private void absorbFinal(final byte[] message, final int offset, final int length, final long precedingLength)
    {
        final int wholeBlocks = length >>> 6;
        if (wholeBlocks > 0)
        {
            sha.compress(message, offset, wholeBlocks);
        }

        final int remainder = length & (BLOCK_LENGTH - 1);
        System.arraycopy(message, offset + (wholeBlocks << 6), finalBlocks, 0, remainder);
        finalBlocks[remainder] = (byte)0x80;
        final int finalLength = remainder < BLOCK_LENGTH - LENGTH_FIELD ? BLOCK_LENGTH : 2 * BLOCK_LENGTH;
        Arrays.fill(finalBlocks, remainder + 1, finalLength - LENGTH_FIELD, (byte)0);
        LONG_BE.set(finalBlocks, finalLength - LENGTH_FIELD, (precedingLength + length) << 3);
        sha.compress(finalBlocks, 0, finalLength >>> 6);
    }

    private void initOuterPadding()
    {
        // The outer message is always the 32-octet inner digest after one pad block: its padding never changes.
        outerBlock[MAC_LENGTH] = (byte)0x80;
        LONG_BE.set(outerBlock, BLOCK_LENGTH - LENGTH_FIELD, (long)(BLOCK_LENGTH + MAC_LENGTH) << 3);
    }

    private void storeState(final byte[] out, final int offset)
    {
        for (int i = 0; i < KeyScheduleDescriptor.STATE_WORDS; i++)
        {
            INT_BE.set(out, offset + (i << 2), h[i]);
        }
    }

    private static void xorBlock(final byte[] block, final byte pad)
    {
        for (int i = 0; i < BLOCK_LENGTH; i++)
        {
            block[i] ^= pad;
        }
    }
}
