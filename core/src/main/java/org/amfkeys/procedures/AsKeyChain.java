package org.amfkeys.procedures;

import org.amfkeys.Octets;
import org.amfkeys.context.SecurityContext;
import org.amfkeys.hmac.KeySchedule;
import org.amfkeys.kdf.Kdf;

import static org.amfkeys.context.SecurityContext.FLAG_AS_ACTIVE;
import static org.amfkeys.context.SecurityContext.FLAG_KGNB_AT_NCC_0;
import static org.amfkeys.context.SecurityContext.FLAG_NEW_KEY_NOT_YET_IN_AS;
import static org.amfkeys.context.SecurityContext.FLAG_OLD_KEY_FOR_AS;
import static org.amfkeys.context.SecurityContext.FLAG_SMC_COUNT_UNUSED;
import static org.amfkeys.procedures.ConcurrencyRules.requireAsActive;
import static org.amfkeys.procedures.ProcedureStateDescriptor.PROCEDURE_HANDOVER;
import static org.amfkeys.procedures.ProcedureStateDescriptor.PROCEDURE_HANDOVER_NEW_KEY;
import static org.amfkeys.procedures.ProcedureStateDescriptor.PROCEDURE_INTER_NODE_HANDOVER;
import static org.amfkeys.procedures.ProcedureStateDescriptor.PROCEDURE_N2_WITH_KEY;
import static org.amfkeys.procedures.ProcedureStateDescriptor.PROCEDURE_UE_CONTEXT_MODIFICATION;

/**
 * One UE's AS key chain as its context keeps it: the initial KgNB (KeNB) bound to NCC 0, the NH of
 * each later NCC, the {NH, NCC} step of every handover kind, the new KgNB with the NSCI that takes a
 * new KAMF (KASME) into the AS, and the release that forgets it all (TS 33.501 6.9.2; TS 33.401
 * 7.2.8). The derivations themselves are the {@link AccessStratumChain}'s, chosen once for the node's
 * system. Scratch keys are this instance's and zeroed by {@link #wipe()} after every step.
 */
final class AsKeyChain
{
    private static final byte[] ZERO_KEY = new byte[Kdf.KEY_LENGTH];

    private final AccessStratumChain chain;
    private final Kdf kdf;
    private final ConcurrencyRules rules;
    private final byte[] key = new byte[Kdf.KEY_LENGTH];
    private final byte[] nextKey = new byte[Kdf.KEY_LENGTH];
    private final KeySchedule derivedSchedule = new KeySchedule();
    /** Whether a step took the scratch keys since the last {@link #wipe}, which otherwise zeroes nothing. */
    private boolean scratchUsed;

    /**
     * @param chain the derivations of the node's system.
     * @param kdf   derives the keys.
     * @param rules the node's concurrency rules.
     */
    AsKeyChain(final AccessStratumChain chain, final Kdf kdf, final ConcurrencyRules rules)
    {
        this.chain = chain;
        this.kdf = kdf;
        this.rules = rules;
    }

    /**
     * A handover from this node ended (completed or failed): its bits are cleared.
     */
    static void endHandover(final SecurityContext context)
    {
        endN2Procedure(context, PROCEDURE_HANDOVER | PROCEDURE_HANDOVER_NEW_KEY | PROCEDURE_INTER_NODE_HANDOVER);
    }

    /**
     * Clears an N2 procedure's bits; "an N2 procedure with a new key is in flight" stays while another is.
     */
    static void endN2Procedure(final SecurityContext context, final int bits)
    {
        final int state = context.procedureState() & ~bits;
        final boolean another = (state & (PROCEDURE_HANDOVER | PROCEDURE_INTER_NODE_HANDOVER |
            PROCEDURE_UE_CONTEXT_MODIFICATION)) != 0;
        context.procedureState(another ? state | PROCEDURE_N2_WITH_KEY : state & ~PROCEDURE_N2_WITH_KEY);
    }

    /**
     * The {NH, NCC} step of a handover, shared by every handover kind. A new KgNB for the NSCI is never
     * sent while a NAS SMC is in flight (TS 33.501 6.9.5.1 (1)); unless {@code commitNewKey}, it is
     * derived for the target only, and the handover's completion takes it into use.
     */
    void handoverKey(
        final SecurityContext context, final String procedure, final boolean commitNewKey, final NextHopPair pair)
    {
        requireAsActive(context, procedure);
        if (stepsNextHop(context))
        {
            nextHopTaken(context, context.advanceNextHop(kdf), pair);
        }
        else if ((context.contextFlags() & FLAG_OLD_KEY_FOR_AS) != 0)
        {
            context.copyNonCurrentKamf(key(), 0);
            kdf.computeSchedule(key(), derivedSchedule());
            context.copyNextHop(nextKey(), 0);
            chain.nextHop(kdf, derivedSchedule(), nextKey(), key());
            final int ncc = (context.ncc() + 1) & SecurityContext.MAX_NCC;
            context.nextHop(key(), ncc);
            nextHopTaken(context, ncc, pair);
        }
        else
        {
            rules.refuseDuringSmc(context, procedure);
            if (commitNewKey)
            {
                startChain(context, context.smcCompleteUplinkCount(), true, pair);
                context.contextFlags(context.contextFlags() & ~FLAG_SMC_COUNT_UNUSED);
            }
            else
            {
                offerInitialKey(context, context.smcCompleteUplinkCount(), pair);
                context.procedureState(context.procedureState() | PROCEDURE_HANDOVER_NEW_KEY);
            }
        }
    }

    /**
     * @return whether a handover's {NH, NCC} step is the plain one: the chain's next NH of the current
     *         KAMF, one derivation, with no key change pending ({@link #handoverKey}'s last case).
     */
    boolean stepsNextHop(final SecurityContext context)
    {
        final int flags = context.contextFlags();
        if ((flags & FLAG_OLD_KEY_FOR_AS) != 0 && rules.enforces(ConcurrencyRule.TS_33_401_7_2_10_3))
        {
            return false;
        }
        return (flags & (FLAG_NEW_KEY_NOT_YET_IN_AS | FLAG_OLD_KEY_FOR_AS)) != FLAG_NEW_KEY_NOT_YET_IN_AS;
    }

    /**
     * The context's chain stepped to the NH of {@code ncc}: the pair sent is {NH, NCC}, and the AS no
     * longer holds the key of NCC 0.
     */
    static void nextHopTaken(final SecurityContext context, final int ncc, final NextHopPair pair)
    {
        context.copyNextHop(pair.key(), 0);
        pair.set(ncc, false);
        context.contextFlags(context.contextFlags() & ~FLAG_KGNB_AT_NCC_0);
    }

    /**
     * Marks an inter-node handover from this node as in flight, until the handover fails or the move's
     * completion deletes the context.
     */
    static void interNodeHandoverStarted(final SecurityContext context)
    {
        context.procedureState(context.procedureState() | PROCEDURE_INTER_NODE_HANDOVER | PROCEDURE_N2_WITH_KEY);
    }

    /**
     * A UE Context Modification ended (completed or failed): its bits are cleared.
     */
    static void endUeContextModification(final SecurityContext context)
    {
        endN2Procedure(context, PROCEDURE_UE_CONTEXT_MODIFICATION);
    }

    /**
     * Starts the NH chain from a new initial KgNB (KeNB) of the UL NAS COUNT {@code ulCount}: NCC 0 for
     * the key, and NH of NCC 1 kept in the context. The pair sent is {KgNB, NCC 0}.
     */
    void startChain(
        final SecurityContext context, final long ulCount, final boolean newSecurityContext, final NextHopPair pair)
    {
        chain.initialKey(kdf, context.kamfSchedule(), ulCount, key());
        commitChain(context);
        pair.set(key(), 0, newSecurityContext);
    }

    /**
     * A new initial KgNB (KeNB) with the NSCI for the AS to take into use later, when the procedure
     * that carries it completes ({@link #restartChain}); the context's chain is left as it is until then.
     */
    void offerInitialKey(final SecurityContext context, final long ulCount, final NextHopPair pair)
    {
        chain.initialKey(kdf, context.kamfSchedule(), ulCount, key());
        pair.set(key(), 0, true);
    }

    /**
     * The AS took the initial key of {@code ulCount} into use: the chain restarts from it, NH of NCC 1.
     */
    void restartChain(final SecurityContext context, final long ulCount)
    {
        chain.initialKey(kdf, context.kamfSchedule(), ulCount, key());
        commitChain(context);
    }

    /**
     * Restarts the context's NH chain from the initial key in {@link #key}: NH of NCC 1.
     */
    private void commitChain(final SecurityContext context)
    {
        chain.nextHop(kdf, context.kamfSchedule(), key(), nextKey());
        chainRestarted(context, nextKey());
    }

    /**
     * The context's chain restarted from a new initial key: {@code nextHop} is NH of NCC 1, derived from it.
     */
    static void chainRestarted(final SecurityContext context, final byte[] nextHop)
    {
        context.nextHop(nextHop, 1);
        dropOldKeyForAs(context);
        context.contextFlags((context.contextFlags() | FLAG_KGNB_AT_NCC_0) & ~FLAG_NEW_KEY_NOT_YET_IN_AS);
    }

    /**
     * The AS context is gone: NH, NCC and the AS flags are cleared.
     */
    static void releaseAs(final SecurityContext context)
    {
        endN2Procedure(context, PROCEDURE_HANDOVER | PROCEDURE_HANDOVER_NEW_KEY | PROCEDURE_INTER_NODE_HANDOVER |
            PROCEDURE_UE_CONTEXT_MODIFICATION);
        dropOldKeyForAs(context);
        context.nextHop(ZERO_KEY, 0);
        context.contextFlags(context.contextFlags() &
            ~(FLAG_AS_ACTIVE | FLAG_KGNB_AT_NCC_0 | FLAG_NEW_KEY_NOT_YET_IN_AS));
    }

    /**
     * Forgets the old KASME the AS followed, once the AS has a key of the new one or is gone.
     */
    static void dropOldKeyForAs(final SecurityContext context)
    {
        if ((context.contextFlags() & FLAG_OLD_KEY_FOR_AS) != 0)
        {
            context.dropNonCurrent();
            context.contextFlags(context.contextFlags() & ~FLAG_OLD_KEY_FOR_AS);
        }
    }

    private byte[] key()
    {
        scratchUsed = true;
        return key;
    }

    private byte[] nextKey()
    {
        scratchUsed = true;
        return nextKey;
    }

    private KeySchedule derivedSchedule()
    {
        scratchUsed = true;
        return derivedSchedule;
    }

    /**
     * Zeroes the scratch keys.
     */
    void wipe()
    {
        if (scratchUsed)
        {
            Octets.zero(key);
            Octets.zero(nextKey);
            derivedSchedule.clear();
            scratchUsed = false;
        }
    }
}
