package org.amfkeys.kdf;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.amfkeys.InvalidParameterException;
import org.amfkeys.Octets;
import org.amfkeys.hmac.HmacEngines;
import org.amfkeys.hmac.HmacRecords;
import org.amfkeys.hmac.HmacSha256Engine;
import org.amfkeys.hmac.KeySchedule;
import org.amfkeys.types.Abba;
import org.amfkeys.types.AccessNetworkIdentity;
import org.amfkeys.types.AccessType;
import org.amfkeys.types.AfId;
import org.amfkeys.types.AlgorithmIdentity;
import org.amfkeys.types.AlgorithmTypeDistinguisher;
import org.amfkeys.types.Earfcn;
import org.amfkeys.types.IpAddress;
import org.amfkeys.types.KdfParameter;
import org.amfkeys.types.MobilityMode;
import org.amfkeys.types.NasCount;
import org.amfkeys.types.NrArfcn;
import org.amfkeys.types.Pci;
import org.amfkeys.types.PlmnId;
import org.amfkeys.types.ServingNetworkName;
import org.amfkeys.types.Supi;
import org.amfkeys.types.Uint16;
import org.amfkeys.types.UsageTypeDistinguisher;

import java.util.Arrays;

/**
 * Every 3GPP key derivation of TS 33.501 Annex A, TS 33.535 Annex A and TS 33.401 Annex A, on one
 * HMAC-SHA-256 engine.
 * <p>
 * Each derivation comes in at least three forms:
 * <ul>
 *     <li>a casual one that takes the key as {@code byte[]} and returns a new {@code byte[]};</li>
 *     <li>two that write into caller-owned memory (a {@code byte[]} at an offset, or an Agrona
 *     {@link MutableDirectBuffer}) and allocate nothing. Those take derivation keys as a
 *     {@link KeySchedule}, computed once per key with {@link #computeSchedule}, so that the many
 *     derivations keyed by one KAMF (NAS keys, KgNB, NH chain) cost two SHA-256 compressions each
 *     instead of four. Keys that feed a single derivation (CK and IK) are taken as {@code byte[]}.</li>
 * </ul>
 * The casual form documents the derivation: its clause and FC, the KEY, each parameter P0..Pn with its
 * encoding and allowed range, and the output. The other forms refer to it and describe only what they
 * change.
 * <p>
 * Every input is validated before anything is computed or written: an invalid one raises an
 * {@link InvalidParameterException} naming the parameter and its allowed range, and leaves the
 * caller's output untouched. The forms that write into caller memory also refuse a missing {@code out}, a
 * negative {@code outOffset}, and an {@code out} too short for the output from {@code outOffset} unless
 * it is an expandable buffer, which grows to take it. Parameter names are those of the command-line tool.
 * <p>
 * A {@code Kdf} owns scratch memory and is not thread-safe: give each thread its own. {@link #close()}
 * zeroes the scratch memory, which may hold key material between calls; every method but
 * {@link #close()} (which may be called again), {@link #isClosed()} and {@link #toString()} then throws an
 * {@link IllegalStateException}. The check is a field compare in the few places every derivation
 * passes first (its key's schedule, the HMAC call), so it costs the hot path nothing measurable.
 */
public final class Kdf implements AutoCloseable
{
    /** Length of a 256-bit key or KDF output in octets. */
    public static final int KEY_LENGTH = 32;

    /** Length of CK and of IK in octets. */
    public static final int CK_IK_LENGTH = 16;

    /** Length of an algorithm key, RES*, HRES* and the SoR/UPU MACs in octets (last 128 bits). */
    public static final int LOW_128_LENGTH = 16;

    /** Where an algorithm key or RES* starts in the MAC of a staged record: its last 128 bits. */
    public static final int LOW_128_MAC_OFFSET = KEY_LENGTH - LOW_128_LENGTH;

    /** Length of SQN xor AK in octets. */
    public static final int SQN_XOR_AK_LENGTH = 6;

    /** Length of RAND in octets. */
    public static final int RAND_LENGTH = 16;

    /** Shortest RES / XRES in octets. */
    public static final int MIN_RES_LENGTH = 4;

    /** Longest RES / XRES in octets. */
    public static final int MAX_RES_LENGTH = 16;

    /** Length of NONCE_UE and NONCE_MME in octets (TS 33.401 A.11). */
    public static final int NONCE_LENGTH = 4;

    /** The SoR / UPU acknowledgement octet: "verified successfully" (TS 33.501 A.18, A.20). */
    private static final int ACKNOWLEDGEMENT = 0x01;

    private static final int FULL_OUTPUT = 0;

    private static final String SCHEDULE = "a schedule filled by Kdf.computeSchedule";

    private static final byte[] AKMA = {'A', 'K', 'M', 'A'};
    private static final byte[] A_TID = {'A', '-', 'T', 'I', 'D'};

    private final HmacSha256Engine engine;
    private final KdfInputString s = new KdfInputString();
    private final KeySchedule scratchSchedule = new KeySchedule();
    /** Octets of an algorithm key's input string: FC, the distinguisher and the identity with their lengths. */
    private static final int ALGORITHM_KEY_INPUT_LENGTH = 1 + 1 + 2 + 1 + 2;

    private final byte[] ckIk = new byte[KEY_LENGTH];
    private final byte[] output = new byte[KEY_LENGTH];
    private final byte[] hashInput = new byte[RAND_LENGTH + LOW_128_LENGTH];
    /** The first input string and both outputs of {@link #nasKeys}. */
    private final byte[] pairInput = new byte[ALGORITHM_KEY_INPUT_LENGTH];
    private final byte[] pairOutput = new byte[2 * KEY_LENGTH];
    /** Whether a derivation wrote to the scratch memory since the last {@link #wipe}: most steps' wipes then zero nothing. */
    private boolean scratchUsed;
    private boolean closed;

    /**
     * A KDF on the fastest HMAC engine that passed its self-test (see {@link HmacEngines}).
     */
    public Kdf()
    {
        this(HmacEngines.newEngine());
    }

    /**
     * @param engine the HMAC engine to derive with; owned by this {@code Kdf} from now on.
     */
    public Kdf(final HmacSha256Engine engine)
    {
        this.engine = requireNonNull("engine", engine);
    }

    /**
     * @return the name of the HMAC engine this KDF derives with.
     */
    public String engineName()
    {
        ensureOpen();
        return engine.name();
    }

    /**
     * @return whether a key this KDF derived since its engine was last reset is a placeholder for a
     *         derivation staged for a later batch call (see {@link HmacSha256Engine#outputsDeferred()});
     *         nothing derived then may be published.
     * @throws IllegalStateException when the KDF is closed.
     */
    public boolean outputsDeferred()
    {
        ensureOpen();
        return engine.outputsDeferred();
    }

    // ---------------------------------------------------------------------------------------------
    // Key schedules and the generic KDF
    // ---------------------------------------------------------------------------------------------

    /**
     * Computes the schedule of a 256-bit key, once, for the allocation-free derivations keyed by it.
     *
     * @param key      the key, 32 octets.
     * @param schedule where the schedule is written.
     */
    public void computeSchedule(final byte[] key, final KeySchedule schedule)
    {
        ensureOpen();
        requireOctets("key", key, KEY_LENGTH);
        engine.computeSchedule(key, 0, KEY_LENGTH, requireNonNull("schedule", schedule));
    }

    /**
     * Same as {@link #computeSchedule(byte[], KeySchedule)}, with the key read from a buffer such as a
     * context table slot.
     *
     * @param key       buffer holding the key.
     * @param keyOffset offset of the 32-octet key.
     * @param schedule  where the schedule is written.
     */
    public void computeSchedule(final DirectBuffer key, final int keyOffset, final KeySchedule schedule)
    {
        ensureOpen();
        requireNonNull("key", key);
        requireNonNull("schedule", schedule);
        requireSlice("key", key.capacity(), keyOffset, KEY_LENGTH);
        scratchUsed = true;
        key.getBytes(keyOffset, ckIk, 0, KEY_LENGTH);
        engine.computeSchedule(ckIk, 0, KEY_LENGTH, schedule);
        Octets.zero(ckIk);
    }

    /**
     * Same as {@link #computeSchedule(byte[], KeySchedule)}, into a new schedule (allocates).
     *
     * @param key the key, 32 octets.
     * @return its schedule.
     */
    public KeySchedule newSchedule(final byte[] key)
    {
        final KeySchedule schedule = new KeySchedule();
        computeSchedule(key, schedule);
        return schedule;
    }

    /**
     * The generic KDF of TS 33.220 B.2: HMAC-SHA-256 of an input string S built by the caller.
     *
     * @param key       the key's schedule.
     * @param s         the input string.
     * @param out       receives the 32-octet output.
     * @param outOffset where the output starts.
     */
    public void derive(final KeySchedule key, final KdfInputString s, final MutableDirectBuffer out, final int outOffset)
    {
        ensureOpen();
        requireNonNull("s", s);
        if (s.length() == 0)
        {
            throw new InvalidParameterException("s", "not started", "an input string begun with fc() or extendedFc()");
        }
        run(schedule("key", key), s, FULL_OUTPUT, KEY_LENGTH, out, outOffset);
    }

    /**
     * The generic KDF of TS 33.220 B.2 for a one-off key and parameters given as octet strings.
     *
     * @param key        the key, 1 to 65535 octets (3GPP keys are 16 or 32 octets).
     * @param fc         function code: 0x00..0xFE for one octet, or 0xFF00..0xFFFF for {@code 0xFF || FC2}.
     * @param parameters P0..Pn, each 0..65535 octets.
     * @return the 32-octet output.
     */
    public byte[] generic(final byte[] key, final int fc, final byte[]... parameters)
    {
        ensureOpen();
        if (key == null || key.length == 0 || key.length > KdfInputString.MAX_PARAMETER_LENGTH)
        {
            throw key == null ?
                InvalidParameterException.missing("key", "1..65535 octets") :
                InvalidParameterException.badLength("key", key.length, "1..65535 octets");
        }
        if (fc >= 0 && fc < Fc.EXTENSION_PREFIX)
        {
            s.fc(fc);
        }
        else if (fc >= Fc.EXTENSION_PREFIX << 8 && fc <= 0xFFFF)
        {
            s.extendedFc(fc & 0xFF);
        }
        else
        {
            throw new InvalidParameterException(
                "fc", fc + " is out of range", "0..254 (one octet) or 65280..65535 (0xFF || FC2)");
        }
        requireNonNull("param", parameters);
        for (int i = 0; i < parameters.length; i++)
        {
            final byte[] parameter = parameters[i];
            if (parameter == null || parameter.length > KdfInputString.MAX_PARAMETER_LENGTH)
            {
                throw parameter == null ?
                    InvalidParameterException.missing("param[" + i + "]", "0..65535 octets") :
                    InvalidParameterException.badLength("param[" + i + "]", parameter.length, "0..65535 octets");
            }
        }
        for (final byte[] parameter : parameters)
        {
            s.octets(parameter);
        }
        scratchUsed = true;
        engine.computeSchedule(key, 0, key.length, scratchSchedule);
        return run(scratchSchedule, s, FULL_OUTPUT, KEY_LENGTH);
    }

    // ---------------------------------------------------------------------------------------------
    // TS 33.501 Annex A: authentication and KAMF
    // ---------------------------------------------------------------------------------------------

    /**
     * KAUSF for 5G AKA (TS 33.501 A.2, FC 0x6A).
     *
     * @param ck       CK, 16 octets; the KEY is CK || IK.
     * @param ik       IK, 16 octets.
     * @param snn      P0: the serving network name.
     * @param sqnXorAk P1: SQN xor AK, 6 octets (the first 6 octets of AUTN).
     * @return KAUSF, 32 octets.
     * @throws InvalidParameterException when an input is missing or outside its allowed length or range.
     * @throws IllegalStateException     when this KDF is closed.
     */
    public byte[] kausf(final byte[] ck, final byte[] ik, final ServingNetworkName snn, final byte[] sqnXorAk)
    {
        return run(ckIkSchedule(ck, ik), encodeKausf(snn, sqnXorAk), FULL_OUTPUT, KEY_LENGTH);
    }

    /**
     * Same derivation as {@link #kausf(byte[], byte[], ServingNetworkName, byte[])}, written to {@code out}.
     *
     * @param ck        CK.
     * @param ik        IK.
     * @param snn       the serving network name.
     * @param sqnXorAk  SQN xor AK.
     * @param out       receives KAUSF, 32 octets.
     * @param outOffset where KAUSF starts.
     */
    public void kausf(
        final byte[] ck, final byte[] ik, final ServingNetworkName snn, final byte[] sqnXorAk,
        final MutableDirectBuffer out, final int outOffset)
    {
        run(ckIkSchedule(ck, ik), encodeKausf(snn, sqnXorAk), FULL_OUTPUT, KEY_LENGTH, out, outOffset);
    }

    /**
     * Same derivation as {@link #kausf(byte[], byte[], ServingNetworkName, byte[])}, written to {@code out}.
     *
     * @param ck        CK.
     * @param ik        IK.
     * @param snn       the serving network name.
     * @param sqnXorAk  SQN xor AK.
     * @param out       receives KAUSF, 32 octets.
     * @param outOffset where KAUSF starts.
     */
    public void kausf(
        final byte[] ck, final byte[] ik, final ServingNetworkName snn, final byte[] sqnXorAk,
        final byte[] out, final int outOffset)
    {
        run(ckIkSchedule(ck, ik), encodeKausf(snn, sqnXorAk), FULL_OUTPUT, KEY_LENGTH, out, outOffset);
    }

    /**
     * Same derivation as {@link #kausf(byte[], byte[], ServingNetworkName, byte[])}, staged into a batch
     * record as {@link #stageNh} stages NH, with CK || IK as the record's raw key: the record's MAC is KAUSF.
     *
     * @param ck       CK.
     * @param ik       IK.
     * @param snn      the serving network name.
     * @param sqnXorAk SQN xor AK.
     * @param records  the batch.
     * @param record   the record to fill.
     */
    public void stageKausf(
        final byte[] ck, final byte[] ik, final ServingNetworkName snn, final byte[] sqnXorAk, final HmacRecords records,
        final int record)
    {
        requireStagedCkIk(ck, ik);
        stageCkIk(ck, ik, encodeKausf(snn, sqnXorAk), records, record);
    }

    private KdfInputString encodeKausf(final ServingNetworkName snn, final byte[] sqnXorAk)
    {
        requireNonNull("snn", snn);
        requireOctets("sqn-xor-ak", sqnXorAk, SQN_XOR_AK_LENGTH);
        return s.fc(Fc.KAUSF).parameter(snn).octets(sqnXorAk);
    }

    /**
     * CK' || IK' for EAP-AKA' (TS 33.402 A.2, used by TS 33.501 A.3; FC 0x20).
     *
     * @param ck          CK, 16 octets; the KEY is CK || IK.
     * @param ik          IK, 16 octets.
     * @param networkName P0: the access network identity (the serving network name in 5G).
     * @param sqnXorAk    P1: SQN xor AK, 6 octets.
     * @return CK' (first 16 octets) then IK' (last 16 octets).
     * @throws InvalidParameterException when an input is missing or outside its allowed length or range.
     * @throws IllegalStateException     when this KDF is closed.
     */
    public byte[] ckIkPrime(final byte[] ck, final byte[] ik, final AccessNetworkIdentity networkName, final byte[] sqnXorAk)
    {
        return run(ckIkSchedule(ck, ik), encodeCkIkPrime(networkName, sqnXorAk), FULL_OUTPUT, KEY_LENGTH);
    }

    /**
     * Same derivation as {@link #ckIkPrime(byte[], byte[], AccessNetworkIdentity, byte[])}, written to
     * {@code out}.
     *
     * @param ck          CK.
     * @param ik          IK.
     * @param networkName the access network identity.
     * @param sqnXorAk    SQN xor AK.
     * @param out         receives CK' then IK', 32 octets.
     * @param outOffset   where CK' starts.
     */
    public void ckIkPrime(
        final byte[] ck, final byte[] ik, final AccessNetworkIdentity networkName, final byte[] sqnXorAk,
        final MutableDirectBuffer out, final int outOffset)
    {
        run(ckIkSchedule(ck, ik), encodeCkIkPrime(networkName, sqnXorAk), FULL_OUTPUT, KEY_LENGTH, out, outOffset);
    }

    /**
     * Same derivation as {@link #ckIkPrime(byte[], byte[], AccessNetworkIdentity, byte[])}, written to
     * {@code out}.
     *
     * @param ck          CK.
     * @param ik          IK.
     * @param networkName the access network identity.
     * @param sqnXorAk    SQN xor AK.
     * @param out         receives CK' then IK', 32 octets.
     * @param outOffset   where CK' starts.
     */
    public void ckIkPrime(
        final byte[] ck, final byte[] ik, final AccessNetworkIdentity networkName, final byte[] sqnXorAk,
        final byte[] out, final int outOffset)
    {
        run(ckIkSchedule(ck, ik), encodeCkIkPrime(networkName, sqnXorAk), FULL_OUTPUT, KEY_LENGTH, out, outOffset);
    }

    private KdfInputString encodeCkIkPrime(final AccessNetworkIdentity networkName, final byte[] sqnXorAk)
    {
        requireNonNull("network-name", networkName);
        requireOctets("sqn-xor-ak", sqnXorAk, SQN_XOR_AK_LENGTH);
        return s.fc(Fc.CK_IK_PRIME).parameter(networkName).octets(sqnXorAk);
    }

    /**
     * RES* / XRES* (TS 33.501 A.4, FC 0x6B): the last 128 bits of the KDF output.
     *
     * @param ck   CK, 16 octets; the KEY is CK || IK.
     * @param ik   IK, 16 octets.
     * @param snn  P0: the serving network name.
     * @param rand P1: RAND, 16 octets.
     * @param res  P2: RES or XRES, 4 to 16 octets.
     * @return RES* (or XRES*), 16 octets.
     * @throws InvalidParameterException when an input is missing or outside its allowed length or range.
     * @throws IllegalStateException     when this KDF is closed.
     */
    public byte[] resStar(final byte[] ck, final byte[] ik, final ServingNetworkName snn, final byte[] rand, final byte[] res)
    {
        return run(ckIkSchedule(ck, ik), encodeResStar(snn, rand, res), LOW_128_MAC_OFFSET, LOW_128_LENGTH);
    }

    /**
     * Same derivation as {@link #resStar(byte[], byte[], ServingNetworkName, byte[], byte[])}, written to
     * {@code out}.
     *
     * @param ck        CK.
     * @param ik        IK.
     * @param snn       the serving network name.
     * @param rand      RAND.
     * @param res       RES or XRES.
     * @param out       receives RES*, 16 octets.
     * @param outOffset where RES* starts.
     */
    public void resStar(
        final byte[] ck, final byte[] ik, final ServingNetworkName snn, final byte[] rand, final byte[] res,
        final MutableDirectBuffer out, final int outOffset)
    {
        run(ckIkSchedule(ck, ik), encodeResStar(snn, rand, res), LOW_128_MAC_OFFSET, LOW_128_LENGTH, out, outOffset);
    }

    /**
     * Same derivation as {@link #resStar(byte[], byte[], ServingNetworkName, byte[], byte[])}, written to
     * {@code out}.
     *
     * @param ck        CK.
     * @param ik        IK.
     * @param snn       the serving network name.
     * @param rand      RAND.
     * @param res       RES or XRES.
     * @param out       receives RES*, 16 octets.
     * @param outOffset where RES* starts.
     */
    public void resStar(
        final byte[] ck, final byte[] ik, final ServingNetworkName snn, final byte[] rand, final byte[] res,
        final byte[] out, final int outOffset)
    {
        run(ckIkSchedule(ck, ik), encodeResStar(snn, rand, res), LOW_128_MAC_OFFSET, LOW_128_LENGTH, out, outOffset);
    }

    /**
     * Same derivation as {@link #resStar(byte[], byte[], ServingNetworkName, byte[], byte[])}, staged into a
     * batch record as {@link #stageNh} stages NH, with CK || IK as the record's raw key: RES* is the
     * record's MAC from octet {@value #LOW_128_MAC_OFFSET} on.
     *
     * @param ck      CK.
     * @param ik      IK.
     * @param snn     the serving network name.
     * @param rand    RAND.
     * @param res     RES or XRES.
     * @param records the batch.
     * @param record  the record to fill.
     */
    public void stageResStar(
        final byte[] ck, final byte[] ik, final ServingNetworkName snn, final byte[] rand, final byte[] res,
        final HmacRecords records, final int record)
    {
        requireStagedCkIk(ck, ik);
        stageCkIk(ck, ik, encodeResStar(snn, rand, res), records, record);
    }

    private KdfInputString encodeResStar(final ServingNetworkName snn, final byte[] rand, final byte[] res)
    {
        requireNonNull("snn", snn);
        requireOctets("rand", rand, RAND_LENGTH);
        requireOctets("res", res, MIN_RES_LENGTH, MAX_RES_LENGTH);
        return s.fc(Fc.RES_STAR).parameter(snn).octets(rand).octets(res);
    }

    /**
     * HRES* / HXRES* (TS 33.501 A.5): the last 128 bits of SHA-256(RAND || RES*); no KDF and no key.
     *
     * @param rand    RAND, 16 octets.
     * @param resStar RES* or XRES*, 16 octets.
     * @return HRES* (or HXRES*), 16 octets.
     * @throws InvalidParameterException when an input is missing or outside its allowed length or range.
     * @throws IllegalStateException     when this KDF is closed.
     */
    public byte[] hresStar(final byte[] rand, final byte[] resStar)
    {
        hashHresStarInput(rand, resStar);
        return Arrays.copyOfRange(output, LOW_128_MAC_OFFSET, KEY_LENGTH);
    }

    /**
     * Same computation as {@link #hresStar(byte[], byte[])}, written to {@code out}.
     *
     * @param rand      RAND.
     * @param resStar   RES* or XRES*.
     * @param out       receives HRES*, 16 octets.
     * @param outOffset where HRES* starts.
     */
    public void hresStar(final byte[] rand, final byte[] resStar, final MutableDirectBuffer out, final int outOffset)
    {
        ensureOpen();
        checkOutput(out, outOffset, LOW_128_LENGTH);
        hashHresStarInput(rand, resStar);
        out.putBytes(outOffset, output, LOW_128_MAC_OFFSET, LOW_128_LENGTH);
    }

    /**
     * Same computation as {@link #hresStar(byte[], byte[])}, written to {@code out}.
     *
     * @param rand      RAND.
     * @param resStar   RES* or XRES*.
     * @param out       receives HRES*, 16 octets.
     * @param outOffset where HRES* starts.
     */
    public void hresStar(final byte[] rand, final byte[] resStar, final byte[] out, final int outOffset)
    {
        ensureOpen();
        checkOutput(out, outOffset, LOW_128_LENGTH);
        hashHresStarInput(rand, resStar);
        System.arraycopy(output, LOW_128_MAC_OFFSET, out, outOffset, LOW_128_LENGTH);
    }

    private void hashHresStarInput(final byte[] rand, final byte[] resStar)
    {
        ensureOpen();
        requireOctets("rand", rand, RAND_LENGTH);
        requireOctets("res-star", resStar, LOW_128_LENGTH);
        scratchUsed = true;
        System.arraycopy(rand, 0, hashInput, 0, RAND_LENGTH);
        System.arraycopy(resStar, 0, hashInput, RAND_LENGTH, LOW_128_LENGTH);
        engine.digest(hashInput, 0, hashInput.length, output, 0);
    }

    /**
     * KSEAF (TS 33.501 A.6, FC 0x6C).
     *
     * @param kausf the KEY: KAUSF, 32 octets.
     * @param snn   P0: the serving network name.
     * @return KSEAF, 32 octets.
     * @throws InvalidParameterException when an input is missing or outside its allowed length or range.
     * @throws IllegalStateException     when this KDF is closed.
     */
    public byte[] kseaf(final byte[] kausf, final ServingNetworkName snn)
    {
        return run(keySchedule("kausf", kausf), encodeKseaf(snn), FULL_OUTPUT, KEY_LENGTH);
    }

    /**
     * Same derivation as {@link #kseaf(byte[], ServingNetworkName)}, keyed by KAUSF's schedule and written to
     * {@code out}.
     *
     * @param kausf     KAUSF's schedule.
     * @param snn       the serving network name.
     * @param out       receives KSEAF, 32 octets.
     * @param outOffset where KSEAF starts.
     */
    public void kseaf(final KeySchedule kausf, final ServingNetworkName snn, final MutableDirectBuffer out, final int outOffset)
    {
        run(schedule("kausf", kausf), encodeKseaf(snn), FULL_OUTPUT, KEY_LENGTH, out, outOffset);
    }

    /**
     * Same derivation as {@link #kseaf(byte[], ServingNetworkName)}, keyed by KAUSF's schedule and written to
     * {@code out}.
     *
     * @param kausf     KAUSF's schedule.
     * @param snn       the serving network name.
     * @param out       receives KSEAF, 32 octets.
     * @param outOffset where KSEAF starts.
     */
    public void kseaf(final KeySchedule kausf, final ServingNetworkName snn, final byte[] out, final int outOffset)
    {
        run(schedule("kausf", kausf), encodeKseaf(snn), FULL_OUTPUT, KEY_LENGTH, out, outOffset);
    }

    /**
     * Same derivation as {@link #kseaf(byte[], ServingNetworkName)}, staged into a batch record as
     * {@link #stageNh} stages NH, with KAUSF as the record's raw key: the record's MAC is KSEAF.
     *
     * @param kausf   KAUSF, 32 octets.
     * @param snn     the serving network name.
     * @param records the batch.
     * @param record  the record to fill.
     */
    public void stageKseaf(final byte[] kausf, final ServingNetworkName snn, final HmacRecords records, final int record)
    {
        requireStagedKey("kausf", kausf);
        stageKey(kausf, encodeKseaf(snn), records, record);
    }

    private KdfInputString encodeKseaf(final ServingNetworkName snn)
    {
        return s.fc(Fc.KSEAF).parameter(requireNonNull("snn", snn));
    }

    /**
     * KAMF (TS 33.501 A.7, FC 0x6D).
     *
     * @param kseaf the KEY: KSEAF, 32 octets.
     * @param supi  P0: the SUPI, encoded without its type prefix (the IMSI digits or the NAI).
     * @param abba  P1: ABBA, 1 to 255 octets, normally {@link Abba#DEFAULT}.
     * @return KAMF, 32 octets.
     * @throws InvalidParameterException when an input is missing or outside its allowed length or range.
     * @throws IllegalStateException     when this KDF is closed.
     */
    public byte[] kamf(final byte[] kseaf, final Supi supi, final Abba abba)
    {
        return run(keySchedule("kseaf", kseaf), encodeKamf(supi, abba), FULL_OUTPUT, KEY_LENGTH);
    }

    /**
     * Same derivation as {@link #kamf(byte[], Supi, Abba)}, keyed by KSEAF's schedule and written to
     * {@code out}.
     *
     * @param kseaf     KSEAF's schedule.
     * @param supi      the SUPI.
     * @param abba      ABBA.
     * @param out       receives KAMF, 32 octets.
     * @param outOffset where KAMF starts.
     */
    public void kamf(final KeySchedule kseaf, final Supi supi, final Abba abba, final MutableDirectBuffer out, final int outOffset)
    {
        run(schedule("kseaf", kseaf), encodeKamf(supi, abba), FULL_OUTPUT, KEY_LENGTH, out, outOffset);
    }

    /**
     * Same derivation as {@link #kamf(byte[], Supi, Abba)}, keyed by KSEAF's schedule and written to
     * {@code out}.
     *
     * @param kseaf     KSEAF's schedule.
     * @param supi      the SUPI.
     * @param abba      ABBA.
     * @param out       receives KAMF, 32 octets.
     * @param outOffset where KAMF starts.
     */
    public void kamf(final KeySchedule kseaf, final Supi supi, final Abba abba, final byte[] out, final int outOffset)
    {
        run(schedule("kseaf", kseaf), encodeKamf(supi, abba), FULL_OUTPUT, KEY_LENGTH, out, outOffset);
    }

    /**
     * Same derivation as {@link #kamf(byte[], Supi, Abba)}, for a caller that holds P0 and P1 as the
     * octets of their KDF encoding, as a request record carries them.
     *
     * @param kseaf     KSEAF's schedule.
     * @param supi      P0: the SUPI's KDF encoding (IMSI digits or NAI), 1 to {@value Supi#MAX_NAI_LENGTH} octets.
     * @param abba      P1: ABBA, {@value Abba#MIN_LENGTH} to {@value Abba#MAX_LENGTH} octets.
     * @param out       receives KAMF, 32 octets.
     * @param outOffset where KAMF starts.
     * @throws InvalidParameterException naming {@code supi} or {@code abba} when missing or of a length outside its range.
     */
    public void kamfOfEncoded(
        final KeySchedule kseaf, final KdfParameter supi, final KdfParameter abba, final byte[] out, final int outOffset)
    {
        requireEncodedLength("supi", supi, 1, Supi.MAX_NAI_LENGTH);
        requireEncodedLength("abba", abba, Abba.MIN_LENGTH, Abba.MAX_LENGTH);
        run(schedule("kseaf", kseaf), s.fc(Fc.KAMF).parameter(supi).parameter(abba), FULL_OUTPUT, KEY_LENGTH, out, outOffset);
    }

    private static void requireEncodedLength(final String parameter, final KdfParameter value, final int min, final int max)
    {
        requireNonNull(parameter, value);
        final int length = value.encodedLength();
        if (length < min || length > max)
        {
            throw InvalidParameterException.badLength(parameter, length, min + ".." + max + " octets");
        }
    }

    /**
     * Same derivation as {@link #kamf(byte[], Supi, Abba)}, staged into a batch record as {@link #stageNh}
     * stages NH, with KSEAF as the record's raw key: the record's MAC is KAMF.
     *
     * @param kseaf   KSEAF, 32 octets.
     * @param supi    the SUPI.
     * @param abba    ABBA.
     * @param records the batch.
     * @param record  the record to fill.
     */
    public void stageKamf(final byte[] kseaf, final Supi supi, final Abba abba, final HmacRecords records, final int record)
    {
        requireStagedKey("kseaf", kseaf);
        stageKey(kseaf, encodeKamf(supi, abba), records, record);
    }

    private KdfInputString encodeKamf(final Supi supi, final Abba abba)
    {
        requireNonNull("supi", supi);
        requireNonNull("abba", abba);
        return s.fc(Fc.KAMF).parameter(supi).parameter(abba);
    }

    // ---------------------------------------------------------------------------------------------
    // TS 33.501 Annex A: NAS, AS and handover keys
    // ---------------------------------------------------------------------------------------------

    /**
     * A NAS, RRC or UP algorithm key (TS 33.501 A.8, FC 0x69): the last 128 bits of the KDF output.
     *
     * @param key           the KEY: KAMF for NAS keys, KgNB (or KSN) for RRC and UP keys; 32 octets.
     * @param distinguisher P0: the algorithm type distinguisher, which key (1 octet).
     * @param algorithm     P1: the algorithm identity (NEA/NIA number), 0..15 (1 octet).
     * @return the algorithm key, 16 octets.
     * @throws InvalidParameterException when an input is missing or outside its allowed length or range.
     * @throws IllegalStateException     when this KDF is closed.
     */
    public byte[] algorithmKey(final byte[] key, final AlgorithmTypeDistinguisher distinguisher, final int algorithm)
    {
        return run(keySchedule("key", key), encodeAlgorithmKey(Fc.ALGORITHM_KEY, distinguisher, algorithm),
            LOW_128_MAC_OFFSET, LOW_128_LENGTH);
    }

    /**
     * Same derivation as {@link #algorithmKey(byte[], AlgorithmTypeDistinguisher, int)}, keyed by the key's
     * schedule and written to {@code out}.
     *
     * @param key           the key's schedule.
     * @param distinguisher which key.
     * @param algorithm     the algorithm identity.
     * @param out           receives the key, 16 octets.
     * @param outOffset     where the key starts.
     */
    public void algorithmKey(
        final KeySchedule key, final AlgorithmTypeDistinguisher distinguisher, final int algorithm,
        final MutableDirectBuffer out, final int outOffset)
    {
        run(schedule("key", key), encodeAlgorithmKey(Fc.ALGORITHM_KEY, distinguisher, algorithm),
            LOW_128_MAC_OFFSET, LOW_128_LENGTH, out, outOffset);
    }

    /**
     * Same derivation as {@link #algorithmKey(byte[], AlgorithmTypeDistinguisher, int)}, keyed by the key's
     * schedule and written to {@code out}.
     *
     * @param key           the key's schedule.
     * @param distinguisher which key.
     * @param algorithm     the algorithm identity.
     * @param out           receives the key, 16 octets.
     * @param outOffset     where the key starts.
     */
    public void algorithmKey(
        final KeySchedule key, final AlgorithmTypeDistinguisher distinguisher, final int algorithm,
        final byte[] out, final int outOffset)
    {
        run(schedule("key", key), encodeAlgorithmKey(Fc.ALGORITHM_KEY, distinguisher, algorithm),
            LOW_128_MAC_OFFSET, LOW_128_LENGTH, out, outOffset);
    }

    /**
     * KNASenc and KNASint from one KAMF (A.8, distinguishers 0x01 and 0x02), as two calls of
     * {@link #algorithmKey(KeySchedule, AlgorithmTypeDistinguisher, int, byte[], int)} give them, computed
     * together where the engine can: a NAS Security Mode Command needs both.
     *
     * @param kamf          KAMF's schedule.
     * @param ciphering     the NAS ciphering algorithm identity, 0..15.
     * @param integrity     the NAS integrity algorithm identity, 0..15.
     * @param encryptionKey receives KNASenc, 16 octets from index 0.
     * @param integrityKey  receives KNASint, 16 octets from index 0.
     * @throws InvalidParameterException when an input is missing or out of range, or an output too short;
     *                                   nothing is written then.
     * @throws IllegalStateException     when this KDF is closed or the schedule not computed.
     */
    public void nasKeys(
        final KeySchedule kamf, final int ciphering, final int integrity, final byte[] encryptionKey, final byte[] integrityKey)
    {
        nasKeyPair(Fc.ALGORITHM_KEY, kamf, ciphering, integrity, encryptionKey, integrityKey);
    }

    /**
     * Same derivation as {@link #algorithmKey(byte[], AlgorithmTypeDistinguisher, int)}, staged into a batch
     * record as {@link #stageNh} stages NH, with the key as the record's raw key: the algorithm key is the
     * record's MAC from octet {@value #LOW_128_MAC_OFFSET} on.
     *
     * @param key           the key, 32 octets.
     * @param distinguisher which key.
     * @param algorithm     the algorithm identity.
     * @param records       the batch.
     * @param record        the record to fill.
     */
    public void stageAlgorithmKey(
        final byte[] key, final AlgorithmTypeDistinguisher distinguisher, final int algorithm, final HmacRecords records,
        final int record)
    {
        requireStagedKey("key", key);
        stageKey(key, encodeAlgorithmKey(Fc.ALGORITHM_KEY, distinguisher, algorithm), records, record);
    }

    private KdfInputString encodeAlgorithmKey(
        final int fc, final AlgorithmTypeDistinguisher distinguisher, final int algorithm)
    {
        requireNonNull("distinguisher", distinguisher);
        final int identity = AlgorithmIdentity.check("alg", algorithm);
        return s.fc(fc).octet(distinguisher.code()).octet(identity);
    }

    /**
     * KgNB (3GPP access) or KN3IWF / KTNGF / KTWIF / KWAGF (non-3GPP access) (TS 33.501 A.9, FC 0x6E).
     *
     * @param kamf    the KEY: KAMF, 32 octets.
     * @param ulCount P0: the uplink NAS COUNT, 0..2^32-1 (4 octets); 2^32-1 after a horizontal KAMF
     *                derivation at N2 handover.
     * @param access  P1: the access type distinguisher (1 octet).
     * @return the key, 32 octets.
     * @throws InvalidParameterException when an input is missing or outside its allowed length or range.
     * @throws IllegalStateException     when this KDF is closed.
     */
    public byte[] kgnb(final byte[] kamf, final long ulCount, final AccessType access)
    {
        return run(keySchedule("kamf", kamf), encodeKgnb(ulCount, access), FULL_OUTPUT, KEY_LENGTH);
    }

    /**
     * Same derivation as {@link #kgnb(byte[], long, AccessType)}, keyed by KAMF's schedule and written to
     * {@code out}.
     *
     * @param kamf      KAMF's schedule.
     * @param ulCount   the uplink NAS COUNT.
     * @param access    the access type distinguisher.
     * @param out       receives the key, 32 octets.
     * @param outOffset where the key starts.
     */
    public void kgnb(
        final KeySchedule kamf, final long ulCount, final AccessType access, final MutableDirectBuffer out, final int outOffset)
    {
        run(schedule("kamf", kamf), encodeKgnb(ulCount, access), FULL_OUTPUT, KEY_LENGTH, out, outOffset);
    }

    /**
     * Same derivation as {@link #kgnb(byte[], long, AccessType)}, keyed by KAMF's schedule and written to
     * {@code out}.
     *
     * @param kamf      KAMF's schedule.
     * @param ulCount   the uplink NAS COUNT.
     * @param access    the access type distinguisher.
     * @param out       receives the key, 32 octets.
     * @param outOffset where the key starts.
     */
    public void kgnb(final KeySchedule kamf, final long ulCount, final AccessType access, final byte[] out, final int outOffset)
    {
        run(schedule("kamf", kamf), encodeKgnb(ulCount, access), FULL_OUTPUT, KEY_LENGTH, out, outOffset);
    }

    /**
     * Same derivation as {@link #kgnb(byte[], long, AccessType)}, staged into a batch record as
     * {@link #stageNh} stages NH, with KAMF as the record's raw key: the record's MAC is KgNB. For a KAMF
     * that has no schedule yet, such as a KAMF' computed in the batch's previous stage.
     *
     * @param kamf    KAMF, 32 octets.
     * @param ulCount the uplink NAS COUNT.
     * @param access  the access type distinguisher.
     * @param records the batch.
     * @param record  the record to fill.
     */
    public void stageKgnb(
        final byte[] kamf, final long ulCount, final AccessType access, final HmacRecords records, final int record)
    {
        requireStagedKey("kamf", kamf);
        stageKey(kamf, encodeKgnb(ulCount, access), records, record);
    }

    /**
     * Same derivation as {@link #kgnb(byte[], long, AccessType)}, staged into a batch record as
     * {@link #stageNh} stages NH, keyed by KAMF's schedule: the record's MAC is KgNB.
     *
     * @param kamf    KAMF's schedule.
     * @param ulCount the uplink NAS COUNT.
     * @param access  the access type distinguisher.
     * @param records the batch.
     * @param record  the record to fill.
     */
    public void stageKgnb(
        final KeySchedule kamf, final long ulCount, final AccessType access, final HmacRecords records, final int record)
    {
        stage(schedule("kamf", kamf), encodeKgnb(ulCount, access), records, record);
    }

    private KdfInputString encodeKgnb(final long ulCount, final AccessType access)
    {
        final int count = NasCount.check("ul-count", ulCount);
        requireNonNull("access", access);
        return s.fc(Fc.KGNB).uint32(count).octet(access.code());
    }

    /**
     * NH (TS 33.501 A.10, FC 0x6F). The first NH (NCC 1) has the initial KgNB as SYNC-input, each later one
     * the previous NH.
     *
     * @param kamf      the KEY: KAMF, 32 octets.
     * @param syncInput P0: SYNC-input, 32 octets.
     * @return NH, 32 octets.
     * @throws InvalidParameterException when an input is missing or outside its allowed length or range.
     * @throws IllegalStateException     when this KDF is closed.
     */
    public byte[] nh(final byte[] kamf, final byte[] syncInput)
    {
        return run(keySchedule("kamf", kamf), encodeNh(Fc.NH, syncInput), FULL_OUTPUT, KEY_LENGTH);
    }

    /**
     * Same derivation as {@link #nh(byte[], byte[])}, keyed by KAMF's schedule and written to {@code out}.
     * {@code out} may be {@code syncInput} itself, to step a chain in place.
     *
     * @param kamf      KAMF's schedule.
     * @param syncInput SYNC-input.
     * @param out       receives NH, 32 octets.
     * @param outOffset where NH starts.
     */
    public void nh(final KeySchedule kamf, final byte[] syncInput, final MutableDirectBuffer out, final int outOffset)
    {
        run(schedule("kamf", kamf), encodeNh(Fc.NH, syncInput), FULL_OUTPUT, KEY_LENGTH, out, outOffset);
    }

    /**
     * Same derivation as {@link #nh(byte[], byte[])}, keyed by KAMF's schedule and written to {@code out}.
     * {@code out} may be {@code syncInput} itself, to step a chain in place.
     *
     * @param kamf      KAMF's schedule.
     * @param syncInput SYNC-input.
     * @param out       receives NH, 32 octets.
     * @param outOffset where NH starts.
     */
    public void nh(final KeySchedule kamf, final byte[] syncInput, final byte[] out, final int outOffset)
    {
        run(schedule("kamf", kamf), encodeNh(Fc.NH, syncInput), FULL_OUTPUT, KEY_LENGTH, out, outOffset);
    }

    /**
     * Same derivation as {@link #nh(byte[], byte[])}, keyed by KAMF's schedule, with the SYNC-input read from
     * a buffer such as a context table slot and NH written to {@code out}. The output may overlap the
     * SYNC-input exactly, to step a chain in place.
     *
     * @param kamf       KAMF's schedule.
     * @param syncInput  buffer holding the SYNC-input.
     * @param syncOffset offset of the 32-octet SYNC-input.
     * @param out        receives NH, 32 octets.
     * @param outOffset  where NH starts.
     */
    public void nh(
        final KeySchedule kamf, final DirectBuffer syncInput, final int syncOffset,
        final MutableDirectBuffer out, final int outOffset)
    {
        run(schedule("kamf", kamf), encodeNh(Fc.NH, syncInput, syncOffset), FULL_OUTPUT, KEY_LENGTH, out, outOffset);
    }

    /**
     * Same derivation as {@link #nh(byte[], byte[])}, staged instead of computed: record {@code record}
     * of {@code records} receives KAMF's schedule and the input string, for one batch kernel call
     * ({@link org.amfkeys.hmac.NativeBatchHmac#process}) to compute with many others. The MAC of the record is NH.
     * Call {@link #wipe()} once the batch is staged: the last input string stays in the scratch until then.
     *
     * @param kamf       KAMF's schedule.
     * @param syncInput  buffer holding the SYNC-input.
     * @param syncOffset offset of the 32-octet SYNC-input.
     * @param records    the batch.
     * @param record     the record to fill.
     */
    public void stageNh(
        final KeySchedule kamf, final DirectBuffer syncInput, final int syncOffset, final HmacRecords records,
        final int record)
    {
        stage(schedule("kamf", kamf), encodeNh(Fc.NH, syncInput, syncOffset), records, record);
    }

    /**
     * Same derivation as {@link #epsNh(byte[], byte[])}, staged into a batch record as {@link #stageNh}
     * stages NH.
     *
     * @param kasme      KASME's schedule.
     * @param syncInput  buffer holding the SYNC-input.
     * @param syncOffset offset of the 32-octet SYNC-input.
     * @param records    the batch.
     * @param record     the record to fill.
     */
    public void stageEpsNh(
        final KeySchedule kasme, final DirectBuffer syncInput, final int syncOffset, final HmacRecords records,
        final int record)
    {
        stage(schedule("kasme", kasme), encodeNh(Fc.EPS_NH, syncInput, syncOffset), records, record);
    }

    private KdfInputString encodeNh(final int fc, final byte[] syncInput)
    {
        requireOctets("sync-input", syncInput, KEY_LENGTH);
        return s.fc(fc).octets(syncInput);
    }

    private KdfInputString encodeNh(final int fc, final DirectBuffer syncInput, final int syncOffset)
    {
        requireNonNull("sync-input", syncInput);
        requireSlice("sync-input", syncInput.capacity(), syncOffset, KEY_LENGTH);
        return s.fc(fc).octets(syncInput, syncOffset, KEY_LENGTH);
    }

    /**
     * KNG-RAN* for a target gNB (TS 33.501 A.11, FC 0x70). The KEY is NH when the NCC increases (vertical),
     * else the current KgNB or KeNB (horizontal).
     *
     * @param key   the KEY: NH or the current KgNB/KeNB, 32 octets.
     * @param pci   P0: the target NR PCI, 0..1007 (2 octets).
     * @param arfcn P1: the target SSB NR-ARFCN, 0..3279165 (always 3 octets).
     * @return KNG-RAN*, 32 octets.
     * @throws InvalidParameterException when an input is missing or outside its allowed length or range.
     * @throws IllegalStateException     when this KDF is closed.
     */
    public byte[] kngRanStarForGnb(final byte[] key, final int pci, final int arfcn)
    {
        return run(keySchedule("key", key), encodeKngRanStarGnb(pci, arfcn), FULL_OUTPUT, KEY_LENGTH);
    }

    /**
     * Same derivation as {@link #kngRanStarForGnb(byte[], int, int)}, keyed by the key's schedule and written
     * to {@code out}.
     *
     * @param key       the key's schedule.
     * @param pci       the target NR PCI.
     * @param arfcn     the target SSB NR-ARFCN.
     * @param out       receives KNG-RAN*, 32 octets.
     * @param outOffset where KNG-RAN* starts.
     */
    public void kngRanStarForGnb(
        final KeySchedule key, final int pci, final int arfcn, final MutableDirectBuffer out, final int outOffset)
    {
        run(schedule("key", key), encodeKngRanStarGnb(pci, arfcn), FULL_OUTPUT, KEY_LENGTH, out, outOffset);
    }

    /**
     * Same derivation as {@link #kngRanStarForGnb(byte[], int, int)}, keyed by the key's schedule and written
     * to {@code out}.
     *
     * @param key       the key's schedule.
     * @param pci       the target NR PCI.
     * @param arfcn     the target SSB NR-ARFCN.
     * @param out       receives KNG-RAN*, 32 octets.
     * @param outOffset where KNG-RAN* starts.
     */
    public void kngRanStarForGnb(final KeySchedule key, final int pci, final int arfcn, final byte[] out, final int outOffset)
    {
        run(schedule("key", key), encodeKngRanStarGnb(pci, arfcn), FULL_OUTPUT, KEY_LENGTH, out, outOffset);
    }

    private KdfInputString encodeKngRanStarGnb(final int pci, final int arfcn)
    {
        final int checkedPci = Pci.checkNr("pci", pci);
        final int checkedArfcn = NrArfcn.check("arfcn", arfcn);
        return s.fc(Fc.KNG_RAN_STAR_GNB).uint16(checkedPci).uint24(checkedArfcn);
    }

    /**
     * KNG-RAN* for a target ng-eNB (TS 33.501 A.12, FC 0x71). The KEY is NH when the NCC increases
     * (vertical), else the current KgNB or KeNB (horizontal).
     *
     * @param key    the KEY: NH or the current KgNB/KeNB, 32 octets.
     * @param pci    P0: the target E-UTRA PCI, 0..503 (2 octets).
     * @param earfcn P1: the target EARFCN-DL, 0..262143 (always 3 octets, unlike EPS KeNB*).
     * @return KNG-RAN*, 32 octets.
     * @throws InvalidParameterException when an input is missing or outside its allowed length or range.
     * @throws IllegalStateException     when this KDF is closed.
     */
    public byte[] kngRanStarForNgEnb(final byte[] key, final int pci, final int earfcn)
    {
        return run(keySchedule("key", key), encodeKngRanStarNgEnb(pci, earfcn), FULL_OUTPUT, KEY_LENGTH);
    }

    /**
     * Same derivation as {@link #kngRanStarForNgEnb(byte[], int, int)}, keyed by the key's schedule and
     * written to {@code out}.
     *
     * @param key       the key's schedule.
     * @param pci       the target E-UTRA PCI.
     * @param earfcn    the target EARFCN-DL.
     * @param out       receives KNG-RAN*, 32 octets.
     * @param outOffset where KNG-RAN* starts.
     */
    public void kngRanStarForNgEnb(
        final KeySchedule key, final int pci, final int earfcn, final MutableDirectBuffer out, final int outOffset)
    {
        run(schedule("key", key), encodeKngRanStarNgEnb(pci, earfcn), FULL_OUTPUT, KEY_LENGTH, out, outOffset);
    }

    /**
     * Same derivation as {@link #kngRanStarForNgEnb(byte[], int, int)}, keyed by the key's schedule and
     * written to {@code out}.
     *
     * @param key       the key's schedule.
     * @param pci       the target E-UTRA PCI.
     * @param earfcn    the target EARFCN-DL.
     * @param out       receives KNG-RAN*, 32 octets.
     * @param outOffset where KNG-RAN* starts.
     */
    public void kngRanStarForNgEnb(final KeySchedule key, final int pci, final int earfcn, final byte[] out, final int outOffset)
    {
        run(schedule("key", key), encodeKngRanStarNgEnb(pci, earfcn), FULL_OUTPUT, KEY_LENGTH, out, outOffset);
    }

    private KdfInputString encodeKngRanStarNgEnb(final int pci, final int earfcn)
    {
        final int checkedPci = Pci.checkEutra("pci", pci);
        final int checkedEarfcn = Earfcn.check("earfcn", earfcn);
        return s.fc(Fc.KNG_RAN_STAR_NG_ENB).uint16(checkedPci).uint24(checkedEarfcn);
    }

    /**
     * KAMF' from KAMF, the horizontal KAMF derivation (TS 33.501 A.13, FC 0x72).
     *
     * @param kamf      the KEY: the current KAMF, 32 octets.
     * @param direction P0: DIRECTION (1 octet), 0x00 for {@link MobilityMode#IDLE} (idle-mode mobility), 0x01
     *                  for {@link MobilityMode#HANDOVER}.
     * @param count     P1: COUNT, 0..2^32-1 (4 octets): the uplink NAS COUNT of the Registration Request at
     *                  idle-mode mobility, the downlink NAS COUNT at handover.
     * @return KAMF', 32 octets.
     * @throws InvalidParameterException when an input is missing or outside its allowed length or range.
     * @throws IllegalStateException     when this KDF is closed.
     */
    public byte[] horizontalKamf(final byte[] kamf, final MobilityMode direction, final long count)
    {
        return run(keySchedule("kamf", kamf), encodeHorizontalKamf(direction, count), FULL_OUTPUT, KEY_LENGTH);
    }

    /**
     * Same derivation as {@link #horizontalKamf(byte[], MobilityMode, long)}, keyed by the current KAMF's
     * schedule and written to {@code out}.
     *
     * @param kamf      the current KAMF's schedule.
     * @param direction idle-mode mobility or handover.
     * @param count     the NAS COUNT.
     * @param out       receives KAMF', 32 octets.
     * @param outOffset where KAMF' starts.
     */
    public void horizontalKamf(
        final KeySchedule kamf, final MobilityMode direction, final long count, final MutableDirectBuffer out, final int outOffset)
    {
        run(schedule("kamf", kamf), encodeHorizontalKamf(direction, count), FULL_OUTPUT, KEY_LENGTH, out, outOffset);
    }

    /**
     * Same derivation as {@link #horizontalKamf(byte[], MobilityMode, long)}, keyed by the current KAMF's
     * schedule and written to {@code out}.
     *
     * @param kamf      the current KAMF's schedule.
     * @param direction idle-mode mobility or handover.
     * @param count     the NAS COUNT.
     * @param out       receives KAMF', 32 octets.
     * @param outOffset where KAMF' starts.
     */
    public void horizontalKamf(
        final KeySchedule kamf, final MobilityMode direction, final long count, final byte[] out, final int outOffset)
    {
        run(schedule("kamf", kamf), encodeHorizontalKamf(direction, count), FULL_OUTPUT, KEY_LENGTH, out, outOffset);
    }

    /**
     * Same derivation as {@link #horizontalKamf(byte[], MobilityMode, long)}, staged into a batch record as
     * {@link #stageNh} stages NH, keyed by the current KAMF's schedule: the record's MAC is KAMF'.
     *
     * @param kamf      the current KAMF's schedule.
     * @param direction idle-mode mobility or handover.
     * @param count     the NAS COUNT.
     * @param records   the batch.
     * @param record    the record to fill.
     */
    public void stageHorizontalKamf(
        final KeySchedule kamf, final MobilityMode direction, final long count, final HmacRecords records, final int record)
    {
        stage(schedule("kamf", kamf), encodeHorizontalKamf(direction, count), records, record);
    }

    private KdfInputString encodeHorizontalKamf(final MobilityMode direction, final long count)
    {
        requireNonNull("direction", direction);
        final int checkedCount = NasCount.check("count", count);
        return s.fc(Fc.HORIZONTAL_KAMF).octet(direction.direction()).uint32(checkedCount);
    }

    /**
     * KSN for dual connectivity and SCPAC (TS 33.501 A.16, FC 0x79). Never reuse an SN Counter with one key.
     *
     * @param key       the KEY: KgNB of the MN gNB or KeNB of the MN ng-eNB, 32 octets.
     * @param snCounter P0: the SN Counter, 0..65535 (2 octets).
     * @return KSN, 32 octets.
     * @throws InvalidParameterException when an input is missing or outside its allowed length or range.
     * @throws IllegalStateException     when this KDF is closed.
     */
    public byte[] ksn(final byte[] key, final int snCounter)
    {
        return run(keySchedule("key", key), encodeCounter(Fc.KSN, "sn-counter", snCounter), FULL_OUTPUT, KEY_LENGTH);
    }

    /**
     * Same derivation as {@link #ksn(byte[], int)}, keyed by the MN key's schedule and written to
     * {@code out}.
     *
     * @param key       the MN key's schedule.
     * @param snCounter the SN Counter.
     * @param out       receives KSN, 32 octets.
     * @param outOffset where KSN starts.
     */
    public void ksn(final KeySchedule key, final int snCounter, final MutableDirectBuffer out, final int outOffset)
    {
        run(schedule("key", key), encodeCounter(Fc.KSN, "sn-counter", snCounter), FULL_OUTPUT, KEY_LENGTH, out, outOffset);
    }

    /**
     * Same derivation as {@link #ksn(byte[], int)}, keyed by the MN key's schedule and written to
     * {@code out}.
     *
     * @param key       the MN key's schedule.
     * @param snCounter the SN Counter.
     * @param out       receives KSN, 32 octets.
     * @param outOffset where KSN starts.
     */
    public void ksn(final KeySchedule key, final int snCounter, final byte[] out, final int outOffset)
    {
        run(schedule("key", key), encodeCounter(Fc.KSN, "sn-counter", snCounter), FULL_OUTPUT, KEY_LENGTH, out, outOffset);
    }

    private KdfInputString encodeCounter(final int fc, final String parameter, final int counter)
    {
        final int checked = Uint16.check(parameter, counter);
        return s.fc(fc).uint16(checked);
    }

    // ---------------------------------------------------------------------------------------------
    // TS 33.501 Annex A: interworking with EPS and SRVCC
    // ---------------------------------------------------------------------------------------------

    /**
     * KASME' from KAMF for interworking (TS 33.501 A.14): FC 0x73 at idle mobility (A.14.1), FC 0x74 at
     * handover (A.14.2).
     *
     * @param kamf  the KEY: KAMF, 32 octets.
     * @param mode  idle mobility or handover; picks the FC and the COUNT.
     * @param count P0: the NAS COUNT, 0..2^32-1 (4 octets): uplink at idle mobility, downlink at handover.
     * @return KASME', 32 octets.
     * @throws InvalidParameterException when an input is missing or outside its allowed length or range.
     * @throws IllegalStateException     when this KDF is closed.
     */
    public byte[] kasmePrime(final byte[] kamf, final MobilityMode mode, final long count)
    {
        return run(keySchedule("kamf", kamf), encodeKasmePrime(mode, count), FULL_OUTPUT, KEY_LENGTH);
    }

    /**
     * Same derivation as {@link #kasmePrime(byte[], MobilityMode, long)}, keyed by KAMF's schedule and
     * written to {@code out}.
     *
     * @param kamf      KAMF's schedule.
     * @param mode      idle mobility or handover.
     * @param count     the NAS COUNT.
     * @param out       receives KASME', 32 octets.
     * @param outOffset where KASME' starts.
     */
    public void kasmePrime(
        final KeySchedule kamf, final MobilityMode mode, final long count, final MutableDirectBuffer out, final int outOffset)
    {
        run(schedule("kamf", kamf), encodeKasmePrime(mode, count), FULL_OUTPUT, KEY_LENGTH, out, outOffset);
    }

    /**
     * Same derivation as {@link #kasmePrime(byte[], MobilityMode, long)}, keyed by KAMF's schedule and
     * written to {@code out}.
     *
     * @param kamf      KAMF's schedule.
     * @param mode      idle mobility or handover.
     * @param count     the NAS COUNT.
     * @param out       receives KASME', 32 octets.
     * @param outOffset where KASME' starts.
     */
    public void kasmePrime(
        final KeySchedule kamf, final MobilityMode mode, final long count, final byte[] out, final int outOffset)
    {
        run(schedule("kamf", kamf), encodeKasmePrime(mode, count), FULL_OUTPUT, KEY_LENGTH, out, outOffset);
    }

    private KdfInputString encodeKasmePrime(final MobilityMode mode, final long count)
    {
        requireNonNull("mode", mode);
        final int checkedCount = NasCount.check("count", count);
        return s.fc(mode == MobilityMode.IDLE ? Fc.KASME_PRIME_IDLE : Fc.KASME_PRIME_HANDOVER).uint32(checkedCount);
    }

    /**
     * KAMF' from KASME at idle mobility from EPS (TS 33.501 A.15.1, FC 0x75).
     *
     * @param kasme      the KEY: KASME, 32 octets.
     * @param tauUlCount P0: the uplink NAS COUNT of the TAU message carried in the Registration Request,
     *                   0..2^32-1 (4 octets).
     * @return KAMF', 32 octets.
     * @throws InvalidParameterException when an input is missing or outside its allowed length or range.
     * @throws IllegalStateException     when this KDF is closed.
     */
    public byte[] kamfFromKasmeIdle(final byte[] kasme, final long tauUlCount)
    {
        return run(keySchedule("kasme", kasme), encodeCount(Fc.KAMF_FROM_KASME_IDLE, "count", tauUlCount),
            FULL_OUTPUT, KEY_LENGTH);
    }

    /**
     * Same derivation as {@link #kamfFromKasmeIdle(byte[], long)}, keyed by KASME's schedule and written to
     * {@code out}.
     *
     * @param kasme      KASME's schedule.
     * @param tauUlCount the uplink NAS COUNT of the TAU message.
     * @param out        receives KAMF', 32 octets.
     * @param outOffset  where KAMF' starts.
     */
    public void kamfFromKasmeIdle(final KeySchedule kasme, final long tauUlCount, final MutableDirectBuffer out, final int outOffset)
    {
        run(schedule("kasme", kasme), encodeCount(Fc.KAMF_FROM_KASME_IDLE, "count", tauUlCount),
            FULL_OUTPUT, KEY_LENGTH, out, outOffset);
    }

    /**
     * Same derivation as {@link #kamfFromKasmeIdle(byte[], long)}, keyed by KASME's schedule and written to
     * {@code out}.
     *
     * @param kasme      KASME's schedule.
     * @param tauUlCount the uplink NAS COUNT of the TAU message.
     * @param out        receives KAMF', 32 octets.
     * @param outOffset  where KAMF' starts.
     */
    public void kamfFromKasmeIdle(final KeySchedule kasme, final long tauUlCount, final byte[] out, final int outOffset)
    {
        run(schedule("kasme", kasme), encodeCount(Fc.KAMF_FROM_KASME_IDLE, "count", tauUlCount),
            FULL_OUTPUT, KEY_LENGTH, out, outOffset);
    }

    /**
     * KAMF' from KASME at handover from EPS (TS 33.501 A.15.2, FC 0x76).
     *
     * @param kasme the KEY: KASME, 32 octets.
     * @param nh    P0: NH from the MME's EPS security context, 32 octets.
     * @return KAMF', 32 octets.
     * @throws InvalidParameterException when an input is missing or outside its allowed length or range.
     * @throws IllegalStateException     when this KDF is closed.
     */
    public byte[] kamfFromKasmeHandover(final byte[] kasme, final byte[] nh)
    {
        return run(keySchedule("kasme", kasme), encodeKamfFromKasmeHandover(nh), FULL_OUTPUT, KEY_LENGTH);
    }

    /**
     * Same derivation as {@link #kamfFromKasmeHandover(byte[], byte[])}, keyed by KASME's schedule and
     * written to {@code out}.
     *
     * @param kasme     KASME's schedule.
     * @param nh        NH.
     * @param out       receives KAMF', 32 octets.
     * @param outOffset where KAMF' starts.
     */
    public void kamfFromKasmeHandover(final KeySchedule kasme, final byte[] nh, final MutableDirectBuffer out, final int outOffset)
    {
        run(schedule("kasme", kasme), encodeKamfFromKasmeHandover(nh), FULL_OUTPUT, KEY_LENGTH, out, outOffset);
    }

    /**
     * Same derivation as {@link #kamfFromKasmeHandover(byte[], byte[])}, keyed by KASME's schedule and
     * written to {@code out}.
     *
     * @param kasme     KASME's schedule.
     * @param nh        NH.
     * @param out       receives KAMF', 32 octets.
     * @param outOffset where KAMF' starts.
     */
    public void kamfFromKasmeHandover(final KeySchedule kasme, final byte[] nh, final byte[] out, final int outOffset)
    {
        run(schedule("kasme", kasme), encodeKamfFromKasmeHandover(nh), FULL_OUTPUT, KEY_LENGTH, out, outOffset);
    }

    private KdfInputString encodeKamfFromKasmeHandover(final byte[] nh)
    {
        requireOctets("nh", nh, KEY_LENGTH);
        return s.fc(Fc.KAMF_FROM_KASME_HANDOVER).octets(nh);
    }

    /**
     * KASME_SRVCC for SRVCC from 5G to UTRAN CS (TS 33.501 A.21, FC 0x7D).
     *
     * @param kamf    the KEY: KAMF, 32 octets.
     * @param dlCount P0: the current downlink NAS COUNT, 0..2^32-1 (4 octets).
     * @return KASME_SRVCC, 32 octets.
     * @throws InvalidParameterException when an input is missing or outside its allowed length or range.
     * @throws IllegalStateException     when this KDF is closed.
     */
    public byte[] kasmeSrvcc(final byte[] kamf, final long dlCount)
    {
        return run(keySchedule("kamf", kamf), encodeCount(Fc.KASME_SRVCC, "dl-count", dlCount), FULL_OUTPUT, KEY_LENGTH);
    }

    /**
     * Same derivation as {@link #kasmeSrvcc(byte[], long)}, keyed by KAMF's schedule and written to
     * {@code out}.
     *
     * @param kamf      KAMF's schedule.
     * @param dlCount   the downlink NAS COUNT.
     * @param out       receives KASME_SRVCC, 32 octets.
     * @param outOffset where KASME_SRVCC starts.
     */
    public void kasmeSrvcc(final KeySchedule kamf, final long dlCount, final MutableDirectBuffer out, final int outOffset)
    {
        run(schedule("kamf", kamf), encodeCount(Fc.KASME_SRVCC, "dl-count", dlCount), FULL_OUTPUT, KEY_LENGTH, out, outOffset);
    }

    /**
     * Same derivation as {@link #kasmeSrvcc(byte[], long)}, keyed by KAMF's schedule and written to
     * {@code out}.
     *
     * @param kamf      KAMF's schedule.
     * @param dlCount   the downlink NAS COUNT.
     * @param out       receives KASME_SRVCC, 32 octets.
     * @param outOffset where KASME_SRVCC starts.
     */
    public void kasmeSrvcc(final KeySchedule kamf, final long dlCount, final byte[] out, final int outOffset)
    {
        run(schedule("kamf", kamf), encodeCount(Fc.KASME_SRVCC, "dl-count", dlCount), FULL_OUTPUT, KEY_LENGTH, out, outOffset);
    }

    private KdfInputString encodeCount(final int fc, final String parameter, final long count)
    {
        final int checked = NasCount.check(parameter, count);
        return s.fc(fc).uint32(checked);
    }

    // ---------------------------------------------------------------------------------------------
    // TS 33.501 Annex A: SoR and UPU protection, IAB, trusted non-3GPP access
    // ---------------------------------------------------------------------------------------------

    /**
     * SoR-MAC-IAUSF (TS 33.501 A.17, FC 0x77): the last 128 bits of the KDF output.
     *
     * @param kausf        the KEY: KAUSF, 32 octets.
     * @param sorHeader    P0: the SoR header, 1 to 65535 octets.
     * @param counterSor   P1: CounterSoR, 0..65535 (2 octets).
     * @param sorContainer P2: the octets of the SoR transparent container beyond octet 22, 1 to 65535 octets,
     *                     or null when none are included (then P2 is absent).
     * @return SoR-MAC-IAUSF, 16 octets.
     * @throws InvalidParameterException when an input is missing or outside its allowed length or range.
     * @throws IllegalStateException     when this KDF is closed.
     */
    public byte[] sorMacIausf(final byte[] kausf, final byte[] sorHeader, final int counterSor, final byte[] sorContainer)
    {
        return run(keySchedule("kausf", kausf), encodeSorMacIausf(sorHeader, counterSor, sorContainer),
            LOW_128_MAC_OFFSET, LOW_128_LENGTH);
    }

    /**
     * Same derivation as {@link #sorMacIausf(byte[], byte[], int, byte[])}, keyed by KAUSF's schedule and
     * written to {@code out}.
     *
     * @param kausf        KAUSF's schedule.
     * @param sorHeader    the SoR header.
     * @param counterSor   CounterSoR.
     * @param sorContainer the SoR transparent container beyond octet 22, or null.
     * @param out          receives the MAC, 16 octets.
     * @param outOffset    where the MAC starts.
     */
    public void sorMacIausf(
        final KeySchedule kausf, final byte[] sorHeader, final int counterSor, final byte[] sorContainer,
        final MutableDirectBuffer out, final int outOffset)
    {
        run(schedule("kausf", kausf), encodeSorMacIausf(sorHeader, counterSor, sorContainer),
            LOW_128_MAC_OFFSET, LOW_128_LENGTH, out, outOffset);
    }

    /**
     * Same derivation as {@link #sorMacIausf(byte[], byte[], int, byte[])}, keyed by KAUSF's schedule and
     * written to {@code out}.
     *
     * @param kausf        KAUSF's schedule.
     * @param sorHeader    the SoR header.
     * @param counterSor   CounterSoR.
     * @param sorContainer the SoR transparent container beyond octet 22, or null.
     * @param out          receives the MAC, 16 octets.
     * @param outOffset    where the MAC starts.
     */
    public void sorMacIausf(
        final KeySchedule kausf, final byte[] sorHeader, final int counterSor, final byte[] sorContainer,
        final byte[] out, final int outOffset)
    {
        run(schedule("kausf", kausf), encodeSorMacIausf(sorHeader, counterSor, sorContainer),
            LOW_128_MAC_OFFSET, LOW_128_LENGTH, out, outOffset);
    }

    private KdfInputString encodeSorMacIausf(final byte[] sorHeader, final int counterSor, final byte[] sorContainer)
    {
        requireOctets("sor-header", sorHeader, 1, KdfInputString.MAX_PARAMETER_LENGTH);
        final int counter = Uint16.check("counter-sor", counterSor);
        if (sorContainer != null)
        {
            requireOctets("sor-container", sorContainer, 1, KdfInputString.MAX_PARAMETER_LENGTH);
        }
        s.fc(Fc.SOR_MAC_IAUSF).octets(sorHeader).uint16(counter);
        return sorContainer == null ? s : s.octets(sorContainer);
    }

    /**
     * SoR-MAC-IUE / SoR-XMAC-IUE (TS 33.501 A.18, FC 0x78): the last 128 bits of the KDF output. P0 is the
     * SoR acknowledgement, the octet 0x01.
     *
     * @param kausf      the KEY: KAUSF, 32 octets.
     * @param counterSor P1: CounterSoR, 0..65535 (2 octets).
     * @return the MAC, 16 octets.
     * @throws InvalidParameterException when an input is missing or outside its allowed length or range.
     * @throws IllegalStateException     when this KDF is closed.
     */
    public byte[] sorMacIue(final byte[] kausf, final int counterSor)
    {
        return run(keySchedule("kausf", kausf), encodeAcknowledgement(Fc.SOR_MAC_IUE, "counter-sor", counterSor),
            LOW_128_MAC_OFFSET, LOW_128_LENGTH);
    }

    /**
     * Same derivation as {@link #sorMacIue(byte[], int)}, keyed by KAUSF's schedule and written to
     * {@code out}.
     *
     * @param kausf      KAUSF's schedule.
     * @param counterSor CounterSoR.
     * @param out        receives the MAC, 16 octets.
     * @param outOffset  where the MAC starts.
     */
    public void sorMacIue(final KeySchedule kausf, final int counterSor, final MutableDirectBuffer out, final int outOffset)
    {
        run(schedule("kausf", kausf), encodeAcknowledgement(Fc.SOR_MAC_IUE, "counter-sor", counterSor),
            LOW_128_MAC_OFFSET, LOW_128_LENGTH, out, outOffset);
    }

    /**
     * Same derivation as {@link #sorMacIue(byte[], int)}, keyed by KAUSF's schedule and written to
     * {@code out}.
     *
     * @param kausf      KAUSF's schedule.
     * @param counterSor CounterSoR.
     * @param out        receives the MAC, 16 octets.
     * @param outOffset  where the MAC starts.
     */
    public void sorMacIue(final KeySchedule kausf, final int counterSor, final byte[] out, final int outOffset)
    {
        run(schedule("kausf", kausf), encodeAcknowledgement(Fc.SOR_MAC_IUE, "counter-sor", counterSor),
            LOW_128_MAC_OFFSET, LOW_128_LENGTH, out, outOffset);
    }

    /**
     * UPU-MAC-IAUSF (TS 33.501 A.19, FC 0x7B): the last 128 bits of the KDF output.
     *
     * @param kausf      the KEY: KAUSF, 32 octets.
     * @param upuData    P0: the UE Parameters Update Data, 1 to 65535 octets.
     * @param counterUpu P1: CounterUPU, 0..65535 (2 octets).
     * @return UPU-MAC-IAUSF, 16 octets.
     * @throws InvalidParameterException when an input is missing or outside its allowed length or range.
     * @throws IllegalStateException     when this KDF is closed.
     */
    public byte[] upuMacIausf(final byte[] kausf, final byte[] upuData, final int counterUpu)
    {
        return run(keySchedule("kausf", kausf), encodeUpuMacIausf(upuData, counterUpu), LOW_128_MAC_OFFSET, LOW_128_LENGTH);
    }

    /**
     * Same derivation as {@link #upuMacIausf(byte[], byte[], int)}, keyed by KAUSF's schedule and written to
     * {@code out}.
     *
     * @param kausf      KAUSF's schedule.
     * @param upuData    the UE Parameters Update Data.
     * @param counterUpu CounterUPU.
     * @param out        receives the MAC, 16 octets.
     * @param outOffset  where the MAC starts.
     */
    public void upuMacIausf(
        final KeySchedule kausf, final byte[] upuData, final int counterUpu, final MutableDirectBuffer out, final int outOffset)
    {
        run(schedule("kausf", kausf), encodeUpuMacIausf(upuData, counterUpu), LOW_128_MAC_OFFSET, LOW_128_LENGTH, out, outOffset);
    }

    /**
     * Same derivation as {@link #upuMacIausf(byte[], byte[], int)}, keyed by KAUSF's schedule and written to
     * {@code out}.
     *
     * @param kausf      KAUSF's schedule.
     * @param upuData    the UE Parameters Update Data.
     * @param counterUpu CounterUPU.
     * @param out        receives the MAC, 16 octets.
     * @param outOffset  where the MAC starts.
     */
    public void upuMacIausf(
        final KeySchedule kausf, final byte[] upuData, final int counterUpu, final byte[] out, final int outOffset)
    {
        run(schedule("kausf", kausf), encodeUpuMacIausf(upuData, counterUpu), LOW_128_MAC_OFFSET, LOW_128_LENGTH, out, outOffset);
    }

    private KdfInputString encodeUpuMacIausf(final byte[] upuData, final int counterUpu)
    {
        requireOctets("upu-data", upuData, 1, KdfInputString.MAX_PARAMETER_LENGTH);
        final int counter = Uint16.check("counter-upu", counterUpu);
        return s.fc(Fc.UPU_MAC_IAUSF).octets(upuData).uint16(counter);
    }

    /**
     * UPU-MAC-IUE / UPU-XMAC-IUE (TS 33.501 A.20, FC 0x7C): the last 128 bits of the KDF output. P0 is the
     * UPU acknowledgement, the octet 0x01.
     *
     * @param kausf      the KEY: KAUSF, 32 octets.
     * @param counterUpu P1: CounterUPU, 0..65535 (2 octets).
     * @return the MAC, 16 octets.
     * @throws InvalidParameterException when an input is missing or outside its allowed length or range.
     * @throws IllegalStateException     when this KDF is closed.
     */
    public byte[] upuMacIue(final byte[] kausf, final int counterUpu)
    {
        return run(keySchedule("kausf", kausf), encodeAcknowledgement(Fc.UPU_MAC_IUE, "counter-upu", counterUpu),
            LOW_128_MAC_OFFSET, LOW_128_LENGTH);
    }

    /**
     * Same derivation as {@link #upuMacIue(byte[], int)}, keyed by KAUSF's schedule and written to
     * {@code out}.
     *
     * @param kausf      KAUSF's schedule.
     * @param counterUpu CounterUPU.
     * @param out        receives the MAC, 16 octets.
     * @param outOffset  where the MAC starts.
     */
    public void upuMacIue(final KeySchedule kausf, final int counterUpu, final MutableDirectBuffer out, final int outOffset)
    {
        run(schedule("kausf", kausf), encodeAcknowledgement(Fc.UPU_MAC_IUE, "counter-upu", counterUpu),
            LOW_128_MAC_OFFSET, LOW_128_LENGTH, out, outOffset);
    }

    /**
     * Same derivation as {@link #upuMacIue(byte[], int)}, keyed by KAUSF's schedule and written to
     * {@code out}.
     *
     * @param kausf      KAUSF's schedule.
     * @param counterUpu CounterUPU.
     * @param out        receives the MAC, 16 octets.
     * @param outOffset  where the MAC starts.
     */
    public void upuMacIue(final KeySchedule kausf, final int counterUpu, final byte[] out, final int outOffset)
    {
        run(schedule("kausf", kausf), encodeAcknowledgement(Fc.UPU_MAC_IUE, "counter-upu", counterUpu),
            LOW_128_MAC_OFFSET, LOW_128_LENGTH, out, outOffset);
    }

    private KdfInputString encodeAcknowledgement(final int fc, final String counterParameter, final int counter)
    {
        final int checked = Uint16.check(counterParameter, counter);
        return s.fc(fc).octet(ACKNOWLEDGEMENT).uint16(checked);
    }

    /**
     * KIAB, the PSK of an IAB node's F1 interface (TS 33.501 A.23, FC 0x83).
     *
     * @param key       the KEY: KgNB, S-KgNB or KSN, 32 octets.
     * @param donorCuIp P0: the IP address of the IAB-donor-CU (or -CU-CP / -CU-UP), 4 or 16 octets.
     * @param nodeDuIp  P1: the IP address of the IAB-node DU, 4 or 16 octets.
     * @return KIAB, 32 octets.
     * @throws InvalidParameterException when an input is missing or outside its allowed length or range.
     * @throws IllegalStateException     when this KDF is closed.
     */
    public byte[] kiab(final byte[] key, final IpAddress donorCuIp, final IpAddress nodeDuIp)
    {
        return run(keySchedule("key", key), encodeKiab(donorCuIp, nodeDuIp), FULL_OUTPUT, KEY_LENGTH);
    }

    /**
     * Same derivation as {@link #kiab(byte[], IpAddress, IpAddress)}, keyed by the key's schedule and written
     * to {@code out}.
     *
     * @param key       the key's schedule.
     * @param donorCuIp the IAB-donor-CU's address.
     * @param nodeDuIp  the IAB-node DU's address.
     * @param out       receives KIAB, 32 octets.
     * @param outOffset where KIAB starts.
     */
    public void kiab(
        final KeySchedule key, final IpAddress donorCuIp, final IpAddress nodeDuIp, final MutableDirectBuffer out, final int outOffset)
    {
        run(schedule("key", key), encodeKiab(donorCuIp, nodeDuIp), FULL_OUTPUT, KEY_LENGTH, out, outOffset);
    }

    /**
     * Same derivation as {@link #kiab(byte[], IpAddress, IpAddress)}, keyed by the key's schedule and written
     * to {@code out}.
     *
     * @param key       the key's schedule.
     * @param donorCuIp the IAB-donor-CU's address.
     * @param nodeDuIp  the IAB-node DU's address.
     * @param out       receives KIAB, 32 octets.
     * @param outOffset where KIAB starts.
     */
    public void kiab(
        final KeySchedule key, final IpAddress donorCuIp, final IpAddress nodeDuIp, final byte[] out, final int outOffset)
    {
        run(schedule("key", key), encodeKiab(donorCuIp, nodeDuIp), FULL_OUTPUT, KEY_LENGTH, out, outOffset);
    }

    private KdfInputString encodeKiab(final IpAddress donorCuIp, final IpAddress nodeDuIp)
    {
        requireNonNull("donor-cu-ip", donorCuIp);
        requireNonNull("node-du-ip", nodeDuIp);
        return s.fc(Fc.KIAB).parameter(donorCuIp).parameter(nodeDuIp);
    }

    /**
     * KTIPSec, KTNAP or KFT for trusted non-3GPP access (TS 33.501 A.22, FC 0x84).
     *
     * @param key   the KEY: KTNGF or KTWIF, 32 octets.
     * @param usage P0: the usage type distinguisher, which key (1 octet).
     * @return the key, 32 octets.
     * @throws InvalidParameterException when an input is missing or outside its allowed length or range.
     * @throws IllegalStateException     when this KDF is closed.
     */
    public byte[] ktipsecKtnapKft(final byte[] key, final UsageTypeDistinguisher usage)
    {
        return run(keySchedule("key", key), encodeUsage(usage), FULL_OUTPUT, KEY_LENGTH);
    }

    /**
     * Same derivation as {@link #ktipsecKtnapKft(byte[], UsageTypeDistinguisher)}, keyed by the key's
     * schedule and written to {@code out}.
     *
     * @param key       the key's schedule.
     * @param usage     which key.
     * @param out       receives the key, 32 octets.
     * @param outOffset where the key starts.
     */
    public void ktipsecKtnapKft(
        final KeySchedule key, final UsageTypeDistinguisher usage, final MutableDirectBuffer out, final int outOffset)
    {
        run(schedule("key", key), encodeUsage(usage), FULL_OUTPUT, KEY_LENGTH, out, outOffset);
    }

    /**
     * Same derivation as {@link #ktipsecKtnapKft(byte[], UsageTypeDistinguisher)}, keyed by the key's
     * schedule and written to {@code out}.
     *
     * @param key       the key's schedule.
     * @param usage     which key.
     * @param out       receives the key, 32 octets.
     * @param outOffset where the key starts.
     */
    public void ktipsecKtnapKft(final KeySchedule key, final UsageTypeDistinguisher usage, final byte[] out, final int outOffset)
    {
        run(schedule("key", key), encodeUsage(usage), FULL_OUTPUT, KEY_LENGTH, out, outOffset);
    }

    private KdfInputString encodeUsage(final UsageTypeDistinguisher usage)
    {
        return s.fc(Fc.KTIPSEC_KTNAP_KFT).octet(requireNonNull("usage", usage).code());
    }

    // ---------------------------------------------------------------------------------------------
    // TS 33.535 Annex A: AKMA
    // ---------------------------------------------------------------------------------------------

    /**
     * KAKMA (TS 33.535 A.2, FC 0x80). P0 is the 4-octet label "AKMA".
     *
     * @param kausf the KEY: KAUSF, 32 octets.
     * @param supi  P1: the SUPI, encoded without its type prefix (the IMSI digits or the NAI).
     * @return KAKMA, 32 octets.
     * @throws InvalidParameterException when an input is missing or outside its allowed length or range.
     * @throws IllegalStateException     when this KDF is closed.
     */
    public byte[] kakma(final byte[] kausf, final Supi supi)
    {
        return run(keySchedule("kausf", kausf), encodeAkma(Fc.KAKMA, AKMA, supi), FULL_OUTPUT, KEY_LENGTH);
    }

    /**
     * Same derivation as {@link #kakma(byte[], Supi)}, keyed by KAUSF's schedule and written to {@code out}.
     *
     * @param kausf     KAUSF's schedule.
     * @param supi      the SUPI.
     * @param out       receives KAKMA, 32 octets.
     * @param outOffset where KAKMA starts.
     */
    public void kakma(final KeySchedule kausf, final Supi supi, final MutableDirectBuffer out, final int outOffset)
    {
        run(schedule("kausf", kausf), encodeAkma(Fc.KAKMA, AKMA, supi), FULL_OUTPUT, KEY_LENGTH, out, outOffset);
    }

    /**
     * Same derivation as {@link #kakma(byte[], Supi)}, keyed by KAUSF's schedule and written to {@code out}.
     *
     * @param kausf     KAUSF's schedule.
     * @param supi      the SUPI.
     * @param out       receives KAKMA, 32 octets.
     * @param outOffset where KAKMA starts.
     */
    public void kakma(final KeySchedule kausf, final Supi supi, final byte[] out, final int outOffset)
    {
        run(schedule("kausf", kausf), encodeAkma(Fc.KAKMA, AKMA, supi), FULL_OUTPUT, KEY_LENGTH, out, outOffset);
    }

    /**
     * A-TID, the AKMA temporary identifier's key part (TS 33.535 A.3, FC 0x81). P0 is the 5-octet label
     * "A-TID".
     *
     * @param kausf the KEY: KAUSF, 32 octets.
     * @param supi  P1: the SUPI, encoded without its type prefix (the IMSI digits or the NAI).
     * @return A-TID, 32 octets.
     * @throws InvalidParameterException when an input is missing or outside its allowed length or range.
     * @throws IllegalStateException     when this KDF is closed.
     */
    public byte[] aTid(final byte[] kausf, final Supi supi)
    {
        return run(keySchedule("kausf", kausf), encodeAkma(Fc.A_TID, A_TID, supi), FULL_OUTPUT, KEY_LENGTH);
    }

    /**
     * Same derivation as {@link #aTid(byte[], Supi)}, keyed by KAUSF's schedule and written to {@code out}.
     *
     * @param kausf     KAUSF's schedule.
     * @param supi      the SUPI.
     * @param out       receives A-TID, 32 octets.
     * @param outOffset where A-TID starts.
     */
    public void aTid(final KeySchedule kausf, final Supi supi, final MutableDirectBuffer out, final int outOffset)
    {
        run(schedule("kausf", kausf), encodeAkma(Fc.A_TID, A_TID, supi), FULL_OUTPUT, KEY_LENGTH, out, outOffset);
    }

    /**
     * Same derivation as {@link #aTid(byte[], Supi)}, keyed by KAUSF's schedule and written to {@code out}.
     *
     * @param kausf     KAUSF's schedule.
     * @param supi      the SUPI.
     * @param out       receives A-TID, 32 octets.
     * @param outOffset where A-TID starts.
     */
    public void aTid(final KeySchedule kausf, final Supi supi, final byte[] out, final int outOffset)
    {
        run(schedule("kausf", kausf), encodeAkma(Fc.A_TID, A_TID, supi), FULL_OUTPUT, KEY_LENGTH, out, outOffset);
    }

    private KdfInputString encodeAkma(final int fc, final byte[] label, final Supi supi)
    {
        return s.fc(fc).octets(label).parameter(requireNonNull("supi", supi));
    }

    /**
     * KAF (TS 33.535 A.4, FC 0x82).
     *
     * @param kakma the KEY: KAKMA, 32 octets.
     * @param afId  P0: AF_ID, the AF's FQDN followed by the Ua* security protocol identifier.
     * @return KAF, 32 octets.
     * @throws InvalidParameterException when an input is missing or outside its allowed length or range.
     * @throws IllegalStateException     when this KDF is closed.
     */
    public byte[] kaf(final byte[] kakma, final AfId afId)
    {
        return run(keySchedule("kakma", kakma), encodeKaf(afId), FULL_OUTPUT, KEY_LENGTH);
    }

    /**
     * Same derivation as {@link #kaf(byte[], AfId)}, keyed by KAKMA's schedule and written to {@code out}.
     *
     * @param kakma     KAKMA's schedule.
     * @param afId      AF_ID.
     * @param out       receives KAF, 32 octets.
     * @param outOffset where KAF starts.
     */
    public void kaf(final KeySchedule kakma, final AfId afId, final MutableDirectBuffer out, final int outOffset)
    {
        run(schedule("kakma", kakma), encodeKaf(afId), FULL_OUTPUT, KEY_LENGTH, out, outOffset);
    }

    /**
     * Same derivation as {@link #kaf(byte[], AfId)}, keyed by KAKMA's schedule and written to {@code out}.
     *
     * @param kakma     KAKMA's schedule.
     * @param afId      AF_ID.
     * @param out       receives KAF, 32 octets.
     * @param outOffset where KAF starts.
     */
    public void kaf(final KeySchedule kakma, final AfId afId, final byte[] out, final int outOffset)
    {
        run(schedule("kakma", kakma), encodeKaf(afId), FULL_OUTPUT, KEY_LENGTH, out, outOffset);
    }

    private KdfInputString encodeKaf(final AfId afId)
    {
        return s.fc(Fc.KAF).parameter(requireNonNull("af-id", afId));
    }

    // ---------------------------------------------------------------------------------------------
    // TS 33.401 Annex A: EPS
    // ---------------------------------------------------------------------------------------------

    /**
     * KASME (TS 33.401 A.2, FC 0x10).
     *
     * @param ck       CK, 16 octets; the KEY is CK || IK.
     * @param ik       IK, 16 octets.
     * @param plmn     P0: the serving network's PLMN identity, encoded as the SN id (3 octets).
     * @param sqnXorAk P1: SQN xor AK, 6 octets.
     * @return KASME, 32 octets.
     * @throws InvalidParameterException when an input is missing or outside its allowed length or range.
     * @throws IllegalStateException     when this KDF is closed.
     */
    public byte[] epsKasme(final byte[] ck, final byte[] ik, final PlmnId plmn, final byte[] sqnXorAk)
    {
        return run(ckIkSchedule(ck, ik), encodeEpsKasme(plmn, sqnXorAk), FULL_OUTPUT, KEY_LENGTH);
    }

    /**
     * Same derivation as {@link #epsKasme(byte[], byte[], PlmnId, byte[])}, written to {@code out}.
     *
     * @param ck        CK.
     * @param ik        IK.
     * @param plmn      the serving network's PLMN identity.
     * @param sqnXorAk  SQN xor AK.
     * @param out       receives KASME, 32 octets.
     * @param outOffset where KASME starts.
     */
    public void epsKasme(
        final byte[] ck, final byte[] ik, final PlmnId plmn, final byte[] sqnXorAk, final MutableDirectBuffer out, final int outOffset)
    {
        run(ckIkSchedule(ck, ik), encodeEpsKasme(plmn, sqnXorAk), FULL_OUTPUT, KEY_LENGTH, out, outOffset);
    }

    /**
     * Same derivation as {@link #epsKasme(byte[], byte[], PlmnId, byte[])}, written to {@code out}.
     *
     * @param ck        CK.
     * @param ik        IK.
     * @param plmn      the serving network's PLMN identity.
     * @param sqnXorAk  SQN xor AK.
     * @param out       receives KASME, 32 octets.
     * @param outOffset where KASME starts.
     */
    public void epsKasme(
        final byte[] ck, final byte[] ik, final PlmnId plmn, final byte[] sqnXorAk, final byte[] out, final int outOffset)
    {
        run(ckIkSchedule(ck, ik), encodeEpsKasme(plmn, sqnXorAk), FULL_OUTPUT, KEY_LENGTH, out, outOffset);
    }

    private KdfInputString encodeEpsKasme(final PlmnId plmn, final byte[] sqnXorAk)
    {
        requireNonNull("plmn", plmn);
        requireOctets("sqn-xor-ak", sqnXorAk, SQN_XOR_AK_LENGTH);
        return s.fc(Fc.EPS_KASME).parameter(plmn).octets(sqnXorAk);
    }

    /**
     * KeNB (TS 33.401 A.3, FC 0x11).
     *
     * @param kasme   the KEY: KASME, 32 octets.
     * @param ulCount P0: the uplink NAS COUNT, 0..2^32-1 (4 octets); 2^32-1 for the initial KeNB at 5GS to
     *                EPS handover.
     * @return KeNB, 32 octets.
     * @throws InvalidParameterException when an input is missing or outside its allowed length or range.
     * @throws IllegalStateException     when this KDF is closed.
     */
    public byte[] kenb(final byte[] kasme, final long ulCount)
    {
        return run(keySchedule("kasme", kasme), encodeCount(Fc.KENB, "ul-count", ulCount), FULL_OUTPUT, KEY_LENGTH);
    }

    /**
     * Same derivation as {@link #kenb(byte[], long)}, keyed by KASME's schedule and written to {@code out}.
     *
     * @param kasme     KASME's schedule.
     * @param ulCount   the uplink NAS COUNT.
     * @param out       receives KeNB, 32 octets.
     * @param outOffset where KeNB starts.
     */
    public void kenb(final KeySchedule kasme, final long ulCount, final MutableDirectBuffer out, final int outOffset)
    {
        run(schedule("kasme", kasme), encodeCount(Fc.KENB, "ul-count", ulCount), FULL_OUTPUT, KEY_LENGTH, out, outOffset);
    }

    /**
     * Same derivation as {@link #kenb(byte[], long)}, keyed by KASME's schedule and written to {@code out}.
     *
     * @param kasme     KASME's schedule.
     * @param ulCount   the uplink NAS COUNT.
     * @param out       receives KeNB, 32 octets.
     * @param outOffset where KeNB starts.
     */
    public void kenb(final KeySchedule kasme, final long ulCount, final byte[] out, final int outOffset)
    {
        run(schedule("kasme", kasme), encodeCount(Fc.KENB, "ul-count", ulCount), FULL_OUTPUT, KEY_LENGTH, out, outOffset);
    }

    /**
     * EPS NH (TS 33.401 A.4, FC 0x12). The first NH has the initial KeNB as SYNC-input, each later one the
     * previous NH.
     *
     * @param kasme     the KEY: KASME, 32 octets.
     * @param syncInput P0: SYNC-input, 32 octets.
     * @return NH, 32 octets.
     * @throws InvalidParameterException when an input is missing or outside its allowed length or range.
     * @throws IllegalStateException     when this KDF is closed.
     */
    public byte[] epsNh(final byte[] kasme, final byte[] syncInput)
    {
        return run(keySchedule("kasme", kasme), encodeNh(Fc.EPS_NH, syncInput), FULL_OUTPUT, KEY_LENGTH);
    }

    /**
     * Same derivation as {@link #epsNh(byte[], byte[])}, keyed by KASME's schedule and written to
     * {@code out}. {@code out} may be {@code syncInput} itself, to step a chain in place.
     *
     * @param kasme     KASME's schedule.
     * @param syncInput SYNC-input.
     * @param out       receives NH, 32 octets.
     * @param outOffset where NH starts.
     */
    public void epsNh(final KeySchedule kasme, final byte[] syncInput, final MutableDirectBuffer out, final int outOffset)
    {
        run(schedule("kasme", kasme), encodeNh(Fc.EPS_NH, syncInput), FULL_OUTPUT, KEY_LENGTH, out, outOffset);
    }

    /**
     * Same derivation as {@link #epsNh(byte[], byte[])}, keyed by KASME's schedule and written to
     * {@code out}. {@code out} may be {@code syncInput} itself, to step a chain in place.
     *
     * @param kasme     KASME's schedule.
     * @param syncInput SYNC-input.
     * @param out       receives NH, 32 octets.
     * @param outOffset where NH starts.
     */
    public void epsNh(final KeySchedule kasme, final byte[] syncInput, final byte[] out, final int outOffset)
    {
        run(schedule("kasme", kasme), encodeNh(Fc.EPS_NH, syncInput), FULL_OUTPUT, KEY_LENGTH, out, outOffset);
    }

    /**
     * Same derivation as {@link #epsNh(byte[], byte[])}, keyed by KASME's schedule, with the SYNC-input read
     * from a buffer such as a context table slot and NH written to {@code out}. The output may overlap the
     * SYNC-input exactly, to step a chain in place.
     *
     * @param kasme      KASME's schedule.
     * @param syncInput  buffer holding the SYNC-input.
     * @param syncOffset offset of the 32-octet SYNC-input.
     * @param out        receives NH, 32 octets.
     * @param outOffset  where NH starts.
     */
    public void epsNh(
        final KeySchedule kasme, final DirectBuffer syncInput, final int syncOffset,
        final MutableDirectBuffer out, final int outOffset)
    {
        run(schedule("kasme", kasme), encodeNh(Fc.EPS_NH, syncInput, syncOffset), FULL_OUTPUT, KEY_LENGTH, out, outOffset);
    }

    /**
     * KeNB* (TS 33.401 A.5, FC 0x13).
     *
     * @param key    the KEY: NH (vertical) or the current KeNB (horizontal), 32 octets.
     * @param pci    P0: the target E-UTRA PCI, 0..503 (2 octets).
     * @param earfcn P1: the target EARFCN-DL, 0..262143; 2 octets up to 65535, 3 octets above.
     * @return KeNB*, 32 octets.
     * @throws InvalidParameterException when an input is missing or outside its allowed length or range.
     * @throws IllegalStateException     when this KDF is closed.
     */
    public byte[] kenbStar(final byte[] key, final int pci, final int earfcn)
    {
        return run(keySchedule("key", key), encodeKenbStar(pci, earfcn), FULL_OUTPUT, KEY_LENGTH);
    }

    /**
     * Same derivation as {@link #kenbStar(byte[], int, int)}, keyed by the key's schedule and written to
     * {@code out}.
     *
     * @param key       the key's schedule.
     * @param pci       the target E-UTRA PCI.
     * @param earfcn    the target EARFCN-DL.
     * @param out       receives KeNB*, 32 octets.
     * @param outOffset where KeNB* starts.
     */
    public void kenbStar(final KeySchedule key, final int pci, final int earfcn, final MutableDirectBuffer out, final int outOffset)
    {
        run(schedule("key", key), encodeKenbStar(pci, earfcn), FULL_OUTPUT, KEY_LENGTH, out, outOffset);
    }

    /**
     * Same derivation as {@link #kenbStar(byte[], int, int)}, keyed by the key's schedule and written to
     * {@code out}.
     *
     * @param key       the key's schedule.
     * @param pci       the target E-UTRA PCI.
     * @param earfcn    the target EARFCN-DL.
     * @param out       receives KeNB*, 32 octets.
     * @param outOffset where KeNB* starts.
     */
    public void kenbStar(final KeySchedule key, final int pci, final int earfcn, final byte[] out, final int outOffset)
    {
        run(schedule("key", key), encodeKenbStar(pci, earfcn), FULL_OUTPUT, KEY_LENGTH, out, outOffset);
    }

    private KdfInputString encodeKenbStar(final int pci, final int earfcn)
    {
        final int checkedPci = Pci.checkEutra("pci", pci);
        final int checkedEarfcn = Earfcn.check("earfcn", earfcn);
        s.fc(Fc.KENB_STAR).uint16(checkedPci);
        // Rel-8 equipment knows 2-octet EARFCNs only; 33.401 keeps their encoding where it fits.
        return checkedEarfcn <= Earfcn.MAX_TWO_OCTET_VALUE ? s.uint16(checkedEarfcn) : s.uint24(checkedEarfcn);
    }

    /**
     * An EPS NAS, RRC or UP algorithm key (TS 33.401 A.7, FC 0x15): the last 128 bits of the KDF output.
     *
     * @param key           the KEY: KASME for NAS keys, KeNB for RRC and UP keys; 32 octets.
     * @param distinguisher P0: the algorithm type distinguisher, which key (1 octet).
     * @param algorithm     P1: the algorithm identity (EEA/EIA number), 0..15 (1 octet).
     * @return the algorithm key, 16 octets.
     * @throws InvalidParameterException when an input is missing or outside its allowed length or range.
     * @throws IllegalStateException     when this KDF is closed.
     */
    public byte[] epsAlgorithmKey(final byte[] key, final AlgorithmTypeDistinguisher distinguisher, final int algorithm)
    {
        return run(keySchedule("key", key), encodeAlgorithmKey(Fc.EPS_ALGORITHM_KEY, distinguisher, algorithm),
            LOW_128_MAC_OFFSET, LOW_128_LENGTH);
    }

    /**
     * Same derivation as {@link #epsAlgorithmKey(byte[], AlgorithmTypeDistinguisher, int)}, keyed by the
     * key's schedule and written to {@code out}.
     *
     * @param key           the key's schedule.
     * @param distinguisher which key.
     * @param algorithm     the algorithm identity.
     * @param out           receives the key, 16 octets.
     * @param outOffset     where the key starts.
     */
    public void epsAlgorithmKey(
        final KeySchedule key, final AlgorithmTypeDistinguisher distinguisher, final int algorithm,
        final MutableDirectBuffer out, final int outOffset)
    {
        run(schedule("key", key), encodeAlgorithmKey(Fc.EPS_ALGORITHM_KEY, distinguisher, algorithm),
            LOW_128_MAC_OFFSET, LOW_128_LENGTH, out, outOffset);
    }

    /**
     * Same derivation as {@link #epsAlgorithmKey(byte[], AlgorithmTypeDistinguisher, int)}, keyed by the
     * key's schedule and written to {@code out}.
     *
     * @param key           the key's schedule.
     * @param distinguisher which key.
     * @param algorithm     the algorithm identity.
     * @param out           receives the key, 16 octets.
     * @param outOffset     where the key starts.
     */
    public void epsAlgorithmKey(
        final KeySchedule key, final AlgorithmTypeDistinguisher distinguisher, final int algorithm,
        final byte[] out, final int outOffset)
    {
        run(schedule("key", key), encodeAlgorithmKey(Fc.EPS_ALGORITHM_KEY, distinguisher, algorithm),
            LOW_128_MAC_OFFSET, LOW_128_LENGTH, out, outOffset);
    }

    /**
     * KNASenc and KNASint from one KASME (TS 33.401 A.7), as {@link #nasKeys} gives the 5GS ones.
     *
     * @param kasme         KASME's schedule.
     * @param ciphering     the NAS ciphering algorithm identity, 0..15.
     * @param integrity     the NAS integrity algorithm identity, 0..15.
     * @param encryptionKey receives KNASenc, 16 octets from index 0.
     * @param integrityKey  receives KNASint, 16 octets from index 0.
     * @throws InvalidParameterException when an input is missing or out of range, or an output too short;
     *                                   nothing is written then.
     * @throws IllegalStateException     when this KDF is closed or the schedule not computed.
     */
    public void epsNasKeys(
        final KeySchedule kasme, final int ciphering, final int integrity, final byte[] encryptionKey, final byte[] integrityKey)
    {
        nasKeyPair(Fc.EPS_ALGORITHM_KEY, kasme, ciphering, integrity, encryptionKey, integrityKey);
    }

    private void nasKeyPair(
        final int fc, final KeySchedule key, final int ciphering, final int integrity, final byte[] encryptionKey,
        final byte[] integrityKey)
    {
        ensureOpen();
        final KeySchedule root = schedule("key", key);
        AlgorithmIdentity.check("nas-enc", ciphering);
        AlgorithmIdentity.check("nas-int", integrity);
        requireNasKeyRoom("nas-enc-key", encryptionKey);
        requireNasKeyRoom("nas-int-key", integrityKey);
        // Both input strings are checked before anything is computed; the first waits in its own scratch.
        final KdfInputString first = encodeAlgorithmKey(fc, AlgorithmTypeDistinguisher.NAS_ENC, ciphering);
        final int firstLength = first.length();
        System.arraycopy(first.array(), 0, pairInput, 0, firstLength);
        final KdfInputString second = encodeAlgorithmKey(fc, AlgorithmTypeDistinguisher.NAS_INT, integrity);
        scratchUsed = true;
        engine.macPair(root, pairInput, firstLength, second.array(), second.length(), pairOutput);
        System.arraycopy(pairOutput, LOW_128_MAC_OFFSET, encryptionKey, 0, LOW_128_LENGTH);
        System.arraycopy(pairOutput, KEY_LENGTH + LOW_128_MAC_OFFSET, integrityKey, 0, LOW_128_LENGTH);
    }

    /**
     * CK' || IK' from KASME at handover to UTRAN (TS 33.401 A.8, FC 0x16).
     *
     * @param kasme   the KEY: KASME, 32 octets.
     * @param dlCount P0: the downlink NAS COUNT, 0..2^32-1 (4 octets).
     * @return CK' (first 16 octets) then IK' (last 16 octets).
     * @throws InvalidParameterException when an input is missing or outside its allowed length or range.
     * @throws IllegalStateException     when this KDF is closed.
     */
    public byte[] epsCkIkHandover(final byte[] kasme, final long dlCount)
    {
        return run(keySchedule("kasme", kasme), encodeCount(Fc.EPS_CK_IK_HANDOVER, "dl-count", dlCount),
            FULL_OUTPUT, KEY_LENGTH);
    }

    /**
     * Same derivation as {@link #epsCkIkHandover(byte[], long)}, keyed by KASME's schedule and written to
     * {@code out}.
     *
     * @param kasme     KASME's schedule.
     * @param dlCount   the downlink NAS COUNT.
     * @param out       receives CK' then IK', 32 octets.
     * @param outOffset where CK' starts.
     */
    public void epsCkIkHandover(final KeySchedule kasme, final long dlCount, final MutableDirectBuffer out, final int outOffset)
    {
        run(schedule("kasme", kasme), encodeCount(Fc.EPS_CK_IK_HANDOVER, "dl-count", dlCount),
            FULL_OUTPUT, KEY_LENGTH, out, outOffset);
    }

    /**
     * Same derivation as {@link #epsCkIkHandover(byte[], long)}, keyed by KASME's schedule and written to
     * {@code out}.
     *
     * @param kasme     KASME's schedule.
     * @param dlCount   the downlink NAS COUNT.
     * @param out       receives CK' then IK', 32 octets.
     * @param outOffset where CK' starts.
     */
    public void epsCkIkHandover(final KeySchedule kasme, final long dlCount, final byte[] out, final int outOffset)
    {
        run(schedule("kasme", kasme), encodeCount(Fc.EPS_CK_IK_HANDOVER, "dl-count", dlCount),
            FULL_OUTPUT, KEY_LENGTH, out, outOffset);
    }

    /**
     * K'ASME from CK, IK at idle mobility from UTRAN (TS 33.401 A.11, FC 0x19).
     *
     * @param ck       CK, 16 octets; the KEY is CK || IK.
     * @param ik       IK, 16 octets.
     * @param nonceUe  P0: NONCE_UE, 4 octets.
     * @param nonceMme P1: NONCE_MME, 4 octets.
     * @return K'ASME, 32 octets.
     * @throws InvalidParameterException when an input is missing or outside its allowed length or range.
     * @throws IllegalStateException     when this KDF is closed.
     */
    public byte[] epsKasmeIdle(final byte[] ck, final byte[] ik, final byte[] nonceUe, final byte[] nonceMme)
    {
        return run(ckIkSchedule(ck, ik), encodeEpsKasmeIdle(nonceUe, nonceMme), FULL_OUTPUT, KEY_LENGTH);
    }

    /**
     * Same derivation as {@link #epsKasmeIdle(byte[], byte[], byte[], byte[])}, written to {@code out}.
     *
     * @param ck        CK.
     * @param ik        IK.
     * @param nonceUe   NONCE_UE.
     * @param nonceMme  NONCE_MME.
     * @param out       receives K'ASME, 32 octets.
     * @param outOffset where K'ASME starts.
     */
    public void epsKasmeIdle(
        final byte[] ck, final byte[] ik, final byte[] nonceUe, final byte[] nonceMme,
        final MutableDirectBuffer out, final int outOffset)
    {
        run(ckIkSchedule(ck, ik), encodeEpsKasmeIdle(nonceUe, nonceMme), FULL_OUTPUT, KEY_LENGTH, out, outOffset);
    }

    /**
     * Same derivation as {@link #epsKasmeIdle(byte[], byte[], byte[], byte[])}, written to {@code out}.
     *
     * @param ck        CK.
     * @param ik        IK.
     * @param nonceUe   NONCE_UE.
     * @param nonceMme  NONCE_MME.
     * @param out       receives K'ASME, 32 octets.
     * @param outOffset where K'ASME starts.
     */
    public void epsKasmeIdle(
        final byte[] ck, final byte[] ik, final byte[] nonceUe, final byte[] nonceMme, final byte[] out, final int outOffset)
    {
        run(ckIkSchedule(ck, ik), encodeEpsKasmeIdle(nonceUe, nonceMme), FULL_OUTPUT, KEY_LENGTH, out, outOffset);
    }

    private KdfInputString encodeEpsKasmeIdle(final byte[] nonceUe, final byte[] nonceMme)
    {
        requireOctets("nonce-ue", nonceUe, NONCE_LENGTH);
        requireOctets("nonce-mme", nonceMme, NONCE_LENGTH);
        return s.fc(Fc.EPS_KASME_IDLE).octets(nonceUe).octets(nonceMme);
    }

    /**
     * CK' || IK' from KASME at idle mobility to UTRAN (TS 33.401 A.13, FC 0x1B).
     *
     * @param kasme   the KEY: KASME, 32 octets.
     * @param ulCount P0: the uplink NAS COUNT, 0..2^32-1 (4 octets).
     * @return CK' (first 16 octets) then IK' (last 16 octets).
     * @throws InvalidParameterException when an input is missing or outside its allowed length or range.
     * @throws IllegalStateException     when this KDF is closed.
     */
    public byte[] epsCkIkIdle(final byte[] kasme, final long ulCount)
    {
        return run(keySchedule("kasme", kasme), encodeCount(Fc.EPS_CK_IK_IDLE, "ul-count", ulCount), FULL_OUTPUT, KEY_LENGTH);
    }

    /**
     * Same derivation as {@link #epsCkIkIdle(byte[], long)}, keyed by KASME's schedule and written to
     * {@code out}.
     *
     * @param kasme     KASME's schedule.
     * @param ulCount   the uplink NAS COUNT.
     * @param out       receives CK' then IK', 32 octets.
     * @param outOffset where CK' starts.
     */
    public void epsCkIkIdle(final KeySchedule kasme, final long ulCount, final MutableDirectBuffer out, final int outOffset)
    {
        run(schedule("kasme", kasme), encodeCount(Fc.EPS_CK_IK_IDLE, "ul-count", ulCount), FULL_OUTPUT, KEY_LENGTH, out, outOffset);
    }

    /**
     * Same derivation as {@link #epsCkIkIdle(byte[], long)}, keyed by KASME's schedule and written to
     * {@code out}.
     *
     * @param kasme     KASME's schedule.
     * @param ulCount   the uplink NAS COUNT.
     * @param out       receives CK' then IK', 32 octets.
     * @param outOffset where CK' starts.
     */
    public void epsCkIkIdle(final KeySchedule kasme, final long ulCount, final byte[] out, final int outOffset)
    {
        run(schedule("kasme", kasme), encodeCount(Fc.EPS_CK_IK_IDLE, "ul-count", ulCount), FULL_OUTPUT, KEY_LENGTH, out, outOffset);
    }

    /**
     * S-KeNB / S-KgNB for dual connectivity (TS 33.401, FC 0x1C).
     *
     * @param kenb    the KEY: the MeNB's KeNB, 32 octets.
     * @param counter P0: the SCG Counter, 0..65535 (2 octets).
     * @return S-KeNB (or S-KgNB), 32 octets.
     * @throws InvalidParameterException when an input is missing or outside its allowed length or range.
     * @throws IllegalStateException     when this KDF is closed.
     */
    public byte[] sKenb(final byte[] kenb, final int counter)
    {
        return run(keySchedule("kenb", kenb), encodeCounter(Fc.S_KENB, "counter", counter), FULL_OUTPUT, KEY_LENGTH);
    }

    /**
     * Same derivation as {@link #sKenb(byte[], int)}, keyed by KeNB's schedule and written to {@code out}.
     *
     * @param kenb      KeNB's schedule.
     * @param counter   the SCG Counter.
     * @param out       receives S-KeNB, 32 octets.
     * @param outOffset where S-KeNB starts.
     */
    public void sKenb(final KeySchedule kenb, final int counter, final MutableDirectBuffer out, final int outOffset)
    {
        run(schedule("kenb", kenb), encodeCounter(Fc.S_KENB, "counter", counter), FULL_OUTPUT, KEY_LENGTH, out, outOffset);
    }

    /**
     * Same derivation as {@link #sKenb(byte[], int)}, keyed by KeNB's schedule and written to {@code out}.
     *
     * @param kenb      KeNB's schedule.
     * @param counter   the SCG Counter.
     * @param out       receives S-KeNB, 32 octets.
     * @param outOffset where S-KeNB starts.
     */
    public void sKenb(final KeySchedule kenb, final int counter, final byte[] out, final int outOffset)
    {
        run(schedule("kenb", kenb), encodeCounter(Fc.S_KENB, "counter", counter), FULL_OUTPUT, KEY_LENGTH, out, outOffset);
    }

    // ---------------------------------------------------------------------------------------------
    // Execution
    // ---------------------------------------------------------------------------------------------

    /**
     * Zeroes the scratch memory (input string, key schedule, outputs) and the engine's. The KDF is
     * unusable afterwards; closing it again does nothing.
     */
    public void close()
    {
        if (closed)
        {
            return;
        }
        wipe();
        engine.close();
        closed = true;
    }

    /**
     * @return whether {@link #close()} was called.
     */
    public boolean isClosed()
    {
        return closed;
    }

    /**
     * Zeroes the scratch memory, which holds the last input string and output (an NH, a KgNB, a KAMF'),
     * while keeping the KDF usable: callers that must not leave a key behind after a procedure call it.
     *
     * @throws IllegalStateException when the KDF is closed (its memory is zeroed already).
     */
    public void wipe()
    {
        ensureOpen();
        s.wipe();
        if (scratchUsed)
        {
            scratchSchedule.clear();
            Octets.zero(ckIk);
            Octets.zero(output);
            Octets.zero(hashInput);
            Octets.zero(pairInput);
            Octets.zero(pairOutput);
            scratchUsed = false;
        }
    }

    /**
     * @return a description without key material.
     */
    public String toString()
    {
        return "Kdf[engine=" + engine.name() + (closed ? ", closed]" : "]");
    }

    private byte[] run(final KeySchedule key, final KdfInputString input, final int from, final int length)
    {
        ensureOpen();
        scratchUsed = true;
        engine.mac(key, input.array(), 0, input.length(), output, 0);
        return Arrays.copyOfRange(output, from, from + length);
    }

    private void run(
        final KeySchedule key, final KdfInputString input, final int from, final int length,
        final MutableDirectBuffer out, final int outOffset)
    {
        ensureOpen();
        checkOutput(out, outOffset, length);
        scratchUsed = true;
        engine.mac(key, input.array(), 0, input.length(), output, 0);
        out.putBytes(outOffset, output, from, length);
    }

    private void run(
        final KeySchedule key, final KdfInputString input, final int from, final int length,
        final byte[] out, final int outOffset)
    {
        ensureOpen();
        checkOutput(out, outOffset, length);
        scratchUsed = true;
        engine.mac(key, input.array(), 0, input.length(), output, 0);
        System.arraycopy(output, from, out, outOffset, length);
    }

    private void stage(final KeySchedule key, final KdfInputString input, final HmacRecords records, final int record)
    {
        ensureOpen();
        if (records == null)
        {
            throw InvalidParameterException.missing("records", "an HmacRecords batch");
        }
        // The input string stays in the scratch until the next derivation overwrites it or the caller
        // ends the batch with wipe(), once, rather than once per record.
        records.schedule(record, key).message(record, input.array(), 0, input.length());
    }

    /** A closed KDF is refused first, then the key, before the input string is encoded: as the computed forms. */
    private void requireStagedKey(final String parameter, final byte[] key)
    {
        ensureOpen();
        requireOctets(parameter, key, KEY_LENGTH);
    }

    private void requireStagedCkIk(final byte[] ck, final byte[] ik)
    {
        ensureOpen();
        requireOctets("ck", ck, CK_IK_LENGTH);
        requireOctets("ik", ik, CK_IK_LENGTH);
    }

    private void stageCkIk(
        final byte[] ck, final byte[] ik, final KdfInputString input, final HmacRecords records, final int record)
    {
        System.arraycopy(ck, 0, ckIk, 0, CK_IK_LENGTH);
        System.arraycopy(ik, 0, ckIk, CK_IK_LENGTH, CK_IK_LENGTH);
        try
        {
            stageKey(ckIk, input, records, record);
        }
        finally
        {
            Octets.zero(ckIk);
        }
    }

    private void stageKey(final byte[] key, final KdfInputString input, final HmacRecords records, final int record)
    {
        ensureOpen();
        if (records == null)
        {
            throw InvalidParameterException.missing("records", "an HmacRecords batch");
        }
        // As stage(): the input string stays in the scratch until the caller's wipe().
        records.key(record, key, 0, KEY_LENGTH).message(record, input.array(), 0, input.length());
    }

    private KeySchedule keySchedule(final String parameter, final byte[] key)
    {
        ensureOpen();
        requireOctets(parameter, key, KEY_LENGTH);
        scratchUsed = true;
        engine.computeSchedule(key, 0, KEY_LENGTH, scratchSchedule);
        return scratchSchedule;
    }

    private KeySchedule ckIkSchedule(final byte[] ck, final byte[] ik)
    {
        ensureOpen();
        requireOctets("ck", ck, CK_IK_LENGTH);
        requireOctets("ik", ik, CK_IK_LENGTH);
        scratchUsed = true;
        System.arraycopy(ck, 0, ckIk, 0, CK_IK_LENGTH);
        System.arraycopy(ik, 0, ckIk, CK_IK_LENGTH, CK_IK_LENGTH);
        engine.computeSchedule(ckIk, 0, KEY_LENGTH, scratchSchedule);
        Octets.zero(ckIk);
        return scratchSchedule;
    }

    /**
     * Every derivation keyed by a schedule passes here first, so a closed KDF is refused before any
     * other check.
     */
    private KeySchedule schedule(final String parameter, final KeySchedule schedule)
    {
        ensureOpen();
        if (schedule == null || !schedule.isComputed())
        {
            throw new InvalidParameterException(
                parameter, schedule == null ? "missing" : "schedule not computed (never computed, cleared or half-written)",
                SCHEDULE);
        }
        return schedule;
    }

    private void ensureOpen()
    {
        if (closed)
        {
            throw new IllegalStateException("Kdf is closed");
        }
    }

    private static void requireOctets(final String parameter, final byte[] value, final int length)
    {
        if (value == null)
        {
            throw InvalidParameterException.missing(parameter, length + " octets");
        }
        if (value.length != length)
        {
            throw InvalidParameterException.badLength(parameter, value.length, length + " octets");
        }
    }

    private static void requireOctets(final String parameter, final byte[] value, final int minLength, final int maxLength)
    {
        if (value == null)
        {
            throw InvalidParameterException.missing(parameter, minLength + ".." + maxLength + " octets");
        }
        if (value.length < minLength || value.length > maxLength)
        {
            throw InvalidParameterException.badLength(parameter, value.length, minLength + ".." + maxLength + " octets");
        }
    }

    private static <T> T requireNonNull(final String parameter, final T value)
    {
        if (value == null)
        {
            throw InvalidParameterException.missing(parameter, "a value");
        }
        return value;
    }

    private static void checkOutput(final MutableDirectBuffer out, final int offset, final int length)
    {
        requireNonNull("out", out);
        // An expandable buffer grows to take the output; any other must already hold it.
        if (offset < 0 || (!out.isExpandable() && offset > out.capacity() - length))
        {
            throw outputOutOfRange(offset, out.isExpandable() ? Integer.MAX_VALUE : out.capacity(), length);
        }
    }

    private static void requireNasKeyRoom(final String parameter, final byte[] key)
    {
        if (key == null || key.length < LOW_128_LENGTH)
        {
            throw new InvalidParameterException(parameter, key == null ? "missing" : key.length + " octets",
                "an array of at least " + LOW_128_LENGTH + " octets");
        }
    }

    private static void checkOutput(final byte[] out, final int offset, final int length)
    {
        requireNonNull("out", out);
        if (offset < 0 || offset > out.length - length)
        {
            throw outputOutOfRange(offset, out.length, length);
        }
    }

    private static InvalidParameterException outputOutOfRange(final int offset, final int capacity, final int length)
    {
        // A buffer shorter than the output has no valid offset at all: report its length, never a
        // range of offsets such as 0..-16.
        if (capacity < length)
        {
            return InvalidParameterException.badLength("out", capacity, "at least " + length + " octets");
        }
        return new InvalidParameterException(
            "out-offset", offset + " leaves no room for " + length + " octets in " + capacity, "0.." + (capacity - length));
    }

    /**
     * Checks that {@code length} octets from {@code offset} lie in a buffer of {@code capacity}: a short
     * buffer is reported by its length, an offset that does not fit by the offsets that do.
     */
    private static void requireSlice(final String parameter, final int capacity, final int offset, final int length)
    {
        if (capacity < length)
        {
            throw InvalidParameterException.badLength(parameter, capacity, "at least " + length + " octets");
        }
        if (offset < 0 || offset > capacity - length)
        {
            throw InvalidParameterException.outOfRange(parameter + "-offset", offset, 0, capacity - length);
        }
    }
}
