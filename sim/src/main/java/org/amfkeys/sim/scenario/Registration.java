package org.amfkeys.sim.scenario;

import org.amfkeys.context.ContextTable;
import org.amfkeys.context.SecurityContext;
import org.amfkeys.hmac.KeySchedule;
import org.amfkeys.kdf.Kdf;
import org.amfkeys.procedures.AmfProcedures;
import org.amfkeys.procedures.NasSecurityModeCommand;
import org.amfkeys.procedures.ProcedureNotAllowedException;
import org.amfkeys.sim.aka.AkaKeys;
import org.amfkeys.sim.aka.AuthenticationResult;
import org.amfkeys.sim.aka.FiveGAka;
import org.amfkeys.sim.aka.Milenage;
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
 * NAS keys compared with the AMF's. Not thread-safe: one per thread, over that thread's subscribers.
 */
public final class Registration implements AutoCloseable
{
    /** The serving network every simulated UE registers in. */
    public static final ServingNetworkName SERVING_NETWORK = ServingNetworkName.parse("5G:mnc001.mcc001.3gppnetwork.org");

    /** AMF of every authentication vector: the separation bit set, as 5G requires. */
    private static final byte[] AUTHENTICATION_MANAGEMENT_FIELD = {(byte)0x80, 0x00};
    private static final int NEA2 = 2;
    private static final int NIA2 = 2;
    private static final int UE_SECURITY_CAPABILITIES = 0xE0E0_0000;

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
    private final Subscriber subscriber = new Subscriber();
    private final AkaKeys network = new AkaKeys();
    private final AkaKeys ue = new AkaKeys();
    private final MilenageOutputs resynchronisation = new MilenageOutputs();
    private final NasSecurityModeCommand command = new NasSecurityModeCommand();
    private final SecurityContext amfContext = new SecurityContext();
    private final KeySchedule schedule = new KeySchedule();
    private final byte[] k = new byte[Milenage.K_LENGTH];
    private final byte[] opc = new byte[Milenage.OP_LENGTH];
    private final byte[] rand = new byte[Milenage.RAND_LENGTH];
    private final byte[] sqn = new byte[Milenage.SQN_LENGTH];
    private final byte[] key = new byte[Kdf.KEY_LENGTH];
    private final byte[] nasKey = new byte[16];

    /**
     * @param subscribers the subscribers' records.
     * @param table       the AMF's context table.
     * @param milenage    MILENAGE on the AES path to use; closed with this instance.
     */
    public Registration(final Subscribers subscribers, final ContextTable table, final Milenage milenage)
    {
        this.subscribers = subscribers;
        this.table = table;
        this.kdf = new Kdf();
        this.amf = new AmfProcedures(table, kdf);
        this.aka = new FiveGAka(milenage, kdf);
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
        final Subscriber record = subscriber.wrap(subscribers, index);
        final long ueId = index + 1L;
        final Supi supi = supiOf(index);
        record.credentials(k, opc);
        try
        {
            AuthenticationResult answer = authenticate(record, supi, random);
            boolean resynchronised = false;
            if (answer == AuthenticationResult.SYNCH_FAILURE)
            {
                if (!aka.resynchronise(k, opc, rand, ue.auts(), resynchronisation))
                {
                    return Outcome.AUTHENTICATION_FAILED;
                }
                record.homeSqn(SequenceNumbers.sqnOf(resynchronisation.sqn()));
                resynchronised = true;
                answer = authenticate(record, supi, random);
            }
            if (answer != AuthenticationResult.ACCEPTED || !Arrays.equals(ue.resStar(), network.resStar()) ||
                !Arrays.equals(ue.hresStar(), network.hresStar()))
            {
                return Outcome.AUTHENTICATION_FAILED;
            }

            // A registered UE's new native context takes the next ngKSI: the current one stays in use until the SMC.
            final int ngKsi = record.registered() ? (record.ueNgKsi() + 1) % (NgKsi.MAX_KEY_SET_IDENTIFIER + 1) : 0;
            amf.authenticated(ueId, network.kseaf(), supi, Abba.DEFAULT, ngKsi, UE_SECURITY_CAPABILITIES);
            if (!amf.nasSecurityModeCommand(ueId, NEA2, NIA2, command))
            {
                return Outcome.REFUSED;
            }
            final boolean nasKeysAgree = ueNasKeysEqual(ue.kamf(), command);
            if (!amf.nasSecurityModeComplete(ueId, 0))
            {
                return Outcome.REFUSED;
            }
            record.ueNasContext(ue.kamf(), command.ngKsi(), NEA2, NIA2, 1);

            table.read(ueId, amfContext);
            amfContext.copyKamf(key, 0);
            final boolean kamfAgrees = Arrays.equals(key, ue.kamf());
            if (!nasKeysAgree || !kamfAgrees)
            {
                return Outcome.OUT_OF_SYNC;
            }
            return resynchronised ? Outcome.REGISTERED_AFTER_RESYNCHRONISATION : Outcome.REGISTERED;
        }
        catch (final ProcedureNotAllowedException refused)
        {
            return Outcome.REFUSED;
        }
        finally
        {
            wipeCredentials();
            network.wipe();
            ue.wipe();
            command.clear();
            amfContext.clear();
        }
    }

    /**
     * Closes MILENAGE and the KDF.
     */
    @Override
    public void close()
    {
        aka.close();
        kdf.close();
        schedule.clear();
        wipeCredentials();
    }

    /**
     * The UDM/ARPF hands out the next SQN (next SEQ, next IND) and a fresh RAND; the UE answers.
     */
    private AuthenticationResult authenticate(final Subscriber record, final Supi supi, final SplittableRandom random)
    {
        final long last = record.homeSqn();
        final long next = (((last >>> SequenceNumbers.IND_BITS) + 1) << SequenceNumbers.IND_BITS) |
            nextInd((int)(last & (SequenceNumbers.SLOTS - 1)));
        record.homeSqn(next);
        SequenceNumbers.writeSqn(next, sqn);
        random.nextBytes(rand);
        aka.homeNetwork(k, opc, rand, sqn, AUTHENTICATION_MANAGEMENT_FIELD, SERVING_NETWORK, network);
        return aka.ue(k, opc, rand, network.autn(), SERVING_NETWORK, supi, Abba.DEFAULT, record.usim(), ue);
    }

    /** The UDM/ARPF cycles through the IND values, one per vector (TS 33.102 C.3.2). */
    private static int nextInd(final int ind)
    {
        return (ind + 1) & (SequenceNumbers.SLOTS - 1);
    }

    /** The ME derives its NAS keys from its own KAMF and compares them with those protecting the SMC. */
    private boolean ueNasKeysEqual(final byte[] kamf, final NasSecurityModeCommand received)
    {
        kdf.computeSchedule(kamf, schedule);
        kdf.algorithmKey(schedule, AlgorithmTypeDistinguisher.NAS_ENC, received.ciphering(), nasKey, 0);
        final boolean encryption = Arrays.equals(nasKey, received.nasEncryptionKey());
        kdf.algorithmKey(schedule, AlgorithmTypeDistinguisher.NAS_INT, received.integrity(), nasKey, 0);
        final boolean integrity = Arrays.equals(nasKey, received.nasIntegrityKey());
        Arrays.fill(nasKey, (byte)0);
        schedule.clear();
        return encryption && integrity;
    }

    private void wipeCredentials()
    {
        Arrays.fill(k, (byte)0);
        Arrays.fill(opc, (byte)0);
        Arrays.fill(key, (byte)0);
    }

    /**
     * @param index a subscriber.
     * @return its SUPI: IMSI with MCC 001, MNC 01 and the index as MSIN.
     */
    public static Supi supiOf(final int index)
    {
        // By hand rather than String.format: a storm makes millions of them.
        final char[] imsi = "imsi-001010000000000".toCharArray();
        int msin = index;
        for (int at = imsi.length - 1; msin > 0; at--, msin /= 10)
        {
            imsi[at] = (char)('0' + msin % 10);
        }
        return Supi.parse("supi", new String(imsi));
    }
}
