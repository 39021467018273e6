package org.amfkeys.sim.aka;

import org.amfkeys.InvalidParameterException;
import org.amfkeys.hmac.KeySchedule;
import org.amfkeys.kdf.Kdf;
import org.amfkeys.types.Abba;
import org.amfkeys.types.ServingNetworkName;
import org.amfkeys.types.Supi;

import java.util.Arrays;

/**
 * 5G AKA (TS 33.501 6.1.3.2) on both sides, down to KAMF:
 * <ul>
 *   <li>home network ({@link #homeNetwork}): the UDM/ARPF runs MILENAGE for a RAND and SQN and builds
 *   AUTN = SQN xor AK || AMF || MAC-A, KAUSF (A.2) and XRES* (A.4); the AUSF derives HXRES* (A.5) and
 *   KSEAF (A.6); the SEAF/AMF derives KAMF (A.7, {@link #kamf}) from the KSEAF it receives;</li>
 *   <li>UE ({@link #ue}): the ME checks AUTN's AMF separation bit, the USIM checks MAC-A and the
 *   freshness of SQN (TS 33.102 6.3.3) and answers RES*, or AUTS when SQN is not fresh; then the ME
 *   derives the same KAUSF, KSEAF and KAMF;</li>
 *   <li>resynchronisation ({@link #resynchronise}): the home network recovers SQN_MS from AUTS and
 *   checks MAC-S (TS 33.102 6.3.5).</li>
 * </ul>
 * One instance per thread; nothing is allocated per run.
 */
public final class FiveGAka implements AutoCloseable
{
    /** AMF's separation bit (TS 33.102 Annex H): bit 0, the most significant, of AMF; 1 for 5G and E-UTRAN. */
    private static final int SEPARATION_BIT = 0x80;

    private final Milenage milenage;
    private final Kdf kdf;
    private final KeySchedule schedule = new KeySchedule();
    private final byte[] sqnMs = new byte[Milenage.SQN_LENGTH];

    /**
     * @param milenage the MILENAGE of the UE's USIM and of its home network; closed with this instance.
     * @param kdf      the KDF of the key derivations; not closed here.
     */
    public FiveGAka(final Milenage milenage, final Kdf kdf)
    {
        if (milenage == null)
        {
            throw InvalidParameterException.missing("milenage", "a Milenage");
        }
        if (kdf == null)
        {
            throw InvalidParameterException.missing("kdf", "a Kdf");
        }
        this.milenage = milenage;
        this.kdf = kdf;
    }

    /**
     * The home network's side of one authentication: the UDM/ARPF's vector and the AUSF's keys.
     *
     * @param k    K, 16 octets.
     * @param opc  OPc, 16 octets.
     * @param rand RAND, 16 octets.
     * @param sqn  SQN, 6 octets.
     * @param amf  AMF, 2 octets.
     * @param snn  the serving network name.
     * @param out  receives MILENAGE's outputs, AUTN, XRES*, HXRES*, KAUSF and KSEAF.
     */
    public void homeNetwork(
        final byte[] k, final byte[] opc, final byte[] rand, final byte[] sqn, final byte[] amf,
        final ServingNetworkName snn, final AkaKeys out)
    {
        if (snn == null)
        {
            throw InvalidParameterException.missing("snn", "a serving network name");
        }
        requireKeys(out);
        final MilenageOutputs functions = out.milenage();
        milenage.generate(k, opc, rand, sqn, amf, functions);

        final byte[] sqnXorAk = out.sqnXorAk();
        for (int i = 0; i < Milenage.SQN_LENGTH; i++)
        {
            sqnXorAk[i] = (byte)(sqn[i] ^ functions.ak()[i]);
        }
        final byte[] autn = out.autn();
        System.arraycopy(sqnXorAk, 0, autn, 0, Milenage.SQN_LENGTH);
        System.arraycopy(amf, 0, autn, Milenage.SQN_LENGTH, Milenage.AMF_LENGTH);
        System.arraycopy(functions.macA(), 0, autn, Milenage.SQN_LENGTH + Milenage.AMF_LENGTH, Milenage.MAC_LENGTH);

        kdf.resStar(functions.ck(), functions.ik(), snn, rand, functions.res(), out.resStar(), 0);
        kdf.hresStar(rand, out.resStar(), out.hresStar(), 0);
        deriveKausfAndKseaf(functions, snn, out);
    }

    /**
     * KAMF = A.7(KSEAF, SUPI, ABBA), as the SEAF/AMF derives it from the KSEAF the AUSF sent, and the
     * ME from its own.
     *
     * @param keys holds KSEAF; receives KAMF.
     * @param supi the SUPI.
     * @param abba ABBA.
     */
    public void kamf(final AkaKeys keys, final Supi supi, final Abba abba)
    {
        requireKeys(keys);
        requireSupiAndAbba(supi, abba);
        kdf.computeSchedule(keys.kseaf(), schedule);
        kdf.kamf(schedule, supi, abba, keys.kamf(), 0);
        schedule.clear();
    }

    /**
     * The UE's side of one authentication: verify AUTN, then answer.
     *
     * @param k         K, 16 octets.
     * @param opc       OPc, 16 octets.
     * @param rand      RAND, 16 octets.
     * @param autn      AUTN as received, 16 octets.
     * @param snn       the serving network name.
     * @param supi      the SUPI.
     * @param abba      ABBA.
     * @param sequence  the USIM's accepted sequence numbers; an accepted SQN is recorded in it.
     * @param out       receives MILENAGE's outputs (XMAC-A, SQN and AMF recovered), and RES*, HRES*, KAUSF,
     *                  KSEAF and KAMF when accepted, or AUTS after a synch failure.
     * @return the answer; only {@link AuthenticationResult#ACCEPTED} changes {@code sequence}.
     */
    public AuthenticationResult ue(
        final byte[] k, final byte[] opc, final byte[] rand, final byte[] autn, final ServingNetworkName snn,
        final Supi supi, final Abba abba, final SequenceNumbers sequence, final AkaKeys out)
    {
        requireNames(snn, supi, abba);
        requireKeys(out);
        if (sequence == null)
        {
            throw InvalidParameterException.missing("sequence", "the USIM's SequenceNumbers");
        }
        Milenage.requireLength("autn", autn, Milenage.AUTN_LENGTH);
        if ((autn[Milenage.SQN_LENGTH] & SEPARATION_BIT) == 0)
        {
            return AuthenticationResult.NON_5G_AUTHENTICATION_UNACCEPTABLE;
        }

        final MilenageOutputs functions = out.milenage();
        milenage.recoverFromAutn(k, opc, rand, autn, functions);
        if (!macEquals(functions.macA(), autn, Milenage.SQN_LENGTH + Milenage.AMF_LENGTH))
        {
            return AuthenticationResult.MAC_FAILURE;
        }
        final long sqn = SequenceNumbers.sqnOf(functions.sqn());
        if (!sequence.isFresh(sqn))
        {
            SequenceNumbers.writeSqn(sequence.highest(), sqnMs);
            milenage.auts(k, opc, rand, sqnMs, out.auts());
            Arrays.fill(sqnMs, (byte)0);
            return AuthenticationResult.SYNCH_FAILURE;
        }
        sequence.accept(sqn);

        System.arraycopy(autn, 0, out.sqnXorAk(), 0, Milenage.SQN_LENGTH);
        System.arraycopy(autn, 0, out.autn(), 0, Milenage.AUTN_LENGTH);
        kdf.resStar(functions.ck(), functions.ik(), snn, rand, functions.res(), out.resStar(), 0);
        kdf.hresStar(rand, out.resStar(), out.hresStar(), 0);
        deriveKausfAndKseaf(functions, snn, out);
        kamf(out, supi, abba);
        return AuthenticationResult.ACCEPTED;
    }

    /**
     * The home network's check of an AUTS (TS 33.102 6.3.5): SQN_MS = AUTS[0..5] xor f5*, and MAC-S must
     * equal f1*(K, SQN_MS, RAND, AMF* = 0x0000).
     *
     * @param k    K, 16 octets.
     * @param opc  OPc, 16 octets.
     * @param rand the RAND of the failed authentication, 16 octets.
     * @param auts AUTS, 14 octets.
     * @param out  receives XMAC-S and SQN_MS ({@link MilenageOutputs#sqn()}).
     * @return whether MAC-S checks: then the home network continues its SQN from SQN_MS.
     */
    public boolean resynchronise(
        final byte[] k, final byte[] opc, final byte[] rand, final byte[] auts, final MilenageOutputs out)
    {
        milenage.recoverFromAuts(k, opc, rand, auts, out);
        return macEquals(out.macS(), auts, Milenage.SQN_LENGTH);
    }

    /**
     * Closes MILENAGE (its AES kernel forgets K) and clears the key schedule.
     */
    @Override
    public void close()
    {
        schedule.clear();
        milenage.close();
    }

    @Override
    public String toString()
    {
        return "FiveGAka (" + milenage + ")";
    }

    /** KAUSF from CK || IK and SQN xor AK, KSEAF from KAUSF: the same on both sides. */
    private void deriveKausfAndKseaf(final MilenageOutputs functions, final ServingNetworkName snn, final AkaKeys out)
    {
        kdf.kausf(functions.ck(), functions.ik(), snn, out.sqnXorAk(), out.kausf(), 0);
        kdf.computeSchedule(out.kausf(), schedule);
        kdf.kseaf(schedule, snn, out.kseaf(), 0);
        schedule.clear();
    }

    /** Compares in time independent of where they differ, as a MAC check should. */
    private static boolean macEquals(final byte[] expected, final byte[] message, final int offset)
    {
        int difference = 0;
        for (int i = 0; i < Milenage.MAC_LENGTH; i++)
        {
            difference |= expected[i] ^ message[offset + i];
        }
        return difference == 0;
    }

    private static void requireNames(final ServingNetworkName snn, final Supi supi, final Abba abba)
    {
        if (snn == null)
        {
            throw InvalidParameterException.missing("snn", "a serving network name");
        }
        requireSupiAndAbba(supi, abba);
    }

    private static void requireSupiAndAbba(final Supi supi, final Abba abba)
    {
        if (supi == null)
        {
            throw InvalidParameterException.missing("supi", "a SUPI");
        }
        if (abba == null)
        {
            throw InvalidParameterException.missing("abba", "an ABBA");
        }
    }

    private static void requireKeys(final AkaKeys out)
    {
        if (out == null)
        {
            throw InvalidParameterException.missing("out", "an AkaKeys");
        }
    }
}
