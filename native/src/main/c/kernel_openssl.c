/* The portable kernel: OpenSSL's own SHA-256 block function, on any CPU OpenSSL supports. */
#define OPENSSL_SUPPRESS_DEPRECATED
#include "amfkeys_native.h"

#include <openssl/crypto.h>
#include <openssl/sha.h>
#include <string.h>

void amfkeys_compress_openssl(int lanes, uint32_t (*states)[8], const uint8_t *const *blocks, const int *counts)
{
    SHA256_CTX ctx;
    memset(&ctx, 0, sizeof(ctx));
    for (int lane = 0; lane < lanes; lane++)
    {
        /* SHA256_Transform compresses one block into ctx.h; the rest of the context is not used. */
        memcpy(ctx.h, states[lane], sizeof(ctx.h));
        for (int block = 0; block < counts[lane]; block++)
        {
            SHA256_Transform(&ctx, blocks[lane] + 64 * block);
        }
        memcpy(states[lane], ctx.h, sizeof(ctx.h));
    }
    OPENSSL_cleanse(&ctx, sizeof(ctx));
}
