package org.amfkeys.kdf;

import org.amfkeys.hmac.HmacEngines;
import org.amfkeys.hmac.HmacSha256Engine;
import org.amfkeys.hmac.KeySchedule;

import java.util.Arrays;

/**
 * An engine that remembers the last message it was given (the KDF input string S), so tests can check
 * encodings octet by octet.
 */
final class RecordingEngine implements HmacSha256Engine
{
    private final HmacSha256Engine delegate = HmacEngines.newEngine();
    private byte[] lastMessage;

    byte[] lastMessage()
    {
        return lastMessage;
    }

    public String name()
    {
        return "recording-" + delegate.name();
    }

    public void computeSchedule(final byte[] key, final int keyOffset, final int keyLength, final KeySchedule schedule)
    {
        delegate.computeSchedule(key, keyOffset, keyLength, schedule);
    }

    public void mac(
        final KeySchedule schedule, final byte[] message, final int messageOffset, final int messageLength,
        final byte[] mac, final int macOffset)
    {
        lastMessage = Arrays.copyOfRange(message, messageOffset, messageOffset + messageLength);
        delegate.mac(schedule, message, messageOffset, messageLength, mac, macOffset);
    }

    public void digest(
        final byte[] message, final int messageOffset, final int messageLength, final byte[] digest, final int digestOffset)
    {
        lastMessage = Arrays.copyOfRange(message, messageOffset, messageOffset + messageLength);
        delegate.digest(message, messageOffset, messageLength, digest, digestOffset);
    }

    public void close()
    {
        delegate.close();
    }
}
