package org.amfkeys.sim.aka;

import org.amfkeys.InvalidParameterException;
import org.amfkeys.Octets;
import org.amfkeys.hmac.HmacRecords;
import org.amfkeys.hmac.KeySchedule;
import org.amfkeys.kdf.Kdf;
import org.amfkeys.types.Abba;
import org.amfkeys.types.ServingNetworkName;
import org.amfkeys.types.Supi;

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
 * A simulator that registers many UEs at once stages each side: MILENAGE into a {@link MilenageBatch}
 * ({@link #stageHomeNetworkVector}, {@link #stageUeCheck}, with the checks of AUTN after it), and the
 * key derivations into batch records ({@link #stageResStarAndKausf}, {@link #stageKseaf},
 * {@link #stageKamf}): the same steps as the one-shot forms ({@link #homeNetworkVector}, {@link #ueCheck},
 * {@link #deriveKeys}), which share their code.
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
    private final byte[] mac = new byte[Kdf.KEY_LENGTH];

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
        homeNetworkVector(k, opc, rand, sqn, amf, out);
        deriveKeys(out, snn, rand);
    }

    /**
     * A side's keys after {@link #homeNetworkVector} or an accepting {@link #ueCheck}, computed at once:
     * RES* (XRES*), HRES* (HXRES*), KAUSF and KSEAF. The staged forms derive the same in batches.
     *
     * @param keys the side's keys; receives RES*, HRES*, KAUSF and KSEAF.
     * @param snn  the serving network name.
     * @param rand RAND, 16 octets.
     */
    public void deriveKeys(final AkaKeys keys, final ServingNetworkName snn, final byte[] rand)
    {
        final MilenageOutputs functions = keys.milenage();
        kdf.resStar(functions.ck(), functions.ik(), snn, rand, functions.res(), keys.resStar(), 0);
        kdf.hresStar(rand, keys.resStar(), keys.hresStar(), 0);
        kdf.kausf(functions.ck(), functions.ik(), snn, keys.sqnXorAk(), keys.kausf(), 0);
        kdf.computeSchedule(keys.kausf(), schedule);
        kdf.kseaf(schedule, snn, keys.kseaf(), 0);
        schedule.clear();
    }

    /**
     * The UDM/ARPF's part of {@link #homeNetwork}: MILENAGE and AUTN, without the keys that follow, which
     * a batch derives with many others ({@link #stageResStarAndKausf}).
     *
     * @param k    K, 16 octets.
     * @param opc  OPc, 16 octets.
     * @param rand RAND, 16 octets.
     * @param sqn  SQN, 6 octets.
     * @param amf  AMF, 2 octets.
     * @param out  receives MILENAGE's outputs, SQN xor AK and AUTN.
     */
    public void homeNetworkVector(
        final byte[] k, final byte[] opc, final byte[] rand, final byte[] sqn, final byte[] amf, final AkaKeys out)
    {
        requireKeys(out);
        milenage.generate(k, opc, rand, sqn, amf, out.milenage());
        buildAutn(out);
    }

    /**
     * Stages the UDM/ARPF's MILENAGE of {@link #homeNetworkVector} into record {@code record} of a
     * MILENAGE batch; {@link #takeHomeNetworkVector} builds AUTN once the batch is computed.
     *
     * @param batch  the batch.
     * @param record the record.
     * @param k      K, 16 octets.
     * @param opc    OPc, 16 octets.
     * @param rand   RAND, 16 octets.
     * @param sqn    SQN, 6 octets.
     * @param amf    AMF, 2 octets.
     */
    public void stageHomeNetworkVector(
        final MilenageBatch batch, final int record, final byte[] k, final byte[] opc, final byte[] rand, final byte[] sqn,
        final byte[] amf)
    {
        requireBatch(batch).stageGenerate(record, k, opc, rand, sqn, amf);
    }

    /**
     * Reads what {@link #stageHomeNetworkVector} staged, computed, and builds AUTN.
     *
     * @param batch  the computed batch.
     * @param record the record.
     * @param out    receives MILENAGE's outputs, SQN xor AK and AUTN.
     */
    public void takeHomeNetworkVector(final MilenageBatch batch, final int record, final AkaKeys out)
    {
        requireKeys(out);
        requireBatch(batch).outputs(record, out.milenage());
        buildAutn(out);
    }

    /** AUTN = SQN xor AK || AMF || MAC-A, from MILENAGE's outputs. */
    private static void buildAutn(final AkaKeys out)
    {
        final MilenageOutputs functions = out.milenage();
        final byte[] sqn = functions.sqn();
        final byte[] sqnXorAk = out.sqnXorAk();
        for (int i = 0; i < Milenage.SQN_LENGTH; i++)
        {
            sqnXorAk[i] = (byte)(sqn[i] ^ functions.ak()[i]);
        }
        final byte[] autn = out.autn();
        System.arraycopy(sqnXorAk, 0, autn, 0, Milenage.SQN_LENGTH);
        System.arraycopy(functions.amf(), 0, autn, Milenage.SQN_LENGTH, Milenage.AMF_LENGTH);
        System.arraycopy(functions.macA(), 0, autn, Milenage.SQN_LENGTH + Milenage.AMF_LENGTH, Milenage.MAC_LENGTH);
    }

    /**
     * Stages a side's XRES* (or RES*) and KAUSF into records {@code record} and {@code record + 1} of a
     * batch, both keyed by CK || IK; {@link #takeResStarAndKausf} reads them once the batch is computed.
     *
     * @param keys    the side's keys after {@link #homeNetworkVector} or an accepting {@link #ueCheck}.
     * @param snn     the serving network name.
     * @param rand    RAND, 16 octets.
     * @param records the batch.
     * @param record  the first of the two records.
     */
    public void stageResStarAndKausf(
        final AkaKeys keys, final ServingNetworkName snn, final byte[] rand, final HmacRecords records, final int record)
    {
        final MilenageOutputs functions = keys.milenage();
        kdf.stageResStar(functions.ck(), functions.ik(), snn, rand, functions.res(), records, record);
        kdf.stageKausf(functions.ck(), functions.ik(), snn, keys.sqnXorAk(), records, record + 1);
    }

    /**
     * Reads what {@link #stageResStarAndKausf} staged, computed, and derives HRES* (HXRES*) from RES*.
     *
     * @param records the computed batch.
     * @param record  the first of the two records.
     * @param rand    RAND, 16 octets.
     * @param keys    receives RES*, HRES* and KAUSF.
     */
    public void takeResStarAndKausf(final HmacRecords records, final int record, final byte[] rand, final AkaKeys keys)
    {
        records.mac(record, mac, 0);
        System.arraycopy(mac, Kdf.LOW_128_MAC_OFFSET, keys.resStar(), 0, AkaKeys.RES_STAR_LENGTH);
        Octets.zero(mac);
        records.mac(record + 1, keys.kausf(), 0);
        kdf.hresStar(rand, keys.resStar(), keys.hresStar(), 0);
    }

    /**
     * Stages a side's KSEAF from its KAUSF into record {@code record}; its MAC is KSEAF.
     *
     * @param keys    holds KAUSF.
     * @param snn     the serving network name.
     * @param records the batch.
     * @param record  the record.
     */
    public void stageKseaf(final AkaKeys keys, final ServingNetworkName snn, final HmacRecords records, final int record)
    {
        kdf.stageKseaf(keys.kausf(), snn, records, record);
    }

    /**
     * Stages the ME's KAMF from its KSEAF into record {@code record}; its MAC is KAMF.
     *
     * @param keys    holds KSEAF.
     * @param supi    the SUPI.
     * @param abba    ABBA.
     * @param records the batch.
     * @param record  the record.
     */
    public void stageKamf(final AkaKeys keys, final Supi supi, final Abba abba, final HmacRecords records, final int record)
    {
        requireSupiAndAbba(supi, abba);
        kdf.stageKamf(keys.kseaf(), supi, abba, records, record);
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
        final AuthenticationResult result = ueCheck(k, opc, rand, autn, sequence, out);
        if (result != AuthenticationResult.ACCEPTED)
        {
            return result;
        }
        deriveKeys(out, snn, rand);
        kamf(out, supi, abba);
        return AuthenticationResult.ACCEPTED;
    }

    /**
     * The USIM's part of {@link #ue}: the checks of AUTN and, when they pass, SQN xor AK and AUTN kept,
     * without the keys that follow, which a batch derives with many others ({@link #stageResStarAndKausf}).
     *
     * @param k        K, 16 octets.
     * @param opc      OPc, 16 octets.
     * @param rand     RAND, 16 octets.
     * @param autn     AUTN as received, 16 octets.
     * @param sequence the USIM's accepted sequence numbers; an accepted SQN is recorded in it.
     * @param out      receives MILENAGE's outputs, and SQN xor AK and AUTN when accepted, or AUTS after a
     *                 synch failure.
     * @return the answer; only {@link AuthenticationResult#ACCEPTED} changes {@code sequence}.
     */
    public AuthenticationResult ueCheck(
        final byte[] k, final byte[] opc, final byte[] rand, final byte[] autn, final SequenceNumbers sequence,
        final AkaKeys out)
    {
        requireKeys(out);
        requireSequence(sequence);
        if (!carries5gSeparationBit(autn))
        {
            return AuthenticationResult.NON_5G_AUTHENTICATION_UNACCEPTABLE;
        }
        milenage.recoverFromAutn(k, opc, rand, autn, out.milenage());
        return answer(k, opc, rand, autn, sequence, out);
    }

    /**
     * Stages the USIM's MILENAGE of {@link #ueCheck} into record {@code record} of a MILENAGE batch, once
     * the ME accepted AUTN's AMF; {@link #takeUeCheck} answers once the batch is computed.
     *
     * @param batch  the batch.
     * @param record the record.
     * @param k      K, 16 octets.
     * @param opc    OPc, 16 octets.
     * @param rand   RAND, 16 octets.
     * @param autn   AUTN as received, 16 octets.
     * @return false, with nothing staged, when the ME refuses AUTN: its AMF lacks the separation bit
     *         ({@link AuthenticationResult#NON_5G_AUTHENTICATION_UNACCEPTABLE}).
     */
    public boolean stageUeCheck(
        final MilenageBatch batch, final int record, final byte[] k, final byte[] opc, final byte[] rand, final byte[] autn)
    {
        requireBatch(batch);
        if (!carries5gSeparationBit(autn))
        {
            return false;
        }
        batch.stageRecoverFromAutn(record, k, opc, rand, autn);
        return true;
    }

    /**
     * The USIM's answer to AUTN after {@link #stageUeCheck} staged it and the batch was computed, as
     * {@link #ueCheck} answers.
     *
     * @param batch    the computed batch.
     * @param record   the record.
     * @param k        K, 16 octets (for AUTS after a synch failure).
     * @param opc      OPc, 16 octets.
     * @param rand     RAND, 16 octets.
     * @param autn     AUTN as received, 16 octets.
     * @param sequence the USIM's accepted sequence numbers; an accepted SQN is recorded in it.
     * @param out      receives what {@link #ueCheck} gives.
     * @return the answer; only {@link AuthenticationResult#ACCEPTED} changes {@code sequence}.
     */
    public AuthenticationResult takeUeCheck(
        final MilenageBatch batch, final int record, final byte[] k, final byte[] opc, final byte[] rand, final byte[] autn,
        final SequenceNumbers sequence, final AkaKeys out)
    {
        requireKeys(out);
        requireSequence(sequence);
        requireBatch(batch).outputs(record, out.milenage());
        return answer(k, opc, rand, autn, sequence, out);
    }

    /** The USIM's checks of MAC-A and of SQN's freshness (TS 33.102 6.3.3), MILENAGE's outputs in hand. */
    private AuthenticationResult answer(
        final byte[] k, final byte[] opc, final byte[] rand, final byte[] autn, final SequenceNumbers sequence,
        final AkaKeys out)
    {
        final MilenageOutputs functions = out.milenage();
        if (!macEquals(functions.macA(), autn, Milenage.SQN_LENGTH + Milenage.AMF_LENGTH))
        {
            return AuthenticationResult.MAC_FAILURE;
        }
        final long sqn = SequenceNumbers.sqnOf(functions.sqn());
        if (!sequence.isFresh(sqn))
        {
            SequenceNumbers.writeSqn(sequence.highest(), sqnMs);
            milenage.auts(k, opc, rand, sqnMs, out.auts());
            Octets.zero(sqnMs);
            return AuthenticationResult.SYNCH_FAILURE;
        }
        sequence.accept(sqn);

        System.arraycopy(autn, 0, out.sqnXorAk(), 0, Milenage.SQN_LENGTH);
        System.arraycopy(autn, 0, out.autn(), 0, Milenage.AUTN_LENGTH);
        return AuthenticationResult.ACCEPTED;
    }

    /** The ME's check of AUTN's AMF: 5G needs the separation bit (TS 33.501 6.1.3.2). */
    private static boolean carries5gSeparationBit(final byte[] autn)
    {
        Milenage.requireLength("autn", autn, Milenage.AUTN_LENGTH);
        return (autn[Milenage.SQN_LENGTH] & SEPARATION_BIT) != 0;
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

    private static MilenageBatch requireBatch(final MilenageBatch batch)
    {
        if (batch == null)
        {
            throw InvalidParameterException.missing("batch", "a MilenageBatch");
        }
        return batch;
    }

    private static void requireSequence(final SequenceNumbers sequence)
    {
        if (sequence == null)
        {
            throw InvalidParameterException.missing("sequence", "the USIM's SequenceNumbers");
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
