package org.amfkeys.hmac;

import java.util.function.IntPredicate;

/**
 * A real engine whose MACs (and digests) come out with one bit flipped whenever the message length
 * matches, for tests that must see wrong keys caught.
 */
public final class CorruptingEngine implements HmacSha256Engine
{
    private final HmacSha256Engine delegate = HmacEngines.newEngine();
    private final IntPredicate corruptLength;

    /**
     * @param corruptLength which message lengths get a wrong result.
     */
    public CorruptingEngine(final IntPredicate corruptLength)
    {
        this.corruptLength = corruptLength;
    }

    public String name()
    {
        return "corrupting-" + delegate.name();
    }

    public void computeSchedule(final byte[] key, final int keyOffset, final int keyLength, final KeySchedule schedule)
    {
        delegate.computeSchedule(key, keyOffset, keyLength, schedule);
    }

    public void mac(
        final KeySchedule schedule, final byte[] message, final int offset, final int length, final byte[] mac, final int macOffset)
    {
        delegate.mac(schedule, message, offset, length, mac, macOffset);
        if (corruptLength.test(length))
        {
            mac[macOffset] ^= (byte)0x80;
            mac[macOffset + MAC_LENGTH - 1] ^= 1;
        }
    }

    public void digest(final byte[] message, final int offset, final int length, final byte[] digest, final int digestOffset)
    {
        delegate.digest(message, offset, length, digest, digestOffset);
        if (corruptLength.test(length))
        {
            digest[digestOffset + MAC_LENGTH - 1] ^= 1;
        }
    }

    public void close()
    {
        delegate.close();
    }
}
