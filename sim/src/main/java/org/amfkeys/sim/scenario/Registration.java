package org.amfkeys.sim.scenario;

import org.agrona.BitUtil;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.amfkeys.InvalidParameterException;
import org.amfkeys.Octets;
import org.amfkeys.context.ContextTable;
import org.amfkeys.engine.RecordsKernel;
import org.amfkeys.hmac.HmacRecords;
import org.amfkeys.hmac.KeySchedule;
import org.amfkeys.kdf.Kdf;
import org.amfkeys.procedures.AmfProcedures;
import org.amfkeys.procedures.NasSecurityModeCommand;
import org.amfkeys.procedures.ProcedureNotAllowedException;
import org.amfkeys.sim.aka.AkaKeys;
import org.amfkeys.sim.aka.AuthenticationResult;
import org.amfkeys.sim.aka.FiveGAka;
import org.amfkeys.sim.aka.Milenage;
import org.amfkeys.sim.aka.MilenageBatch;
import org.amfkeys.sim.aka.MilenageOutputs;
import org.amfkeys.sim.aka.SequenceNumbers;
import org.amfkeys.sim.subscriber.Subscriber;
import org.amfkeys.sim.subscriber.Subscribers;
import org.amfkeys.types.Abba;
import org.amfkeys.types.AlgorithmTypeDistinguisher;
import org.amfkeys.types.NgKsi;
import org.amfkeys.types.ServingNetworkName;
import org.amfkeys.types.Supi;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * One thread's initial registrations, every side computed: the home network's 5G AKA vector, the UE's
 * answer (with resynchronisation when its USIM finds SQN stale), the AUSF's and the SEAF's checks,
 * KAMF at the AMF from KSEAF, the NAS Security Mode Command and Complete, and the UE's own KAMF and
 * NAS keys compared with the AMF's.
 * <p>
 * Registrations run in batches of up to {@link #batchCapacity()} UEs, in stages: the home networks'
 * MILENAGE, then the USIMs' (each one {@link MilenageBatch} call, a USIM that finds SQN stale
 * resynchronising alone); the key derivations of both sides, which depend on each other (RES* and
 * KAUSF, then KSEAF, then the SEAF's and the ME's KAMF, then the ME's NAS keys), each one call of a
 * {@link RecordsKernel} for the whole batch; and the AMF's steps UE by UE. With a capacity of one, every
 * function and derivation is computed at once instead, one UE after another, with no records. Not
 * thread-safe: one per thread, over that thread's subscribers.
 */
public final class Registration implements AutoCloseable
{
    /** The serving network every simulated UE registers in. */
    public static final ServingNetworkName SERVING_NETWORK = ServingNetworkName.parse("5G:mnc001.mcc001.3gppnetwork.org");

    /** Most registrations of one batch. */
    public static final int MAX_BATCH = 256;

    /** AMF of every authentication vector: the separation bit set, as 5G requires. */
    private static final byte[] AUTHENTICATION_MANAGEMENT_FIELD = {(byte)0x80, 0x00};
    private static final int NEA2 = 2;
    private static final int NIA2 = 2;
    private static final int UE_SECURITY_CAPABILITIES = 0xE0E0_0000;
    /** The largest stage: RES* and KAUSF of both sides. */
    private static final int RECORDS_PER_UE = 4;

    /** How one registration ended. */
    public enum Outcome
    {
        /** Registered, and the UE's KAMF and NAS keys equal the AMF's. */
        REGISTERED,
        /** Registered after the USIM's synch failure and the home network's resynchronisation. */
        REGISTERED_AFTER_RESYNCHRONISATION,
        /** Registered, but the UE's keys differ from the AMF's. */
        OUT_OF_SYNC,
        /** Authentication failed: the UE refused AUTN, or the AUSF or SEAF refused RES*. */
        AUTHENTICATION_FAILED,
        /** The AMF refused a step: a concurrency rule, or the UE unknown to it. */
        REFUSED
    }

    private final Subscribers subscribers;
    private final AmfProcedures amf;
    private final ContextTable table;
    private final Kdf kdf;
    private final FiveGAka aka;
    private final RecordsKernel kernel;
    private final HmacRecords records;
    private final Subscriber subscriber = new Subscriber();
    private final MilenageOutputs resynchronisation = new MilenageOutputs();
    private final AkaKeys[] network;
    private final AkaKeys[] ue;
    private final NasSecurityModeCommand[] commands;
    private final Supi[] supis;
    private final byte[][] rands;
    private final byte[][] resynchronisationRands;
    private final byte[][] ks;
    private final byte[][] opcs;
    private final MilenageBatch milenageBatch;
    private final boolean[] resynchronised;
    private final int[] nasKeyRecords;
    private final boolean direct;
    private final KeySchedule schedule = new KeySchedule();
    private final long[] ueIds;
    private final UnsafeBuffer subscriberLines;
    private long authenticatedAt;
    private final Outcome[] single = new Outcome[1];
    private final byte[] k = new byte[Milenage.K_LENGTH];
    private final byte[] opc = new byte[Milenage.OP_LENGTH];
    private final byte[] sqn = new byte[Milenage.SQN_LENGTH];
    private final byte[] key = new byte[Kdf.KEY_LENGTH];

    /**
     * Registers one UE at a time, every derivation computed at once on the fastest single-derivation
     * engine.
     *
     * @param subscribers the subscribers' records.
     * @param table       the AMF's context table.
     * @param milenage    MILENAGE on the AES path to use; closed with this instance.
     */
    public Registration(final Subscribers subscribers, final ContextTable table, final Milenage milenage)
    {
        this(subscribers, table, milenage, 1, false);
    }

    /**
     * @param subscribers the subscribers' records.
     * @param table       the AMF's context table.
     * @param milenage    MILENAGE on the AES path to use; closed with this instance.
     * @param batch       most registrations of one batch, 1..{@value #MAX_BATCH}; 1 computes every
     *                    derivation at once, with no batch records.
     * @param nativeBatch whether the batch stages use the native batch kernel when it is usable here
     *                    (false: the fastest single-derivation engine, one record after another).
     * @throws InvalidParameterException naming {@code batch} when out of range.
     */
    public Registration(
        final Subscribers subscribers, final ContextTable table, final Milenage milenage, final int batch,
        final boolean nativeBatch)
    {
        InvalidParameterException.requireInRange("batch", batch, 1, MAX_BATCH);
        this.subscribers = subscribers;
        this.table = table;
        this.kdf = new Kdf();
        this.amf = new AmfProcedures(table, kdf);
        this.aka = new FiveGAka(milenage, kdf);
        this.kernel = RecordsKernel.open(nativeBatch);
        this.direct = batch == 1;
        this.records = new HmacRecords(batch * RECORDS_PER_UE);
        this.network = new AkaKeys[batch];
        this.ue = new AkaKeys[batch];
        this.commands = new NasSecurityModeCommand[batch];
        this.supis = new Supi[batch];
        this.rands = new byte[batch][Milenage.RAND_LENGTH];
        this.resynchronisationRands = new byte[batch][Milenage.RAND_LENGTH];
        this.ks = new byte[batch][Milenage.K_LENGTH];
        this.opcs = new byte[batch][Milenage.OP_LENGTH];
        this.milenageBatch = direct ? null : new MilenageBatch(milenage, batch);
        this.resynchronised = new boolean[batch];
        this.nasKeyRecords = new int[batch];
        this.ueIds = new long[batch];
        this.subscriberLines = new UnsafeBuffer(BufferUtil.allocateDirectAligned(
            Long.BYTES * Subscribers.linesFor(batch), BitUtil.CACHE_LINE_LENGTH));
        for (int lane = 0; lane < batch; lane++)
        {
            network[lane] = new AkaKeys();
            ue[lane] = new AkaKeys();
            commands[lane] = new NasSecurityModeCommand();
        }
    }

    /**
     * @return most registrations of one batch.
     */
    public int batchCapacity()
    {
        return network.length;
    }

    /**
     * @return when the last batch's authentication ended ({@link System#nanoTime()}): both sides held
     *         KSEAF, the home network's checks of RES* and HRES* done; its NAS Security Mode Command
     *         started then.
     */
    public long authenticatedAt()
    {
        return authenticatedAt;
    }

    /**
     * @return the kernel of the batch stages, e.g. {@code native-batch/avx512}.
     */
    public String kernelName()
    {
        return kernel.name();
    }

    /**
     * Provisions one subscriber: random K and OPc; a USIM that, with probability {@code ahead}, already
     * accepted a higher SEQ than the home network will hand out (a card moved from another home
     * network's records), so its first registration takes the resynchronisation path.
     *
     * @param index  the subscriber.
     * @param random draws the credentials.
     * @param ahead  probability of a USIM ahead of its home network, 0..1.
     */
    public void provision(final int index, final SplittableRandom random, final double ahead)
    {
        final Subscriber record = subscriber.wrap(subscribers, index);
        random.nextBytes(k);
        random.nextBytes(opc);
        record.provision(k, opc);
        final long firstSeq = 1 + random.nextInt(1 << 20);
        final int ind = random.nextInt(SequenceNumbers.SLOTS);
        record.homeSqn((firstSeq << SequenceNumbers.IND_BITS) | ind);
        if (random.nextDouble() < ahead)
        {
            // In the IND slot the home network uses next, so that its next SQN is stale there.
            record.usim().accept(((firstSeq + 1 + random.nextInt(1 << 10)) << SequenceNumbers.IND_BITS) |
                nextInd(ind));
        }
        wipeCredentials();
    }

    /**
     * Registers one subscriber, every side.
     *
     * @param index  the subscriber; its UE identifier in the AMF's table is {@code index + 1}.
     * @param random draws RAND.
     * @return how it ended.
     */
    public Outcome register(final int index, final SplittableRandom random)
    {
        register(index, 1, random, single);
        return single[0];
    }

    /**
     * Registers subscribers {@code first .. first + count - 1} together, every side; each ends as it would
     * alone.
     *
     * @param first    the first subscriber; subscriber {@code i}'s UE identifier in the AMF's table is {@code i + 1}.
     * @param count    how many, 1..{@link #batchCapacity()}.
     * @param random   draws the RANDs, subscriber after subscriber.
     * @param outcomes receives how each ended, from index 0.
     * @throws InvalidParameterException naming {@code count} when out of range, or {@code outcomes} when
     *                                   shorter than {@code count}.
     */
    public void register(final int first, final int count, final SplittableRandom random, final Outcome[] outcomes)
    {
        InvalidParameterException.requireInRange("count", count, 1, network.length);
        if (outcomes == null || outcomes.length < count)
        {
            throw new InvalidParameterException("outcomes", outcomes == null ? "missing" : outcomes.length + " entries",
                "at least count (" + count + ") entries");
        }
        try
        {
            if (!direct)
            {
                // The records are read subscriber after subscriber; the AMF claims these UEs after MILENAGE and the key
                // derivations. Asked for together, their misses overlap with each other and with that work.
                subscribers.prefetch(first, count, subscriberLines);
                fillUeIds(first, count);
                table.prefetchHomes(ueIds, count);
            }
            for (int lane = 0; lane < count; lane++)
            {
                supis[lane] = supiOf(first + lane);
                // Both RANDs drawn up front, the second for a resynchronisation: a batch draws as one at a time does.
                random.nextBytes(rands[lane]);
                random.nextBytes(resynchronisationRands[lane]);
            }
            if (direct)
            {
                outcomes[0] = authenticate(first, 0);
                deriveAuthenticationKeysAtOnce(outcomes);
            }
            else
            {
                authenticate(first, count, outcomes);
                deriveAuthenticationKeys(count, outcomes);
            }
            authenticatedAt = System.nanoTime();
            if (direct)
            {
                deriveKamfAtOnce(outcomes);
            }
            else
            {
                prefetchContexts(first, count);
                deriveKamf(count, outcomes);
            }
            for (int lane = 0; lane < count; lane++)
            {
                if (outcomes[lane] == null)
                {
                    outcomes[lane] = securityModeCommand(first + lane, lane);
                }
            }
            if (!direct)
            {
                deriveUeNasKeys(count, outcomes);
            }
            for (int lane = 0; lane < count; lane++)
            {
                if (outcomes[lane] == null)
                {
                    outcomes[lane] = securityModeComplete(first + lane, lane);
                }
            }
        }
        finally
        {
            for (int lane = 0; lane < count; lane++)
            {
                network[lane].wipe();
                ue[lane].wipe();
                commands[lane].clear();
                supis[lane] = null;
            }
            if (!direct)
            {
                records.clear(count * RECORDS_PER_UE);
                milenageBatch.clear(count);
            }
            kdf.wipe();
        }
    }

    /**
     * Closes MILENAGE, the KDF and the kernel.
     */
    @Override
    public void close()
    {
        try
        {
            aka.close();
            kdf.close();
        }
        finally
        {
            kernel.close();
            records.close();
            if (milenageBatch != null)
            {
                milenageBatch.close();
            }
            schedule.clear();
            wipeCredentials();
        }
    }

    /**
     * MILENAGE on both sides, one subscriber: the home network's vector and the USIM's answer, with the
     * resynchronisation when the USIM asks for it.
     *
     * @return null when both sides go on to their keys, else how the registration ended.
     */
    private Outcome authenticate(final int index, final int lane)
    {
        final Subscriber record = subscriber.wrap(subscribers, index);
        record.credentials(k, opc);
        try
        {
            resynchronised[lane] = false;
            aka.homeNetworkVector(k, opc, rands[lane], nextSqn(record), AUTHENTICATION_MANAGEMENT_FIELD, network[lane]);
            final AuthenticationResult answer = aka.ueCheck(k, opc, rands[lane], network[lane].autn(), record.usim(), ue[lane]);
            return answered(record, lane, answer);
        }
        finally
        {
            wipeCredentials();
        }
    }

    /**
     * MILENAGE on both sides, a batch of subscribers: every home network's vector in one MILENAGE batch,
     * then every USIM's check of its AUTN in another; a USIM that finds SQN stale resynchronises alone.
     */
    private void authenticate(final int first, final int count, final Outcome[] outcomes)
    {
        try
        {
            for (int lane = 0; lane < count; lane++)
            {
                final Subscriber record = subscriber.wrap(subscribers, first + lane);
                record.credentials(ks[lane], opcs[lane]);
                resynchronised[lane] = false;
                aka.stageHomeNetworkVector(
                    milenageBatch, lane, ks[lane], opcs[lane], rands[lane], nextSqn(record), AUTHENTICATION_MANAGEMENT_FIELD);
            }
            milenageBatch.compute(count);
            for (int lane = 0; lane < count; lane++)
            {
                aka.takeHomeNetworkVector(milenageBatch, lane, network[lane]);
                final boolean staged = aka.stageUeCheck(milenageBatch, lane, ks[lane], opcs[lane], rands[lane], network[lane].autn());
                outcomes[lane] = staged ? null : Outcome.AUTHENTICATION_FAILED;
            }
            milenageBatch.compute(count);
            for (int lane = 0; lane < count; lane++)
            {
                if (outcomes[lane] == null)
                {
                    final Subscriber record = subscriber.wrap(subscribers, first + lane);
                    System.arraycopy(ks[lane], 0, k, 0, Milenage.K_LENGTH);
                    System.arraycopy(opcs[lane], 0, opc, 0, Milenage.OP_LENGTH);
                    final AuthenticationResult answer = aka.takeUeCheck(
                        milenageBatch, lane, k, opc, rands[lane], network[lane].autn(), record.usim(), ue[lane]);
                    outcomes[lane] = answered(record, lane, answer);
                }
            }
        }
        finally
        {
            for (int lane = 0; lane < count; lane++)
            {
                Octets.zero(ks[lane]);
                Octets.zero(opcs[lane]);
            }
            wipeCredentials();
        }
    }

    /**
     * After the USIM's first answer (the caller holds the subscriber's K and OPc): on a synch failure the
     * home network checks AUTS, continues from SQN_MS and both sides run MILENAGE again with the second
     * RAND, which becomes the registration's RAND.
     *
     * @return null when both sides go on to their keys, else how the registration ended.
     */
    private Outcome answered(final Subscriber record, final int lane, final AuthenticationResult firstAnswer)
    {
        AuthenticationResult answer = firstAnswer;
        if (answer == AuthenticationResult.SYNCH_FAILURE)
        {
            try
            {
                if (!aka.resynchronise(k, opc, rands[lane], ue[lane].auts(), resynchronisation))
                {
                    return Outcome.AUTHENTICATION_FAILED;
                }
                record.homeSqn(SequenceNumbers.sqnOf(resynchronisation.sqn()));
            }
            finally
            {
                resynchronisation.wipe();
            }
            resynchronised[lane] = true;
            System.arraycopy(resynchronisationRands[lane], 0, rands[lane], 0, Milenage.RAND_LENGTH);
            aka.homeNetworkVector(k, opc, rands[lane], nextSqn(record), AUTHENTICATION_MANAGEMENT_FIELD, network[lane]);
            answer = aka.ueCheck(k, opc, rands[lane], network[lane].autn(), record.usim(), ue[lane]);
        }
        return answer == AuthenticationResult.ACCEPTED ? null : Outcome.AUTHENTICATION_FAILED;
    }

    /**
     * The UDM/ARPF hands out the next SQN: next SEQ, next IND.
     *
     * @return SQN, in the scratch that holds it until the next call.
     */
    private byte[] nextSqn(final Subscriber record)
    {
        final long last = record.homeSqn();
        final long next = (((last >>> SequenceNumbers.IND_BITS) + 1) << SequenceNumbers.IND_BITS) |
            nextInd((int)(last & (SequenceNumbers.SLOTS - 1)));
        record.homeSqn(next);
        SequenceNumbers.writeSqn(next, sqn);
        return sqn;
    }

    /**
     * XRES* and KAUSF at the home network, RES* and KAUSF at the ME, then KSEAF on both sides: two
     * stages. A UE whose RES* or HRES* differs from the home network's fails its authentication.
     */
    private void deriveAuthenticationKeys(final int count, final Outcome[] outcomes)
    {
        int record = 0;
        for (int lane = 0; lane < count; lane++)
        {
            if (outcomes[lane] == null)
            {
                aka.stageResStarAndKausf(network[lane], SERVING_NETWORK, rands[lane], records, record);
                aka.stageResStarAndKausf(ue[lane], SERVING_NETWORK, rands[lane], records, record + 2);
                record += 4;
            }
        }
        kernel.compute(records, record);
        record = 0;
        for (int lane = 0; lane < count; lane++)
        {
            if (outcomes[lane] == null)
            {
                aka.takeResStarAndKausf(records, record, rands[lane], network[lane]);
                aka.takeResStarAndKausf(records, record + 2, rands[lane], ue[lane]);
                record += 4;
                outcomes[lane] = resStarChecked(lane);
            }
        }

        record = 0;
        for (int lane = 0; lane < count; lane++)
        {
            if (outcomes[lane] == null)
            {
                aka.stageKseaf(network[lane], SERVING_NETWORK, records, record++);
                aka.stageKseaf(ue[lane], SERVING_NETWORK, records, record++);
            }
        }
        kernel.compute(records, record);
        record = 0;
        for (int lane = 0; lane < count; lane++)
        {
            if (outcomes[lane] == null)
            {
                records.mac(record++, network[lane].kseaf(), 0);
                records.mac(record++, ue[lane].kseaf(), 0);
            }
        }
    }

    /**
     * The AMF's steps claim the batch's slots one after another: their misses overlap here instead, those
     * {@link ContextTable#prefetchHomes} did not already bring in.
     */
    private void prefetchContexts(final int first, final int count)
    {
        fillUeIds(first, count);
        table.prefetch(ueIds, count);
    }

    private void fillUeIds(final int first, final int count)
    {
        for (int lane = 0; lane < count; lane++)
        {
            ueIds[lane] = first + lane + 1L;
        }
    }

    /**
     * The AUSF compares the UE's RES* with XRES*, the SEAF its HRES* with HXRES*.
     *
     * @return null when both agree (the registration goes on), else a failed authentication.
     */
    private Outcome resStarChecked(final int lane)
    {
        return Arrays.equals(ue[lane].resStar(), network[lane].resStar()) &&
            Arrays.equals(ue[lane].hresStar(), network[lane].hresStar()) ? null : Outcome.AUTHENTICATION_FAILED;
    }

    /** As {@link #deriveAuthenticationKeys}, for a batch of one, each derivation computed at once. */
    private void deriveAuthenticationKeysAtOnce(final Outcome[] outcomes)
    {
        if (outcomes[0] == null)
        {
            aka.deriveKeys(network[0], SERVING_NETWORK, rands[0]);
            aka.deriveKeys(ue[0], SERVING_NETWORK, rands[0]);
            outcomes[0] = resStarChecked(0);
        }
    }

    /**
     * The AMF's KAMF from the AUSF's KSEAF and its NAS Security Mode Command.
     *
     * @return null when the AMF sent the command, else how the registration ended.
     */
    private Outcome securityModeCommand(final int index, final int lane)
    {
        final Subscriber record = subscriber.wrap(subscribers, index);
        final long ueId = index + 1L;
        try
        {
            // A registered UE's new native context takes the next ngKSI: the current one stays in use until the SMC.
            final int ngKsi = record.registered() ? (record.ueNgKsi() + 1) % (NgKsi.MAX_KEY_SET_IDENTIFIER + 1) : 0;
            amf.authenticated(ueId, network[lane].kamf(), ngKsi, UE_SECURITY_CAPABILITIES);
            return amf.nasSecurityModeCommand(ueId, NEA2, NIA2, commands[lane]) ? null : Outcome.REFUSED;
        }
        catch (final ProcedureNotAllowedException refused)
        {
            return Outcome.REFUSED;
        }
    }

    /**
     * KAMF of the SEAF, which hands it to the AMF, and of the ME, each from its own KSEAF: one stage.
     */
    private void deriveKamf(final int count, final Outcome[] outcomes)
    {
        int record = 0;
        for (int lane = 0; lane < count; lane++)
        {
            if (outcomes[lane] == null)
            {
                aka.stageKamf(network[lane], supis[lane], Abba.DEFAULT, records, record++);
                aka.stageKamf(ue[lane], supis[lane], Abba.DEFAULT, records, record++);
            }
        }
        kernel.compute(records, record);
        record = 0;
        for (int lane = 0; lane < count; lane++)
        {
            if (outcomes[lane] == null)
            {
                records.mac(record++, network[lane].kamf(), 0);
                records.mac(record++, ue[lane].kamf(), 0);
            }
        }
    }

    /** As {@link #deriveKamf}, for a batch of one, each derivation computed at once. */
    private void deriveKamfAtOnce(final Outcome[] outcomes)
    {
        if (outcomes[0] == null)
        {
            aka.kamf(network[0], supis[0], Abba.DEFAULT);
            aka.kamf(ue[0], supis[0], Abba.DEFAULT);
        }
    }

    /**
     * The ME's NAS keys from its KAMF for the algorithms the command names: one stage.
     */
    private void deriveUeNasKeys(final int count, final Outcome[] outcomes)
    {
        int record = 0;
        for (int lane = 0; lane < count; lane++)
        {
            if (outcomes[lane] == null)
            {
                final NasSecurityModeCommand received = commands[lane];
                nasKeyRecords[lane] = record;
                kdf.stageAlgorithmKey(ue[lane].kamf(), AlgorithmTypeDistinguisher.NAS_ENC, received.ciphering(), records, record++);
                kdf.stageAlgorithmKey(ue[lane].kamf(), AlgorithmTypeDistinguisher.NAS_INT, received.integrity(), records, record++);
            }
        }
        kernel.compute(records, record);
    }

    /**
     * The ME compares its NAS keys (in the last stage's records) with those protecting the command and
     * completes it; the AMF makes the context current; the ME's KAMF is compared with the AMF's.
     */
    private Outcome securityModeComplete(final int index, final int lane)
    {
        final NasSecurityModeCommand received = commands[lane];
        final boolean nasKeysAgree = direct ? ueNasKeysEqualAtOnce(lane, received) : ueNasKeysEqualStaged(lane, received);
        final long ueId = index + 1L;
        try
        {
            if (!amf.nasSecurityModeComplete(ueId, 0))
            {
                return Outcome.REFUSED;
            }
            subscriber.wrap(subscribers, index).ueNasContext(ue[lane].kamf(), received.ngKsi(), NEA2, NIA2, 1);
            if (!table.readKamf(ueId, key, 0) || !nasKeysAgree || !Arrays.equals(key, ue[lane].kamf()))
            {
                return Outcome.OUT_OF_SYNC;
            }
            return resynchronised[lane] ? Outcome.REGISTERED_AFTER_RESYNCHRONISATION : Outcome.REGISTERED;
        }
        catch (final ProcedureNotAllowedException refused)
        {
            return Outcome.REFUSED;
        }
        finally
        {
            Octets.zero(key);
        }
    }

    /** The UDM/ARPF cycles through the IND values, one per vector (TS 33.102 C.3.2). */
    private static int nextInd(final int ind)
    {
        return (ind + 1) & (SequenceNumbers.SLOTS - 1);
    }

    /** The ME's NAS keys, in the last stage's records, against those protecting the command. */
    private boolean ueNasKeysEqualStaged(final int lane, final NasSecurityModeCommand received)
    {
        final int record = nasKeyRecords[lane];
        records.mac(record, key, 0);
        final boolean encryption = lowHalfEquals(key, received.nasEncryptionKey());
        records.mac(record + 1, key, 0);
        final boolean integrity = lowHalfEquals(key, received.nasIntegrityKey());
        Octets.zero(key);
        return encryption && integrity;
    }

    /** The ME's NAS keys computed at once, against those protecting the command. */
    private boolean ueNasKeysEqualAtOnce(final int lane, final NasSecurityModeCommand received)
    {
        kdf.computeSchedule(ue[lane].kamf(), schedule);
        try
        {
            kdf.algorithmKey(schedule, AlgorithmTypeDistinguisher.NAS_ENC, received.ciphering(), key, 0);
            final boolean encryption = Arrays.equals(key, 0, Kdf.LOW_128_LENGTH, received.nasEncryptionKey(), 0, Kdf.LOW_128_LENGTH);
            kdf.algorithmKey(schedule, AlgorithmTypeDistinguisher.NAS_INT, received.integrity(), key, 0);
            final boolean integrity = Arrays.equals(key, 0, Kdf.LOW_128_LENGTH, received.nasIntegrityKey(), 0, Kdf.LOW_128_LENGTH);
            return encryption && integrity;
        }
        finally
        {
            Octets.zero(key);
            schedule.clear();
        }
    }

    /** The algorithm key is the MAC's last 128 bits. */
    private static boolean lowHalfEquals(final byte[] mac, final byte[] algorithmKey)
    {
        return Arrays.equals(mac, Kdf.LOW_128_MAC_OFFSET, Kdf.KEY_LENGTH, algorithmKey, 0, Kdf.LOW_128_LENGTH);
    }

    private void wipeCredentials()
    {
        Octets.zero(k);
        Octets.zero(opc);
        Octets.zero(key);
    }

    /**
     * @param index a subscriber.
     * @return its SUPI: IMSI with MCC 001, MNC 01 and the index as MSIN.
     */
    public static Supi supiOf(final int index)
    {
        // From digits rather than text: a storm makes millions of them.
        final byte[] imsi = {'0', '0', '1', '0', '1', '0', '0', '0', '0', '0', '0', '0', '0', '0', '0'};
        int msin = index;
        for (int at = imsi.length - 1; msin > 0; at--, msin /= 10)
        {
            imsi[at] = (byte)('0' + msin % 10);
        }
        return Supi.imsi("supi", imsi, 0, imsi.length);
    }
}
