package org.amfkeys.sim.aka;

import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.ShortBufferException;
import javax.security.auth.Destroyable;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.util.Arrays;

/**
 * AES-128 through the JDK's own provider ({@code AES/ECB/NoPadding} of SunJCE), whose block
 * encryption the JIT replaces with AES-NI instructions where the processor has them.
 * <p>
 * The JDK copies a key out of its {@link SecretKey} and expands it in the cipher; the copy it makes is
 * wiped by the JDK after use, the one kept here is wiped at every new key and at {@link #close}, and
 * the expanded key is replaced by that of an all-zero key at {@link #close}.
 */
public final class JdkAes128 implements Aes128
{
    private static final String PROVIDER = "SunJCE";

    private final Cipher cipher;
    private final WipeableKey key = new WipeableKey();

    /**
     * @throws IllegalStateException when the JDK has no {@code AES/ECB/NoPadding} in SunJCE.
     */
    public JdkAes128()
    {
        try
        {
            cipher = Cipher.getInstance("AES/ECB/NoPadding", PROVIDER);
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException("AES/ECB/NoPadding is not available from " + PROVIDER, ex);
        }
    }

    @Override
    public String name()
    {
        return "jdk";
    }

    @Override
    public void key(final byte[] key, final int offset)
    {
        System.arraycopy(key, offset, this.key.octets, 0, KEY_LENGTH);
        try
        {
            cipher.init(Cipher.ENCRYPT_MODE, this.key);
        }
        catch (final InvalidKeyException ex)
        {
            throw new IllegalStateException("SunJCE refused a 16-octet AES key", ex);
        }
        finally
        {
            this.key.destroy();
        }
    }

    @Override
    public void encrypt(final byte[] in, final int inOffset, final byte[] out, final int outOffset, final int blocks)
    {
        try
        {
            cipher.update(in, inOffset, blocks * BLOCK_LENGTH, out, outOffset);
        }
        catch (final ShortBufferException ex)
        {
            throw new IllegalArgumentException("out: " + (out.length - outOffset) + " octets from " + outOffset +
                ", needs " + blocks * BLOCK_LENGTH, ex);
        }
    }

    @Override
    public void close()
    {
        Arrays.fill(key.octets, (byte)0);
        try
        {
            cipher.init(Cipher.ENCRYPT_MODE, key);
        }
        catch (final InvalidKeyException ex)
        {
            throw new IllegalStateException("SunJCE refused a 16-octet AES key", ex);
        }
    }

    /**
     * A key whose one copy this class owns and can wipe ({@code SecretKeySpec} keeps a copy nobody can).
     */
    private static final class WipeableKey implements SecretKey, Destroyable
    {
        private static final long serialVersionUID = 1L;

        private final transient byte[] octets = new byte[KEY_LENGTH];

        @Override
        public String getAlgorithm()
        {
            return "AES";
        }

        @Override
        public String getFormat()
        {
            return "RAW";
        }

        @Override
        public byte[] getEncoded()
        {
            return octets.clone();
        }

        @Override
        public void destroy()
        {
            Arrays.fill(octets, (byte)0);
        }

        @Override
        public boolean isDestroyed()
        {
            return false;
        }

        @Override
        public String toString()
        {
            return "AES key (" + KEY_LENGTH + " octets)";
        }
    }
}
