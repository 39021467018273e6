package org.amfkeys.hmac;

/**
 * HMAC-SHA-256 (RFC 2104, FIPS 198-1), the PRF of the TS 33.220 Annex B.2 key derivation function.
 * <p>
 * Engines differ only in speed: every engine gives the same bytes as the JDK's {@code Mac}, which the
 * self-test in {@link HmacEngines} checks before an engine is ever handed out. An engine keeps
 * scratch state and is not thread-safe: give each thread its own. {@link #close()} zeroes whatever key
 * material the scratch may still hold.
 */
public interface HmacSha256Engine extends AutoCloseable
{
    /** SHA-256 block length in octets. */
    int BLOCK_LENGTH = 64;

    /** HMAC-SHA-256 output length in octets. */
    int MAC_LENGTH = 32;

    /**
     * @return the engine's name as reported by the self-test, e.g. {@code java-intrinsic}.
     */
    String name();

    /**
     * Computes a key's schedule (its compressed inner and outer pad blocks). Keys longer than one
     * block are hashed first, as HMAC prescribes.
     *
     * @param key       array holding the key.
     * @param keyOffset offset of the key.
     * @param keyLength length of the key in octets, 0 or more.
     * @param schedule  where the schedule is written.
     */
    void computeSchedule(byte[] key, int keyOffset, int keyLength, KeySchedule schedule);

    /**
     * Computes HMAC-SHA-256 of a message under a computed key schedule.
     *
     * @param schedule      the key's schedule, see {@link #computeSchedule}.
     * @param message       array holding the message.
     * @param messageOffset offset of the message.
     * @param messageLength length of the message in octets.
     * @param mac           array receiving the {@link #MAC_LENGTH} octets of the MAC.
     * @param macOffset     offset at which the MAC is written.
     * @throws IllegalStateException if {@code schedule} was never computed or has been cleared.
     */
    void mac(KeySchedule schedule, byte[] message, int messageOffset, int messageLength, byte[] mac, int macOffset);

    /**
     * Two MACs under one key schedule, as two {@link #mac} calls give them: an engine may compute them
     * together (the two NAS keys of a Security Mode Command come from one KAMF).
     *
     * @param schedule     the key's schedule, see {@link #computeSchedule}.
     * @param first        array holding the first message from index 0.
     * @param firstLength  length of the first message in octets.
     * @param second       array holding the second message from index 0.
     * @param secondLength length of the second message in octets.
     * @param macs         receives the first MAC at 0 and the second at {@link #MAC_LENGTH}.
     * @throws IllegalStateException if {@code schedule} was never computed or has been cleared.
     */
    default void macPair(
        final KeySchedule schedule, final byte[] first, final int firstLength, final byte[] second, final int secondLength,
        final byte[] macs)
    {
        mac(schedule, first, 0, firstLength, macs, 0);
        mac(schedule, second, 0, secondLength, macs, MAC_LENGTH);
    }

    /**
     * Computes plain SHA-256 (used by HRES* of TS 33.501 A.5).
     *
     * @param message       array holding the message.
     * @param messageOffset offset of the message.
     * @param messageLength length of the message in octets.
     * @param digest        array receiving the 32 octets of the digest.
     * @param digestOffset  offset at which the digest is written.
     */
    void digest(byte[] message, int messageOffset, int messageLength, byte[] digest, int digestOffset);

    /**
     * Whether a MAC this engine gave since its owner last asked is a placeholder: an engine that stages
     * derivations for a later batch call records the first one it cannot answer yet and gives zeros
     * until the batch is computed. Whoever derives through such an engine publishes nothing while this
     * is true, and runs the step again once the batch is done.
     *
     * @return true while outputs are placeholders; always false for an engine that computes at once.
     */
    default boolean outputsDeferred()
    {
        return false;
    }

    /**
     * Zeroes the engine's scratch memory. The engine stays usable.
     */
    void close();
}
