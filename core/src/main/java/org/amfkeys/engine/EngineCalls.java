package org.amfkeys.engine;

import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.amfkeys.InvalidParameterException;
import org.amfkeys.context.ContextTableFullException;
import org.amfkeys.context.SecurityContext;
import org.amfkeys.procedures.ConcurrencyRule;
import org.amfkeys.procedures.NextHopPair;
import org.amfkeys.procedures.ProcedureNotAllowedException;

import java.util.Locale;

/**
 * Blocking calls through the engine, in the shape of the direct {@link org.amfkeys.procedures.AmfProcedures}
 * calls, for casual use: each submits one request through its own producer and waits, polling with a
 * backoff, for that request's completion. A refusal throws {@link ProcedureNotAllowedException} with
 * its rule, a request the direct call would reject throws {@link InvalidParameterException}, a failure
 * {@link IllegalStateException}. One request is in flight at a time, so a thread gets no batching of
 * its own; batches form from many threads' calls, or use {@link EngineProducer} directly to keep many
 * requests in flight. Use from one thread only; {@link #close()} closes the producer.
 */
public final class EngineCalls implements AutoCloseable
{
    private final EngineProducer producer;
    private final IdleStrategy idle = new BackoffIdleStrategy();
    private final Outcome outcome = new Outcome();
    private final long tableCapacity;
    private long correlationId;

    /**
     * @param engine the engine; a producer of it is made for the calling thread.
     */
    public EngineCalls(final KeyEngine engine)
    {
        if (engine == null)
        {
            throw InvalidParameterException.missing("engine", "a KeyEngine");
        }
        this.producer = engine.newProducer();
        this.tableCapacity = engine.table().capacity();
    }

    /**
     * As {@link org.amfkeys.procedures.AmfProcedures#pathSwitch}.
     *
     * @param ueId the UE identifier.
     * @param pair receives {NH, NCC} for the target gNB.
     * @return false when the UE is unknown.
     */
    public boolean pathSwitch(final long ueId, final NextHopPair pair)
    {
        return call(EngineOperation.PATH_SWITCH, ueId, 0, requirePair(pair));
    }

    /**
     * As {@link org.amfkeys.procedures.AmfProcedures#handoverWithinNode}.
     *
     * @param ueId the UE identifier.
     * @param pair receives {NH, NCC} (or the new KgNB with the NSCI) for the target gNB.
     * @return false when the UE is unknown.
     */
    public boolean handoverWithinNode(final long ueId, final NextHopPair pair)
    {
        return call(EngineOperation.HANDOVER_WITHIN_NODE, ueId, 0, requirePair(pair));
    }

    /**
     * As {@link org.amfkeys.procedures.AmfProcedures#handoverCompleted}.
     *
     * @param ueId the UE identifier.
     * @return false when the UE is unknown.
     */
    public boolean handoverCompleted(final long ueId)
    {
        return call(EngineOperation.HANDOVER_COMPLETED, ueId, 0, null);
    }

    /**
     * As {@link org.amfkeys.procedures.AmfProcedures#initialContextSetup}.
     *
     * @param ueId    the UE identifier.
     * @param ulCount the UL NAS COUNT, 0..2^32-1.
     * @param kgnb    receives {KgNB, NCC 0}.
     * @return false when the UE is unknown.
     */
    public boolean initialContextSetup(final long ueId, final long ulCount, final NextHopPair kgnb)
    {
        SecurityContext.requireNasCount("ul-count", ulCount);
        return call(EngineOperation.INITIAL_CONTEXT_SETUP, ueId, ulCount, requirePair(kgnb));
    }

    /**
     * As {@link org.amfkeys.procedures.AmfProcedures#ueContextModification}.
     *
     * @param ueId the UE identifier.
     * @param kgnb receives the new KgNB with its NCC.
     * @return false when the UE is unknown.
     */
    public boolean ueContextModification(final long ueId, final NextHopPair kgnb)
    {
        return call(EngineOperation.UE_CONTEXT_MODIFICATION, ueId, 0, requirePair(kgnb));
    }

    /**
     * As {@link org.amfkeys.procedures.AmfProcedures#release}.
     *
     * @param ueId the UE identifier.
     * @return false when the UE is unknown.
     */
    public boolean release(final long ueId)
    {
        return call(EngineOperation.RELEASE, ueId, 0, null);
    }

    /**
     * Closes the producer.
     */
    public void close()
    {
        producer.close();
    }

    /**
     * @return the producer's state, without key material.
     */
    public String toString()
    {
        return "EngineCalls[" + producer + "]";
    }

    private static NextHopPair requirePair(final NextHopPair pair)
    {
        if (pair == null)
        {
            throw InvalidParameterException.missing("pair", "a NextHopPair");
        }
        return pair;
    }

    private boolean call(final EngineOperation operation, final long ueId, final long ulCount, final NextHopPair pair)
    {
        final long id = ++correlationId;
        outcome.expect(id, pair);
        idle.reset();
        int result = submit(operation, id, ueId, ulCount);
        while (result == EngineProducer.BACK_PRESSURED)
        {
            idle.idle();
            result = submit(operation, id, ueId, ulCount);
        }
        if (result == EngineProducer.CLOSED)
        {
            throw new IllegalStateException("KeyEngine is closed");
        }
        idle.reset();
        while (!outcome.arrived)
        {
            idle.idle(producer.poll(outcome, 1));
        }
        return outcome.result(operation, tableCapacity);
    }

    private int submit(final EngineOperation operation, final long id, final long ueId, final long ulCount)
    {
        return operation == EngineOperation.INITIAL_CONTEXT_SETUP ?
            producer.submitInitialContextSetup(id, ueId, ulCount) : producer.submit(operation, id, ueId);
    }

    /**
     * The completion of the one request in flight, kept past the handler: the ring zeroes its record.
     */
    private static final class Outcome implements CompletionHandler
    {
        private long expected;
        private NextHopPair pair;
        private boolean arrived;
        private CompletionStatus status;
        private ConcurrencyRule rule;

        void expect(final long correlationId, final NextHopPair pair)
        {
            this.expected = correlationId;
            this.pair = pair;
            this.arrived = false;
        }

        public void onCompletion(final Completion completion)
        {
            if (completion.correlationId() != expected)
            {
                return;
            }
            arrived = true;
            status = completion.status();
            rule = completion.rule();
            if (pair != null && status == CompletionStatus.DONE)
            {
                completion.copyKey(pair.key(), 0);
                pair.set(completion.ncc(), completion.newSecurityContext());
            }
        }

        boolean result(final EngineOperation operation, final long tableCapacity)
        {
            final String procedure = operation.name().toLowerCase(Locale.ROOT).replace('_', '-');
            return switch (status)
            {
                case DONE -> true;
                case UNKNOWN_UE -> false;
                case REFUSED -> throw rule == null ?
                    new ProcedureNotAllowedException(procedure, "the UE's state does not allow it") :
                    new ProcedureNotAllowedException(procedure, rule, rule.summary());
                case INVALID -> throw new InvalidParameterException("request", "refused by the engine", "what the direct call accepts");
                case FAILED -> throw new IllegalStateException(procedure + " failed in the engine; see its error log");
                case TABLE_FULL -> throw new ContextTableFullException(tableCapacity);
            };
        }
    }
}
