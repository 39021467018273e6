package org.amfkeys.procedures;

import org.amfkeys.InvalidParameterException;
import org.amfkeys.Octets;
import org.amfkeys.context.ContextCursor;
import org.amfkeys.context.ContextTable;
import org.amfkeys.context.SecurityContext;
import org.amfkeys.hmac.KeySchedule;
import org.amfkeys.kdf.Kdf;

import static org.amfkeys.context.SecurityContext.FLAG_EPS;

/**
 * What every procedure step of one node (an AMF or an MME) runs in: the node's table and its cursor
 * ({@link ContextWriter}), the KDF, the scratch keys, the concurrency rules, the AS key chain and the
 * deferred starts. The node composes it with the steps it shares ({@link NasSecuritySteps},
 * {@link AccessStratumSteps}) and its own; they all claim, check, derive, write and commit through it,
 * and {@link #endStep} zeroes the scratch keys after every step.
 */
final class ProcedureFrame
{
    final ContextTable table;
    final AccessStratumChain chain;
    final Kdf kdf;
    final ContextCursor cursor;
    final ConcurrencyRules rules;
    final AsKeyChain asKeys;
    final DeferredStarts deferredStarts = new DeferredStarts();

    /** Scratch keys, zeroed after each step. */
    private final byte[] key = new byte[Kdf.KEY_LENGTH];
    private final byte[] nextKey = new byte[Kdf.KEY_LENGTH];
    private final byte[] thirdKey = new byte[Kdf.KEY_LENGTH];
    private final KeySchedule derivedSchedule = new KeySchedule();
    /**
     * Whether a step took the scratch keys since the last {@link #wipe}: a step that derives nothing (a
     * release, a delete, most checks) then wipes nothing, and every step ends with a wipe.
     */
    private boolean scratchUsed;

    private final ContextWriter contexts;
    private final String nodeName;
    private boolean closed;

    /**
     * @param table    the node's UE contexts.
     * @param chain    the system of the contexts.
     * @param kdf      derives keys; owned by the node.
     * @param nodeName the node's class name, for the message of a closed node.
     */
    ProcedureFrame(final ContextTable table, final AccessStratumChain chain, final Kdf kdf, final String nodeName)
    {
        this.table = requirePresent("table", table, "a ContextTable");
        this.chain = requirePresent("chain", chain, "an AccessStratumChain");
        this.cursor = new ContextCursor(kdf);
        this.kdf = kdf;
        this.nodeName = nodeName;
        this.contexts = new ContextWriter(table, cursor);
        this.rules = new ConcurrencyRules(chain);
        this.asKeys = new AsKeyChain(chain, kdf, rules);
    }

    /**
     * @return a scratch key for the step, zeroed by its {@link #endStep}.
     */
    byte[] key()
    {
        scratchUsed = true;
        return key;
    }

    /**
     * @return a second scratch key for the step, zeroed by its {@link #endStep}.
     */
    byte[] nextKey()
    {
        scratchUsed = true;
        return nextKey;
    }

    /**
     * @return a third scratch key for the step, zeroed by its {@link #endStep}.
     */
    byte[] thirdKey()
    {
        scratchUsed = true;
        return thirdKey;
    }

    /**
     * @return a scratch key schedule for the step, zeroed by its {@link #endStep}.
     */
    KeySchedule derivedSchedule()
    {
        scratchUsed = true;
        return derivedSchedule;
    }

    /**
     * Claims the UE's context for one step: the step checks the rules, derives, writes and ends with
     * {@link #commit()}, and calls {@link #endStep} in its {@code finally}.
     *
     * @return the context, or null when the UE is unknown.
     */
    SecurityContext claim(final long ueId)
    {
        ensureOpen();
        return contexts.claim(ueId);
    }

    /**
     * Publishes the step's change to the claimed context.
     *
     * @return true, for a step that reports the UE as known.
     */
    boolean commit()
    {
        return contexts.commit();
    }

    /**
     * Ends the claim by deleting the UE, for a step that checked under the claim that the UE may go.
     *
     * @return true, for a step that reports the UE as known.
     */
    boolean commitDelete()
    {
        return contexts.commitDelete();
    }

    /**
     * Ends a step: one that did not commit (refused, or failed) leaves the context as it was and
     * {@code carrier} zeroed; the scratch keys are zeroed either way.
     */
    void endStep(final KeyCarrier carrier)
    {
        try
        {
            contexts.end(carrier);
        }
        finally
        {
            wipe();
        }
    }

    /**
     * A cleared staging context of this node's system, to fill and {@link #insertStaged insert}.
     */
    SecurityContext stage()
    {
        ensureOpen();
        return contexts.stage(chain == AccessStratumChain.E_UTRA ? FLAG_EPS : 0);
    }

    /**
     * Inserts the staged context and zeroes the staging copy.
     *
     * @return false when the UE is already in the table.
     */
    boolean insertStaged(final long ueId)
    {
        return contexts.insert(ueId);
    }

    /**
     * Replaces the UE's context, if any, with the staged one.
     */
    void replaceWithStaged(final long ueId)
    {
        contexts.replace(ueId);
    }

    /**
     * Zeroes the staging copy, for a call that ends without storing it.
     */
    void clearStaged()
    {
        contexts.clearStaged();
    }

    /**
     * Takes the next DL NAS COUNT of the current context, by {@link SecurityContext#takeDownlinkNasCount};
     * an exhausted one refuses the procedure.
     */
    long takeDownlinkCount(final SecurityContext context, final String procedure)
    {
        final long dlCount = context.takeDownlinkNasCount();
        if (dlCount == SecurityContext.EXHAUSTED)
        {
            throw ProcedureNotAllowedException.nasCountExhausted(procedure, true, chain);
        }
        return dlCount;
    }

    /**
     * Refuses {@code procedure} when no DL NAS COUNT is left after {@code dlCount}.
     */
    void requireDownlinkCountLeft(final long dlCount, final String procedure)
    {
        if (SecurityContext.downlinkNasCountAfter(dlCount) == SecurityContext.EXHAUSTED)
        {
            throw ProcedureNotAllowedException.nasCountExhausted(procedure, true, chain);
        }
    }

    /**
     * Accepts an uplink message's NAS COUNT by {@link SecurityContext#acceptUplinkNasCount}; a replay or
     * an exhausted COUNT refuses the procedure.
     */
    void acceptUplinkCount(final SecurityContext context, final long ulCount, final String procedure)
    {
        requireUplinkCountAcceptable(context, ulCount, procedure);
        context.acceptUplinkNasCount(ulCount);
    }

    /**
     * Refuses {@code procedure}, changing nothing, when {@link #acceptUplinkCount} would: a replay or an
     * exhausted COUNT.
     */
    void requireUplinkCountAcceptable(final SecurityContext context, final long ulCount, final String procedure)
    {
        final long expected = context.uplinkNasCount();
        final long next = SecurityContext.uplinkNasCountAfter(expected, SecurityContext.requireNasCount("ul-count", ulCount));
        if (next == SecurityContext.REPLAYED)
        {
            throw new ProcedureNotAllowedException(procedure,
                "UL NAS COUNT " + ulCount + " is a replay; the next one expected is " + expected);
        }
        if (next == SecurityContext.EXHAUSTED)
        {
            throw ProcedureNotAllowedException.nasCountExhausted(procedure, false, chain);
        }
    }

    /**
     * @return {@code value}, or an {@link InvalidParameterException} naming the parameter when it is missing.
     */
    static <T> T requirePresent(final String parameter, final T value, final String allowed)
    {
        if (value == null)
        {
            throw InvalidParameterException.missing(parameter, allowed);
        }
        return value;
    }

    /**
     * Refuses every call once closed; called first where a call starts, so a closed node touches
     * nothing, not even the caller's carriers.
     */
    void ensureOpen()
    {
        if (closed)
        {
            throw new IllegalStateException(nodeName + " is closed");
        }
    }

    /**
     * Zeroes the scratch keys and the staging copy: the end of a call that staged a context, which a
     * refusal may have left unstored.
     */
    void wipeAfterStaging()
    {
        contexts.clearStaged();
        wipe();
    }

    /**
     * Zeroes the scratch keys.
     */
    void wipe()
    {
        // The KDF may have been closed by its owner's close(); its memory is zeroed then.
        if (!kdf.isClosed())
        {
            kdf.wipe();
        }
        if (scratchUsed)
        {
            Octets.zero(key);
            Octets.zero(nextKey);
            Octets.zero(thirdKey);
            derivedSchedule.clear();
            scratchUsed = false;
        }
        asKeys.wipe();
    }

    /**
     * Zeroes the scratch memory and the cursor's, and closes the KDF; every call is refused afterwards.
     * Closing again does nothing.
     */
    void close()
    {
        if (closed)
        {
            return;
        }
        wipe();
        contexts.clearStaged();
        cursor.close();
        closed = true;
    }
}
