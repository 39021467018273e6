package org.amfkeys.hmac;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * Known-answer self-test of an HMAC engine against the JDK's {@code Mac} and {@code MessageDigest}, run
 * before an engine is first handed out. Key and message lengths straddle every padding boundary
 * (55/56 and 63/64/65 octets) and the long-key rule (keys over 64 octets are hashed).
 */
final class HmacSelfTest
{
    private static final int[] KEY_LENGTHS = {0, 1, 16, 31, 32, 33, 63, 64, 65, 100, 200};
    private static final int[] MESSAGE_LENGTHS = {0, 1, 7, 10, 35, 55, 56, 63, 64, 65, 71, 119, 120, 127, 128, 200, 1100};

    private HmacSelfTest()
    {
    }

    /**
     * @param engine the engine to check.
     * @return null when every check passed, else what failed (lengths only, never data).
     */
    static String failure(final HmacSha256Engine engine)
    {
        try
        {
            final Mac reference = Mac.getInstance("HmacSHA256");
            final MessageDigest referenceDigest = MessageDigest.getInstance("SHA-256");
            final KeySchedule schedule = new KeySchedule();
            final byte[] actual = new byte[HmacSha256Engine.MAC_LENGTH + 3];
            long seed = 0x33501_33401L;

            for (final int messageLength : MESSAGE_LENGTHS)
            {
                final byte[] message = new byte[messageLength + 5];
                seed = fill(message, seed);
                engine.digest(message, 5, messageLength, actual, 3);
                referenceDigest.update(message, 5, messageLength);
                if (!matches(referenceDigest.digest(), actual, 3))
                {
                    return "SHA-256 differs from the JDK for a " + messageLength + "-octet message";
                }
            }

            for (final int keyLength : KEY_LENGTHS)
            {
                final byte[] key = new byte[keyLength + 2];
                seed = fill(key, seed);
                engine.computeSchedule(key, 2, keyLength, schedule);
                // SecretKeySpec refuses an empty key; HMAC pads a 1-octet zero key to the same block.
                reference.init(keyLength == 0 ?
                    new SecretKeySpec(new byte[1], "HmacSHA256") :
                    new SecretKeySpec(key, 2, keyLength, "HmacSHA256"));
                for (final int messageLength : MESSAGE_LENGTHS)
                {
                    final byte[] message = new byte[messageLength + 1];
                    seed = fill(message, seed);
                    engine.mac(schedule, message, 1, messageLength, actual, 3);
                    reference.update(message, 1, messageLength);
                    if (!matches(reference.doFinal(), actual, 3))
                    {
                        return "HMAC differs from the JDK for a " + keyLength + "-octet key and a " +
                            messageLength + "-octet message";
                    }
                }
            }
            schedule.clear();
            Arrays.fill(actual, (byte)0);
            return null;
        }
        catch (final Exception | LinkageError ex)
        {
            return "self-test failed with " + ex;
        }
    }

    /**
     * @return a one-line summary of what {@link #failure} checks, for reports.
     */
    static String coverage()
    {
        return (KEY_LENGTHS.length * MESSAGE_LENGTHS.length + MESSAGE_LENGTHS.length) +
            " HMAC and SHA-256 checks against the JDK passed";
    }

    private static boolean matches(final byte[] expected, final byte[] actual, final int offset)
    {
        return Arrays.equals(expected, 0, expected.length, actual, offset, offset + expected.length);
    }

    /**
     * Fills {@code bytes} from a xorshift generator: test data that is the same on every run, with no
     * random source to seed at start-up.
     *
     * @return the generator's state, the seed of the next fill.
     */
    static long fill(final byte[] bytes, final long seed)
    {
        long x = seed == 0 ? 1 : seed;
        for (int i = 0; i < bytes.length; i++)
        {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            bytes[i] = (byte)x;
        }
        return x;
    }
}
