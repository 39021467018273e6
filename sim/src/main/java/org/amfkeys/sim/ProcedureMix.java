package org.amfkeys.sim;

import org.amfkeys.InvalidParameterException;
import org.amfkeys.kdf.Kdf;
import org.amfkeys.procedures.AccessStratumChain;
import org.amfkeys.procedures.ConcurrencyRule;
import org.amfkeys.procedures.ProcedureOutcome;
import org.amfkeys.procedures.ProcedureNotAllowedException;
import org.amfkeys.types.AccessType;
import org.amfkeys.types.NgKsi;

import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * A random mix of key lifecycle procedures for simulated UEs, as the randomized tests and the load
 * tester run them: each pick is a whole procedure with random but plausible parameters (the UE's next
 * UL NAS COUNT or a little beyond, random cells, random policy decisions and outcomes).
 * <p>
 * {@link #pick} and {@link #run} are for tests of the rules: procedures the UE's state does not allow
 * are picked too, and must be refused without changing any side. {@link #pickFitting} and
 * {@link #runFitting} are for load: only procedures the UE's state allows (CONNECTED or idle, in 5GS
 * or in EPS), each as a network would run it (a re-authentication of a CONNECTED UE ends with the UE
 * Context Modification that takes the new key into AS), so that none is refused.
 */
public final class ProcedureMix
{
    /** The procedures of the mix, with their share of the picks. */
    public enum Procedure
    {
        /** Initial Context Setup after an uplink NAS message. */
        INITIAL_CONTEXT_SETUP("initial-context-setup", 2),
        /** Xn (X2) handover and Path Switch. */
        XN_HANDOVER("xn-handover", 2),
        /** N2 (S1) handover within the serving node. */
        N2_HANDOVER("n2-handover", 1),
        /** N2 handover to the other AMF, with or without a horizontal KAMF derivation. */
        N2_HANDOVER_TO_OTHER_AMF("n2-handover-to-other-amf", 1),
        /** The UE goes idle. */
        RELEASE("release", 1),
        /** NAS SMC with new algorithms. */
        NAS_SMC("nas-smc", 1),
        /** UE Context Modification for AS re-keying. */
        UE_CONTEXT_MODIFICATION("ue-context-modification", 1),
        /** Intra-cell handover with the usual chaining. */
        AS_KEY_REFRESH("as-key-refresh", 1),
        /** Mobility registration update to the other AMF, completing or failing. */
        MOBILITY_REGISTRATION("mobility-registration", 1),
        /** Primary authentication and the NAS SMC that activates its context. */
        REAUTHENTICATION("reauthentication", 1),
        /** 5GS to EPS or back, by handover when CONNECTED, by idle-mode mobility otherwise. */
        INTERWORKING("interworking", 1),
        /** NAS key refresh in idle mode. */
        NAS_KEY_REFRESH("nas-key-refresh", 1);

        private final String token;
        private final int weight;

        Procedure(final String token, final int weight)
        {
            this.token = token;
            this.weight = weight;
        }

        /**
         * @return the procedure's name in reports.
         */
        public String token()
        {
            return token;
        }
    }

    /** Every procedure of the mix: the default scenario's. */
    public static final Set<Procedure> ALL = Collections.unmodifiableSet(EnumSet.allOf(Procedure.class));

    /**
     * The connected-mode and idle-mode mobility of UEs that stay in 5GS: Initial Context Setup and
     * release, Xn and N2 handovers (to the other AMF too), intra-cell key refresh and mobility
     * registrations; no NAS SMC, re-authentication, re-keying or EPS interworking.
     */
    public static final Set<Procedure> MOBILITY = Collections.unmodifiableSet(EnumSet.of(
        Procedure.INITIAL_CONTEXT_SETUP, Procedure.XN_HANDOVER, Procedure.N2_HANDOVER, Procedure.N2_HANDOVER_TO_OTHER_AMF,
        Procedure.RELEASE, Procedure.AS_KEY_REFRESH, Procedure.MOBILITY_REGISTRATION));

    private static final int MAX_NR_PCI = 1007;
    private static final int MAX_EUTRA_PCI = 503;
    private static final int MAX_NR_ARFCN = 3_279_165;
    private static final int MAX_EARFCN = 262_143;

    private final Procedure[] picks;
    private final byte[] newKey = new byte[Kdf.KEY_LENGTH];

    /**
     * Every procedure, each with its weight.
     */
    public ProcedureMix()
    {
        this(ALL);
    }

    /**
     * @param procedures the procedures to pick from, each with its weight: at least one that fits each
     *                   state a UE can be in (IDLE or CONNECTED, in 5GS or EPS).
     * @throws InvalidParameterException naming {@code procedures} when missing, or when a state has no
     *                                   procedure of the set that fits it.
     */
    public ProcedureMix(final Set<Procedure> procedures)
    {
        if (procedures == null)
        {
            throw InvalidParameterException.missing("procedures", "a set of ProcedureMix.Procedure");
        }
        for (final Procedure procedure : procedures)
        {
            if (procedure == null)
            {
                throw InvalidParameterException.missing("procedures", "a set of ProcedureMix.Procedure without null");
            }
        }
        for (final boolean connected : new boolean[] {false, true})
        {
            for (final boolean eps : new boolean[] {false, true})
            {
                if (procedures.stream().noneMatch(procedure -> fits(procedure, connected, eps)))
                {
                    throw new InvalidParameterException("procedures", "none fits a UE " + (connected ? "CONNECTED" : "IDLE") +
                        (eps ? " in EPS" : " in 5GS"), "a set with a procedure for every state");
                }
            }
        }
        int total = 0;
        for (final Procedure procedure : procedures)
        {
            total += procedure.weight;
        }
        picks = new Procedure[total];
        int at = 0;
        for (final Procedure procedure : EnumSet.copyOf(procedures))
        {
            for (int i = 0; i < procedure.weight; i++)
            {
                picks[at++] = procedure;
            }
        }
    }

    /**
     * @param random the source of picks.
     * @return a procedure of the mix.
     */
    public Procedure pick(final SplittableRandom random)
    {
        return picks[random.nextInt(picks.length)];
    }

    /**
     * @param procedure a procedure.
     * @param connected whether the UE is CONNECTED.
     * @param eps       whether it is in EPS.
     * @return whether the UE's state lets the procedure start, as {@link #runFitting} runs it.
     */
    public static boolean fits(final Procedure procedure, final boolean connected, final boolean eps)
    {
        return switch (procedure)
        {
            case INITIAL_CONTEXT_SETUP -> !connected;
            case XN_HANDOVER, N2_HANDOVER, RELEASE, UE_CONTEXT_MODIFICATION, AS_KEY_REFRESH -> connected;
            case N2_HANDOVER_TO_OTHER_AMF -> connected && !eps;
            case MOBILITY_REGISTRATION, NAS_KEY_REFRESH -> !connected && !eps;
            case NAS_SMC, REAUTHENTICATION, INTERWORKING -> true;
        };
    }

    /**
     * @param random the source of picks.
     * @param ue     the UE.
     * @return a procedure of the mix that the UE's state allows, with the shares of the mix among them.
     */
    public Procedure pickFitting(final SplittableRandom random, final SimulatedUe ue)
    {
        final boolean connected = ue.ran() != null;
        final boolean eps = ue.serving().chain() == AccessStratumChain.E_UTRA;
        while (true)
        {
            final Procedure procedure = picks[random.nextInt(picks.length)];
            if (fits(procedure, connected, eps))
            {
                return procedure;
            }
        }
    }

    /**
     * Runs one procedure that {@link #fits} the UE's state as a network would: Initial Context Setup
     * after the UE's next uplink message; a UE Context Modification after the NAS SMC that gives it a
     * fresh UL NAS COUNT; a re-authentication of a CONNECTED UE with the UE Context Modification that
     * takes the new key into AS (in EPS nothing else may start before it).
     *
     * @param procedure the procedure.
     * @param ue        the UE.
     * @param random    picks the parameters.
     * @throws ProcedureNotAllowedException when a rule refuses it anyway; no side changed then.
     */
    public void runFitting(final Procedure procedure, final SimulatedUe ue, final SplittableRandom random)
    {
        final boolean connected = ue.ran() != null;
        switch (procedure)
        {
            case INITIAL_CONTEXT_SETUP -> ue.initialContextSetup(ue.ue().nextUplinkCount() + random.nextInt(3),
                random.nextInt((ue.serving().chain() == AccessStratumChain.E_UTRA ? MAX_EUTRA_PCI : MAX_NR_PCI) + 1),
                random.nextInt((ue.serving().chain() == AccessStratumChain.E_UTRA ? MAX_EARFCN : MAX_NR_ARFCN) + 1));
            case UE_CONTEXT_MODIFICATION ->
            {
                ue.nasSecurityModeCommand(1, 2);
                ue.ueContextModification();
            }
            case REAUTHENTICATION ->
            {
                run(procedure, ue, random);
                if (connected)
                {
                    ue.ueContextModification();
                }
            }
            default -> run(procedure, ue, random);
        }
    }

    /**
     * Runs one overlap on purpose, the kind the concurrency rules are for: a second procedure started
     * while a NAS Security Mode Command is in flight, picked to fit the UE's state.
     * <ul>
     *   <li>5GS, CONNECTED: an N2 handover during the SMC (TS 33.501 6.9.5.1 (1) refuses it);</li>
     *   <li>5GS, idle: a mobility registration to the other AMF during the SMC that activates a new
     *   KAMF (its context transfer waits for the Security Mode Complete, TS 33.501 6.9.5.2 (2), then
     *   runs and completes);</li>
     *   <li>EPS, CONNECTED: a UE Context Modification during the SMC, and EPS, idle: an Initial Context
     *   Setup during the SMC (TS 33.401 7.2.10 (1) refuses both).</li>
     * </ul>
     * The SMC then completes.
     *
     * @param ue     the UE.
     * @param random picks the parameters.
     * @return the rule that refused or deferred the second procedure, or null when it ran.
     */
    public ConcurrencyRule runOverlap(final SimulatedUe ue, final SplittableRandom random)
    {
        final boolean connected = ue.ran() != null;
        final boolean eps = ue.serving().chain() == AccessStratumChain.E_UTRA;
        if (!eps && !connected)
        {
            random.nextBytes(newKey);
            try
            {
                ue.authenticate(newKey, (NgKsi.keySetIdentifier(ue.ue().ngKsi()) + 1) % (NgKsi.MAX_KEY_SET_IDENTIFIER + 1));
            }
            finally
            {
                Arrays.fill(newKey, (byte)0);
            }
        }
        ue.beginNasSecurityModeCommand(AccessType.THREE_GPP, 1, 2);
        ConcurrencyRule rule = null;
        try
        {
            if (!eps && connected)
            {
                ue.n2Handover(random.nextInt(MAX_NR_PCI + 1), random.nextInt(MAX_NR_ARFCN + 1), false, false, -1);
            }
            else if (!eps)
            {
                ue.mobilityRegistration(-1, random.nextBoolean(), true);
                rule = ue.waitingUnder(PhasedProcedure.MOBILITY_REGISTRATION);
            }
            else if (connected)
            {
                ue.ueContextModification();
            }
            else
            {
                ue.initialContextSetup(ue.ue().nextUplinkCount(), random.nextInt(MAX_EUTRA_PCI + 1), random.nextInt(MAX_EARFCN + 1));
            }
        }
        catch (final ProcedureNotAllowedException refused)
        {
            rule = refused.rule();
            if (rule == null)
            {
                throw refused;
            }
        }
        finally
        {
            ue.endNasSecurityModeCommand(ProcedureOutcome.COMPLETE);
        }
        return rule;
    }

    /**
     * Runs one procedure for the UE on every side.
     *
     * @param procedure the procedure.
     * @param ue        the UE.
     * @param random    picks the parameters.
     * @throws ProcedureNotAllowedException when the UE's state does not allow it; no side changed then.
     */
    public void run(final Procedure procedure, final SimulatedUe ue, final SplittableRandom random)
    {
        final boolean eps = ue.serving().chain() == AccessStratumChain.E_UTRA;
        final boolean connected = ue.ran() != null;
        final long ulCount = ue.ue().nextUplinkCount() + random.nextInt(3);
        final int pci = random.nextInt((eps ? MAX_EUTRA_PCI : MAX_NR_PCI) + 1);
        final int arfcn = random.nextInt((eps ? MAX_EARFCN : MAX_NR_ARFCN) + 1);
        switch (procedure)
        {
            case INITIAL_CONTEXT_SETUP ->
                // Now and then after the latest message, which only an unused SMC Complete allows.
                ue.initialContextSetup(
                    random.nextInt(4) == 0 && ue.ue().nextUplinkCount() > 0 ? ue.ue().nextUplinkCount() - 1 : ulCount, pci, arfcn);
            case XN_HANDOVER -> ue.xnHandover(pci, arfcn);
            case N2_HANDOVER -> ue.n2Handover(pci, arfcn, false, false, -1);
            case N2_HANDOVER_TO_OTHER_AMF -> ue.n2Handover(pci, arfcn, true, random.nextBoolean(), -1);
            case RELEASE -> ue.release();
            case NAS_SMC -> ue.nasSecurityModeCommand(random.nextInt(4), 1 + random.nextInt(3));
            case UE_CONTEXT_MODIFICATION -> ue.ueContextModification();
            case AS_KEY_REFRESH -> ue.asKeyRefresh();
            case MOBILITY_REGISTRATION -> ue.mobilityRegistration(ulCount, random.nextBoolean(), random.nextInt(4) != 0);
            case REAUTHENTICATION ->
            {
                random.nextBytes(newKey);
                try
                {
                    ue.authenticate(newKey, (NgKsi.keySetIdentifier(ue.ue().ngKsi()) + 1) % (NgKsi.MAX_KEY_SET_IDENTIFIER + 1));
                }
                finally
                {
                    Arrays.fill(newKey, (byte)0);
                }
                ue.nasSecurityModeCommand(1, 2);
            }
            case INTERWORKING ->
            {
                if (eps && connected)
                {
                    ue.handoverTo5gs(random.nextInt(MAX_NR_PCI + 1), random.nextInt(MAX_NR_ARFCN + 1));
                }
                else if (eps)
                {
                    ue.idleModeTo5gs(ulCount);
                }
                else if (connected)
                {
                    ue.handoverToEps(random.nextInt(MAX_EUTRA_PCI + 1), random.nextInt(MAX_EARFCN + 1));
                }
                else
                {
                    ue.idleModeToEps(ulCount);
                }
            }
            case NAS_KEY_REFRESH -> ue.nasKeyRefresh(ulCount);
            default -> throw new IllegalArgumentException("procedure: " + procedure);
        }
    }
}
