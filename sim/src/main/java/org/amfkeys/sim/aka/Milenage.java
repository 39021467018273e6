package org.amfkeys.sim.aka;

import org.agrona.BufferUtil;
import org.agrona.UnsafeApi;
import org.amfkeys.InvalidParameterException;
import org.amfkeys.Octets;

/**
 * MILENAGE (TS 35.206), the authentication and key generation functions f1, f1*, f2, f3, f4, f5 and
 * f5* of a USIM and of its home network, over an {@link Aes128} kernel:
 * <pre>
 *   OPc  = OP xor E_K(OP)
 *   TEMP = E_K(RAND xor OPc)
 *   OUT1 = E_K(TEMP xor rot(IN1 xor OPc, r1) xor c1) xor OPc      IN1 = SQN || AMF || SQN || AMF
 *   OUTi = E_K(rot(TEMP xor OPc, ri) xor ci) xor OPc              i = 2..5
 * </pre>
 * with the default rotations r1..r5 = 64, 0, 32, 64, 96 bits and constants c1..c5 = 0, 1, 2, 4, 8.
 * f1 = OUT1[0..63], f1* = OUT1[64..127], f5 = OUT2[0..47], f2 = OUT2[64..127], f3 = OUT3, f4 = OUT4,
 * f5* = OUT5[0..47].
 * <p>
 * One instance per thread. Nothing is allocated per call; the working blocks are zeroed before each
 * call returns.
 */
public final class Milenage implements AutoCloseable
{
    /** Octets of K. */
    public static final int K_LENGTH = 16;
    /** Octets of OP and of OPc. */
    public static final int OP_LENGTH = 16;
    /** Octets of RAND. */
    public static final int RAND_LENGTH = 16;
    /** Octets of SQN. */
    public static final int SQN_LENGTH = 6;
    /** Octets of AMF. */
    public static final int AMF_LENGTH = 2;
    /** Octets of MAC-A and MAC-S. */
    public static final int MAC_LENGTH = 8;
    /** Octets of RES. */
    public static final int RES_LENGTH = 8;
    /** Octets of CK. */
    public static final int CK_LENGTH = 16;
    /** Octets of IK. */
    public static final int IK_LENGTH = 16;
    /** Octets of AK and AK*. */
    public static final int AK_LENGTH = 6;
    /** Octets of AUTN = SQN xor AK || AMF || MAC-A. */
    public static final int AUTN_LENGTH = SQN_LENGTH + AMF_LENGTH + MAC_LENGTH;
    /** Octets of AUTS = SQN_MS xor AK* || MAC-S. */
    public static final int AUTS_LENGTH = SQN_LENGTH + MAC_LENGTH;

    private static final int BLOCK = Aes128.BLOCK_LENGTH;
    private static final int TEMP_AT = 0;
    private static final int OUT1_AT = BLOCK;
    private static final int OUT2_AT = 2 * BLOCK;
    private static final int OUT3_AT = 3 * BLOCK;
    private static final int OUT4_AT = 4 * BLOCK;
    private static final int OUT5_AT = 5 * BLOCK;
    private static final int WORK_LENGTH = 6 * BLOCK;
    /** The AMF of a resynchronisation's MAC-S (TS 33.102 6.3.3: AMF* is all zeros). */
    private static final byte[] RESYNCHRONISATION_AMF = new byte[AMF_LENGTH];

    /** The last octet of c2..c5 (c1 is zero); every other octet of every ci is zero. */
    private static final byte[] CONSTANT_LAST_OCTET = {1, 2, 4, 8};

    private final Aes128 aes;
    private final byte[] work = new byte[WORK_LENGTH];

    /**
     * @param aes the AES-128 kernel; this instance closes it at {@link #close}.
     */
    public Milenage(final Aes128 aes)
    {
        if (aes == null)
        {
            throw InvalidParameterException.missing("aes", "an AES-128 kernel");
        }
        this.aes = aes;
    }

    /**
     * @return the AES-128 kernel's name.
     */
    public String aesName()
    {
        return aes.name();
    }

    /**
     * OPc = OP xor E_K(OP): what a USIM and the home network keep instead of the operator's OP.
     *
     * @param k   K, 16 octets.
     * @param op  OP, 16 octets.
     * @param opc receives OPc, 16 octets.
     */
    public void opc(final byte[] k, final byte[] op, final byte[] opc)
    {
        requireLength("k", k, K_LENGTH);
        requireLength("op", op, OP_LENGTH);
        requireLength("opc", opc, OP_LENGTH);
        aes.key(k, 0);
        aes.encrypt(op, 0, work, 0, 1);
        for (int i = 0; i < OP_LENGTH; i++)
        {
            opc[i] = (byte)(work[i] ^ op[i]);
        }
        Octets.zero(work);
    }

    /**
     * Every function for a given SQN and AMF, as the home network computes an authentication vector:
     * f1 and f1* over (SQN, AMF), and f2 to f5*.
     *
     * @param k    K, 16 octets.
     * @param opc  OPc, 16 octets.
     * @param rand RAND, 16 octets.
     * @param sqn  SQN, 6 octets.
     * @param amf  AMF, 2 octets.
     * @param out  receives the outputs.
     */
    public void generate(
        final byte[] k, final byte[] opc, final byte[] rand, final byte[] sqn, final byte[] amf, final MilenageOutputs out)
    {
        requireKeys(k, opc, rand);
        requireLength("sqn", sqn, SQN_LENGTH);
        requireLength("amf", amf, AMF_LENGTH);
        requireOutputs(out);
        try
        {
            encryptTemp(k, opc, rand);
            encryptOut2To5(opc);
            copyOut2To5(out);
            encryptOut1(opc, sqn, 0, amf, 0);
            copyOut1(sqn, 0, amf, 0, out);
        }
        finally
        {
            Octets.zero(work);
        }
    }

    /**
     * What a USIM computes from a received AUTN: f2 to f5*, then SQN = (SQN xor AK) xor AK and the AMF
     * as AUTN carries them, then f1 and f1* over those. {@link MilenageOutputs#macA()} is XMAC-A, to be
     * compared with AUTN's MAC.
     *
     * @param k    K, 16 octets.
     * @param opc  OPc, 16 octets.
     * @param rand RAND, 16 octets.
     * @param autn AUTN, 16 octets.
     * @param out  receives the outputs, with the SQN and AMF recovered.
     */
    public void recoverFromAutn(
        final byte[] k, final byte[] opc, final byte[] rand, final byte[] autn, final MilenageOutputs out)
    {
        requireKeys(k, opc, rand);
        requireLength("autn", autn, AUTN_LENGTH);
        requireOutputs(out);
        recover(k, opc, rand, autn, false, autn, SQN_LENGTH, out);
    }

    /**
     * What the home network computes from a received AUTS (TS 33.102 6.3.5): SQN_MS = (SQN_MS xor AK*)
     * xor f5*, then f1 and f1* over SQN_MS and AMF* = 0x0000. {@link MilenageOutputs#macS()} is XMAC-S,
     * to be compared with AUTS's MAC-S; {@link MilenageOutputs#sqn()} is SQN_MS.
     *
     * @param k    K, 16 octets.
     * @param opc  OPc, 16 octets.
     * @param rand RAND, 16 octets.
     * @param auts AUTS, 14 octets.
     * @param out  receives the outputs, with SQN_MS recovered and AMF* = 0x0000.
     */
    public void recoverFromAuts(
        final byte[] k, final byte[] opc, final byte[] rand, final byte[] auts, final MilenageOutputs out)
    {
        requireKeys(k, opc, rand);
        requireLength("auts", auts, AUTS_LENGTH);
        requireOutputs(out);
        recover(k, opc, rand, auts, true, RESYNCHRONISATION_AMF, 0, out);
    }

    /**
     * f2 to f5*, then the SQN that {@code concealed} hides under AK (AUTN) or AK* (AUTS), then f1 and f1*
     * over that SQN and the given AMF.
     */
    private void recover(
        final byte[] k, final byte[] opc, final byte[] rand, final byte[] concealed, final boolean underAkStar,
        final byte[] amf, final int amfOffset, final MilenageOutputs out)
    {
        try
        {
            encryptTemp(k, opc, rand);
            encryptOut2To5(opc);
            copyOut2To5(out);
            final byte[] anonymityKey = underAkStar ? out.akStar() : out.ak();
            final byte[] sqn = out.sqn();
            for (int i = 0; i < SQN_LENGTH; i++)
            {
                sqn[i] = (byte)(concealed[i] ^ anonymityKey[i]);
            }
            encryptOut1(opc, sqn, 0, amf, amfOffset);
            copyOut1(sqn, 0, amf, amfOffset, out);
        }
        finally
        {
            Octets.zero(work);
        }
    }

    /**
     * What a USIM answers when SQN is not fresh (TS 33.102 6.3.3): AUTS = (SQN_MS xor AK*) || MAC-S,
     * MAC-S = f1*(K, SQN_MS, RAND, AMF* = 0x0000).
     *
     * @param k     K, 16 octets.
     * @param opc   OPc, 16 octets.
     * @param rand  RAND, 16 octets.
     * @param sqnMs SQN_MS, the highest SQN the USIM accepted, 6 octets.
     * @param auts  receives AUTS, 14 octets.
     */
    public void auts(final byte[] k, final byte[] opc, final byte[] rand, final byte[] sqnMs, final byte[] auts)
    {
        requireKeys(k, opc, rand);
        requireLength("sqn-ms", sqnMs, SQN_LENGTH);
        requireLength("auts", auts, AUTS_LENGTH);
        try
        {
            encryptTemp(k, opc, rand);
            encryptOut2To5(opc);
            encryptOut1(opc, sqnMs, 0, RESYNCHRONISATION_AMF, 0);
            for (int i = 0; i < SQN_LENGTH; i++)
            {
                auts[i] = (byte)(sqnMs[i] ^ work[OUT5_AT + i]);
            }
            System.arraycopy(work, OUT1_AT + MAC_LENGTH, auts, SQN_LENGTH, MAC_LENGTH);
        }
        finally
        {
            Octets.zero(work);
        }
    }

    /**
     * Closes the AES kernel, which forgets the last K.
     */
    @Override
    public void close()
    {
        Octets.zero(work);
        aes.close();
    }

    @Override
    public String toString()
    {
        return "Milenage (AES-128: " + aes.name() + ")";
    }

    /** TEMP = E_K(RAND xor OPc), at {@link #TEMP_AT}; also sets the kernel's key. */
    private void encryptTemp(final byte[] k, final byte[] opc, final byte[] rand)
    {
        aes.key(k, 0);
        putLong(work, TEMP_AT, getLong(rand, 0) ^ getLong(opc, 0));
        putLong(work, TEMP_AT + Long.BYTES, getLong(rand, Long.BYTES) ^ getLong(opc, Long.BYTES));
        aes.encrypt(work, TEMP_AT, work, TEMP_AT, 1);
    }

    /**
     * OUT2..OUT5 from TEMP, in one call to the kernel since none depends on another. Their rotations
     * (0, 32, 64, 96 bits) move whole 4-octet words, so the words of TEMP xor OPc are written in turn.
     */
    private void encryptOut2To5(final byte[] opc)
    {
        final int x0 = getInt(work, TEMP_AT) ^ getInt(opc, 0);
        final int x1 = getInt(work, TEMP_AT + 4) ^ getInt(opc, 4);
        final int x2 = getInt(work, TEMP_AT + 8) ^ getInt(opc, 8);
        final int x3 = getInt(work, TEMP_AT + 12) ^ getInt(opc, 12);
        putWords(OUT2_AT, x0, x1, x2, x3);
        putWords(OUT3_AT, x1, x2, x3, x0);
        putWords(OUT4_AT, x2, x3, x0, x1);
        putWords(OUT5_AT, x3, x0, x1, x2);
        for (int n = 0; n < CONSTANT_LAST_OCTET.length; n++)
        {
            work[OUT2_AT + n * BLOCK + BLOCK - 1] ^= CONSTANT_LAST_OCTET[n];
        }
        aes.encrypt(work, OUT2_AT, work, OUT2_AT, CONSTANT_LAST_OCTET.length);
        for (int at = OUT2_AT; at < WORK_LENGTH; at += BLOCK)
        {
            xorOpc(at, opc);
        }
    }

    /**
     * OUT1 from TEMP and IN1 = SQN || AMF || SQN || AMF, c1 = 0: rot(IN1 xor OPc, 64 bits) swaps the
     * halves, which leaves IN1 (two equal halves) as it is and swaps OPc's.
     */
    private void encryptOut1(
        final byte[] opc, final byte[] sqn, final int sqnOffset, final byte[] amf, final int amfOffset)
    {
        System.arraycopy(sqn, sqnOffset, work, OUT1_AT, SQN_LENGTH);
        System.arraycopy(amf, amfOffset, work, OUT1_AT + SQN_LENGTH, AMF_LENGTH);
        final long in1 = getLong(work, OUT1_AT);
        putLong(work, OUT1_AT, getLong(work, TEMP_AT) ^ in1 ^ getLong(opc, Long.BYTES));
        putLong(work, OUT1_AT + Long.BYTES, getLong(work, TEMP_AT + Long.BYTES) ^ in1 ^ getLong(opc, 0));
        aes.encrypt(work, OUT1_AT, work, OUT1_AT, 1);
        xorOpc(OUT1_AT, opc);
    }

    private void xorOpc(final int at, final byte[] opc)
    {
        putLong(work, at, getLong(work, at) ^ getLong(opc, 0));
        putLong(work, at + Long.BYTES, getLong(work, at + Long.BYTES) ^ getLong(opc, Long.BYTES));
    }

    private void putWords(final int at, final int w0, final int w1, final int w2, final int w3)
    {
        putInt(work, at, w0);
        putInt(work, at + 4, w1);
        putInt(work, at + 8, w2);
        putInt(work, at + 12, w3);
    }

    // Words in the platform's order: only xored and moved whole, never read as numbers.
    private static long getLong(final byte[] array, final int at)
    {
        return UnsafeApi.getLong(array, BufferUtil.ARRAY_BASE_OFFSET + at);
    }

    private static void putLong(final byte[] array, final int at, final long value)
    {
        UnsafeApi.putLong(array, BufferUtil.ARRAY_BASE_OFFSET + at, value);
    }

    private static int getInt(final byte[] array, final int at)
    {
        return UnsafeApi.getInt(array, BufferUtil.ARRAY_BASE_OFFSET + at);
    }

    private static void putInt(final byte[] array, final int at, final int value)
    {
        UnsafeApi.putInt(array, BufferUtil.ARRAY_BASE_OFFSET + at, value);
    }

    private void copyOut1(final byte[] sqn, final int sqnOffset, final byte[] amf, final int amfOffset, final MilenageOutputs out)
    {
        System.arraycopy(work, OUT1_AT, out.macA(), 0, MAC_LENGTH);
        System.arraycopy(work, OUT1_AT + MAC_LENGTH, out.macS(), 0, MAC_LENGTH);
        System.arraycopy(sqn, sqnOffset, out.sqn(), 0, SQN_LENGTH);
        System.arraycopy(amf, amfOffset, out.amf(), 0, AMF_LENGTH);
    }

    private void copyOut2To5(final MilenageOutputs out)
    {
        System.arraycopy(work, OUT2_AT, out.ak(), 0, AK_LENGTH);
        System.arraycopy(work, OUT2_AT + MAC_LENGTH, out.res(), 0, RES_LENGTH);
        System.arraycopy(work, OUT3_AT, out.ck(), 0, CK_LENGTH);
        System.arraycopy(work, OUT4_AT, out.ik(), 0, IK_LENGTH);
        System.arraycopy(work, OUT5_AT, out.akStar(), 0, AK_LENGTH);
    }

    private static void requireKeys(final byte[] k, final byte[] opc, final byte[] rand)
    {
        requireLength("k", k, K_LENGTH);
        requireLength("opc", opc, OP_LENGTH);
        requireLength("rand", rand, RAND_LENGTH);
    }

    private static void requireOutputs(final MilenageOutputs out)
    {
        if (out == null)
        {
            throw InvalidParameterException.missing("out", "a MilenageOutputs");
        }
    }

    static void requireLength(final String name, final byte[] value, final int length)
    {
        if (value == null)
        {
            throw InvalidParameterException.missing(name, length + " octets");
        }
        if (value.length != length)
        {
            throw InvalidParameterException.badLength(name, value.length, length + " octets");
        }
    }
}
