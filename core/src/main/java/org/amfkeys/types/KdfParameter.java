package org.amfkeys.types;

/**
 * A value with a fixed octet-string encoding as a TS 33.220 B.2 KDF parameter Pi. Values encode once,
 * when they are created, so derivations copy octets and allocate nothing.
 */
public interface KdfParameter
{
    /**
     * @return the length Li of the encoding in octets.
     */
    int encodedLength();

    /**
     * Copies the encoding.
     *
     * @param destination array receiving {@link #encodedLength()} octets.
     * @param offset      where the encoding starts.
     */
    void encodeTo(byte[] destination, int offset);
}
