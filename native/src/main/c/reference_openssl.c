/* OpenSSL's one-shot HMAC(): the trusted reference the kernels are checked against. */
#include "amfkeys_native.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <string.h>

int amfkeys_openssl_hmac_records(uint8_t *records, int count)
{
    if (records == NULL || count < 0)
    {
        return AMFKEYS_ERROR_ARGUMENT;
    }
    int computed = 0;
    for (int i = 0; i < count; i++)
    {
        uint8_t *r = records + (size_t)i * AMFKEYS_RECORD_LENGTH;
        int32_t flags, key_length, message_length;
        memcpy(&flags, r + AMFKEYS_RECORD_FLAGS, 4);
        memcpy(&key_length, r + AMFKEYS_RECORD_KEY_LENGTH, 4);
        memcpy(&message_length, r + AMFKEYS_RECORD_MESSAGE_LENGTH, 4);
        int32_t status = AMFKEYS_STATUS_OK;
        if (flags != 0)
        {
            status = AMFKEYS_STATUS_BAD_FLAGS; /* a key schedule cannot be given to HMAC() */
        }
        else if (key_length < 0 || key_length > AMFKEYS_MAX_KEY)
        {
            status = AMFKEYS_STATUS_BAD_KEY_LENGTH;
        }
        else if (message_length < 0 || message_length > AMFKEYS_MAX_MESSAGE)
        {
            status = AMFKEYS_STATUS_BAD_MESSAGE;
        }
        else
        {
            unsigned int length = 32;
            if (HMAC(EVP_sha256(), r + AMFKEYS_RECORD_KEY, key_length, r + AMFKEYS_RECORD_MESSAGE,
                    (size_t)message_length, r + AMFKEYS_RECORD_MAC, &length) == NULL || length != 32)
            {
                status = AMFKEYS_ERROR_ARGUMENT;
            }
            else
            {
                computed++;
            }
        }
        memcpy(r + AMFKEYS_RECORD_STATUS, &status, 4);
    }
    return computed;
}
