package org.amfkeys.bench;

import org.amfkeys.hmac.Libcrypto;

/**
 * OpenSSL's HMAC through JNA, as a Java user would call it without compiled glue: the one-shot
 * {@code HMAC()}, and an {@code HMAC_CTX} kept with its key for reuse. Direct-mapped, addresses as longs.
 */
final class OpensslJna
{
    static
    {
        Libcrypto.register();
    }

    private OpensslJna()
    {
    }

    /** {@code const EVP_MD *EVP_sha256(void)}. */
    static native long EVP_sha256();

    /**
     * {@code unsigned char *HMAC(const EVP_MD *, const void *key, int, const unsigned char *d, size_t, unsigned char *md,
     * unsigned int *)}.
     */
    static native long HMAC(long md, long key, int keyLength, long data, long dataLength, long out, long outLength);

    /** {@code HMAC_CTX *HMAC_CTX_new(void)}. */
    static native long HMAC_CTX_new();

    /** {@code void HMAC_CTX_free(HMAC_CTX *)}. */
    static native void HMAC_CTX_free(long context);

    /** {@code int HMAC_Init_ex(HMAC_CTX *, const void *key, int, const EVP_MD *, ENGINE *)}: a 0 key keeps the key. */
    static native int HMAC_Init_ex(long context, long key, int keyLength, long md, long engine);

    /** {@code int HMAC_Update(HMAC_CTX *, const unsigned char *, size_t)}. */
    static native int HMAC_Update(long context, long data, long length);

    /** {@code int HMAC_Final(HMAC_CTX *, unsigned char *md, unsigned int *len)}. */
    static native int HMAC_Final(long context, long out, long outLength);
}
