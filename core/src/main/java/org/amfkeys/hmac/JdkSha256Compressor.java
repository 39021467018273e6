package org.amfkeys.hmac;

import org.agrona.UnsafeApi;

import java.lang.reflect.Field;
import java.security.MessageDigest;

/**
 * The JDK's own SHA-256 compression, which HotSpot replaces with SHA-NI or AVX2 code on CPUs that have
 * them. {@code MessageDigest} offers no way to start from a precomputed HMAC pad state, so this reaches
 * the chaining value of the {@code SUN} provider's SHA-256 directly and feeds it whole blocks only:
 * padding stays ours, and the provider never finishes a digest.
 * <p>
 * This depends on JDK internals ({@code MessageDigest$Delegate.digestSpi}, {@code SHA2.state}) that
 * have been stable from JDK 17 to 25. {@link #create()} fails cleanly where they differ, and the
 * self-test in {@link HmacEngines} keeps a compressor that computes wrong values from ever being used.
 */
final class JdkSha256Compressor extends Sha256Compressor
{
    private final MessageDigest digest;

    private JdkSha256Compressor(final MessageDigest digest, final int[] state)
    {
        super(state);
        this.digest = digest;
    }

    /**
     * @return a compressor over a new SHA-256 instance of the {@code SUN} provider.
     * @throws IllegalStateException with the reason when the JDK's internals cannot be reached.
     */
    static JdkSha256Compressor create()
    {
        try
        {
            final MessageDigest digest = MessageDigest.getInstance("SHA-256", "SUN");
            final Object spi = readReference(digest, "digestSpi");
            if (!spi.getClass().getName().startsWith("sun.security.provider.SHA2"))
            {
                throw new IllegalStateException("unexpected SHA-256 implementation " + spi.getClass().getName());
            }
            final Object state = readReference(spi, "state");
            if (!(state instanceof int[]) || ((int[])state).length != INITIAL_HASH.length)
            {
                throw new IllegalStateException("unexpected SHA-256 state in " + spi.getClass().getName());
            }
            return new JdkSha256Compressor(digest, (int[])state);
        }
        catch (final IllegalStateException ex)
        {
            throw ex;
        }
        catch (final Exception | LinkageError ex)
        {
            throw new IllegalStateException("the JDK's SHA-256 state is not reachable: " + ex, ex);
        }
    }

    void compress(final byte[] blocks, final int offset, final int blockCount)
    {
        // Whole blocks only: DigestBase compresses them straight from our array (intrinsified)
        // and leaves nothing buffered, so its own padding never runs.
        digest.update(blocks, offset, blockCount << 6);
    }

    void wipe()
    {
        super.wipe();
        // The provider's message schedule W still holds the last block compressed: a key's pad block
        // after a schedule, an input string after a MAC. Resetting the digest clears it.
        digest.reset();
    }

    MessageDigest digestForTests()
    {
        return digest;
    }

    private static Object readReference(final Object instance, final String fieldName) throws NoSuchFieldException
    {
        for (Class<?> type = instance.getClass(); type != null; type = type.getSuperclass())
        {
            for (final Field field : type.getDeclaredFields())
            {
                if (field.getName().equals(fieldName) && !field.getType().isPrimitive())
                {
                    final Object value = UnsafeApi.getReference(instance, UnsafeApi.objectFieldOffset(field));
                    if (value == null)
                    {
                        throw new NoSuchFieldException(type.getName() + "." + fieldName + " is null");
                    }
                    return value;
                }
            }
        }
        throw new NoSuchFieldException(instance.getClass().getName() + "." + fieldName);
    }
}
