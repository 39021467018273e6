package org.amfkeys.procedures;

import org.amfkeys.context.SecurityContext;
import org.amfkeys.types.NgKsi;

import java.util.EnumSet;

import static org.amfkeys.context.SecurityContext.FLAG_AS_ACTIVE;
import static org.amfkeys.procedures.ProcedureStateDescriptor.PROCEDURE_AUTHENTICATION;
import static org.amfkeys.procedures.ProcedureStateDescriptor.PROCEDURE_CONTEXT_TRANSFER;
import static org.amfkeys.procedures.ProcedureStateDescriptor.PROCEDURE_HANDOVER;
import static org.amfkeys.procedures.ProcedureStateDescriptor.PROCEDURE_INTER_NODE_HANDOVER;
import static org.amfkeys.procedures.ProcedureStateDescriptor.PROCEDURE_NAS_SMC;
import static org.amfkeys.procedures.ProcedureStateDescriptor.PROCEDURE_NAS_SMC_NEW_KEY;
import static org.amfkeys.procedures.ProcedureStateDescriptor.PROCEDURE_ON_NON_3GPP_ACCESS;
import static org.amfkeys.procedures.ProcedureStateDescriptor.PROCEDURE_UE_CONTEXT_MODIFICATION;

/**
 * The concurrency rules of TS 33.501 6.9.5 and TS 33.401 7.2.10 ({@link ConcurrencyRule}, the rule
 * table) as checks on a claimed context: what may overlap what, and what must wait for what. A check
 * refuses by throwing {@link ProcedureNotAllowedException}, naming the rule where one applies; a rule
 * that makes a procedure wait is returned for the caller to record the wait. One instance per
 * procedures instance, since each may be told to ignore a rule (for experiments and for the tests
 * that show the race a rule prevents).
 */
final class ConcurrencyRules
{
    private final AccessStratumChain chain;
    private final EnumSet<ConcurrencyRule> enforced = EnumSet.allOf(ConcurrencyRule.class);

    /**
     * @param chain the system of the node's contexts: the 5GS and EPS rules differ.
     */
    ConcurrencyRules(final AccessStratumChain chain)
    {
        this.chain = chain;
    }

    /**
     * @param rule a rule to stop enforcing from now on.
     */
    void ignore(final ConcurrencyRule rule)
    {
        enforced.remove(rule);
    }

    /**
     * @return whether {@code rule} is enforced.
     */
    boolean enforces(final ConcurrencyRule rule)
    {
        return enforced.contains(rule);
    }

    static void requireUeContextModification(final SecurityContext context, final String procedure)
    {
        if ((context.procedureState() & PROCEDURE_UE_CONTEXT_MODIFICATION) == 0)
        {
            throw new ProcedureNotAllowedException(procedure, "no UE Context Modification is in flight");
        }
    }

    /**
     * Refuses {@code procedure} under {@code rule} when {@code blocked} and the rule is enforced.
     */
    void refuse(
        final boolean blocked, final String procedure, final ConcurrencyRule rule, final String blocking)
    {
        if (blocked && enforced.contains(rule))
        {
            throw new ProcedureNotAllowedException(procedure, rule, blocking);
        }
    }

    /**
     * @return {@code rule} when {@code blocked} and the rule is enforced, else null.
     */
    ConcurrencyRule waitRule(final boolean blocked, final ConcurrencyRule rule)
    {
        return blocked && enforced.contains(rule) ? rule : null;
    }

    /**
     * Refuses an N2 (S1) procedure with a new key while a NAS SMC is in flight: the UE may already have
     * taken the command's keys into use, the network not yet (TS 33.501 6.9.5.1 (1); TS 33.401 7.2.10 (1)).
     */
    void refuseDuringSmc(final SecurityContext context, final String procedure)
    {
        final int state = context.procedureState();
        refuse((state & PROCEDURE_NAS_SMC) != 0, procedure, chain == AccessStratumChain.NR ?
            ConcurrencyRule.TS_33_501_6_9_5_1_1 : ConcurrencyRule.TS_33_401_7_2_10_1, smcInFlight(state));
    }

    /**
     * Refuses a primary authentication or NAS SMC while one runs: on the other access under TS 33.501
     * 6.9.5.2 (1), on the same connection because it is already in flight.
     */
    void requireNoParallelNas(final SecurityContext context, final String procedure, final boolean nonThreeGppAccess)
    {
        final int state = context.procedureState();
        if ((state & (PROCEDURE_NAS_SMC | PROCEDURE_AUTHENTICATION)) == 0)
        {
            return;
        }
        final String blocking = (state & PROCEDURE_AUTHENTICATION) != 0 ? "a primary authentication" : smcInFlight(state);
        final boolean otherAccess = ((state & PROCEDURE_ON_NON_3GPP_ACCESS) != 0) != nonThreeGppAccess;
        if (otherAccess && chain == AccessStratumChain.NR)
        {
            refuse(true, procedure, ConcurrencyRule.TS_33_501_6_9_5_2_1, blocking + " on the other access");
            return;
        }
        throw new ProcedureNotAllowedException(procedure, blocking + " is already in flight");
    }

    /**
     * Refuses downlink NAS once an inter-AMF or inter-system handover started (TS 33.501 6.9.5.1 (5)).
     */
    void requireNoInterNodeHandover(final SecurityContext context, final String procedure)
    {
        if ((context.procedureState() & PROCEDURE_INTER_NODE_HANDOVER) == 0)
        {
            return;
        }
        if (chain == AccessStratumChain.NR)
        {
            refuse(true, procedure, ConcurrencyRule.TS_33_501_6_9_5_1_5, "an inter-AMF or inter-system handover");
            return;
        }
        throw new ProcedureNotAllowedException(procedure, "the UE is being handed over to another node");
    }

    /**
     * Whether an inter-node handover (to another AMF or MME, or to the other system) may start now. It
     * is refused during another handover and, from an AMF, during a NAS SMC that keeps the key
     * (TS 33.501 6.9.5.1 (1)). It must wait for a NAS SMC for a new key (6.9.5.1 (3); TS 33.401
     * 7.2.10 (6)), and, when it keeps the root key to another AMF or MME, for a UE Context Modification
     * (6.9.5.1 (4); 7.2.10 (7)).
     *
     * @return the rule it waits under, or null when it may start.
     */
    ConcurrencyRule interNodeHandoverWait(
        final SecurityContext context, final String procedure, final boolean keepsRootKeyToSameSystem)
    {
        requireAsActive(context, procedure);
        requireNoHandover(context, procedure);
        final int state = context.procedureState();
        final boolean fiveG = chain == AccessStratumChain.NR;
        if ((state & PROCEDURE_NAS_SMC) != 0)
        {
            if (!fiveG || (state & PROCEDURE_NAS_SMC_NEW_KEY) != 0)
            {
                final ConcurrencyRule rule = waitRule(true,
                    fiveG ? ConcurrencyRule.TS_33_501_6_9_5_1_3 : ConcurrencyRule.TS_33_401_7_2_10_6);
                if (rule != null)
                {
                    return rule;
                }
            }
            else
            {
                refuse(true, procedure, ConcurrencyRule.TS_33_501_6_9_5_1_1, smcInFlight(state));
            }
        }
        if ((state & PROCEDURE_UE_CONTEXT_MODIFICATION) != 0 && keepsRootKeyToSameSystem)
        {
            return waitRule(true, fiveG ? ConcurrencyRule.TS_33_501_6_9_5_1_4 : ConcurrencyRule.TS_33_401_7_2_10_7);
        }
        return null;
    }

    /**
     * Refuses a handover while another one from this node is in flight.
     */
    static void requireNoHandover(final SecurityContext context, final String procedure)
    {
        if ((context.procedureState() & (PROCEDURE_HANDOVER | PROCEDURE_INTER_NODE_HANDOVER)) != 0)
        {
            throw new ProcedureNotAllowedException(procedure, "a handover of the UE is already in flight");
        }
    }

    /**
     * Refuses a NAS procedure of the UE's own (a TAU or Registration Request's derivation) while a NAS
     * SMC is in flight: the UE answers the command first.
     */
    static void requireNoNasSmc(final SecurityContext context, final String procedure)
    {
        if ((context.procedureState() & PROCEDURE_NAS_SMC) != 0)
        {
            throw new ProcedureNotAllowedException(procedure, smcInFlight(context.procedureState()) +
                " is in flight; the UE answers it first");
        }
    }

    /**
     * Refuses a procedure on a context that was transferred to another AMF whose registration is pending.
     */
    static void requireNotTransferred(final SecurityContext context, final String procedure)
    {
        if ((context.procedureState() & PROCEDURE_CONTEXT_TRANSFER) != 0)
        {
            throw new ProcedureNotAllowedException(procedure,
                "the context was transferred to another AMF; the UE's registration there is pending");
        }
    }

    /**
     * @return the NAS SMC in flight, in words.
     */
    static String smcInFlight(final int state)
    {
        return (state & PROCEDURE_NAS_SMC_NEW_KEY) != 0 ?
            "a NAS Security Mode Command for a new key" : "a NAS Security Mode Command";
    }

    /**
     * @return the N2 (S1) procedure with a new key in flight, in words.
     */
    static String n2InFlight(final int state)
    {
        if ((state & PROCEDURE_UE_CONTEXT_MODIFICATION) != 0)
        {
            return "a UE Context Modification with a new key";
        }
        return (state & PROCEDURE_INTER_NODE_HANDOVER) != 0 ? "an inter-node handover" : "a handover with a new key";
    }

    /**
     * The source's part of an idle-mode move to another node: the UE is idle and not moving already;
     * once the context is sent, it stays here until {@link #moveCompleted} or {@link #registrationFailed}.
     */
    static void requireIdleAndUnmoved(final SecurityContext context, final String procedure)
    {
        requireCurrent(context, procedure);
        requireNotTransferred(context, procedure);
        if ((context.contextFlags() & FLAG_AS_ACTIVE) != 0)
        {
            throw new ProcedureNotAllowedException(procedure, "the UE is CONNECTED; idle-mode mobility starts from idle");
        }
    }

    static void requireCurrent(final SecurityContext context, final String procedure)
    {
        if (context.ngKsi() == NgKsi.NO_KEY)
        {
            throw new ProcedureNotAllowedException(procedure, "the UE has no current security context");
        }
    }

    static void requireAsActive(final SecurityContext context, final String procedure)
    {
        if ((context.contextFlags() & FLAG_AS_ACTIVE) == 0)
        {
            throw new ProcedureNotAllowedException(procedure, "the UE has no AS security context (it is idle)");
        }
    }
}
