package org.amfkeys.jcstress;

import org.amfkeys.context.ContextTable;
import org.amfkeys.kdf.Kdf;
import org.amfkeys.procedures.AmfProcedures;
import org.amfkeys.procedures.DeferredStart;
import org.amfkeys.procedures.NasSecurityModeCommand;
import org.amfkeys.procedures.NextHopPair;
import org.amfkeys.procedures.ProcedureNotAllowedException;
import org.amfkeys.procedures.ProcedureStart;
import org.amfkeys.procedures.UeContextTransfer;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

import java.util.concurrent.atomic.AtomicLong;

/**
 * An inter-AMF handover waits for a NAS SMC for a new KAMF (TS 33.501 6.9.5.1 (3)). One thread ends
 * that SMC, which starts the handover; another asks for a new NAS SMC at the same moment. The end and
 * the start happen in one lock, so the new SMC finds either the first SMC still in flight or the
 * handover started, and is refused either way; it can never slip in between and leave the handover
 * refused or waiting again.
 */
@JCStressTest
@Outcome(id = "1, 0, 1", expect = Expect.ACCEPTABLE, desc = "the handover started; the second SMC was refused")
@Outcome(expect = Expect.FORBIDDEN, desc = "the second SMC ran between the first's end and the handover's start")
@State
public class DeferredHandoverStartTest
{
    private static final ContextTable TABLE = new ContextTable(1 << 16);
    private static final AtomicLong UE_IDS = new AtomicLong();
    private static final ThreadLocal<AmfProcedures> AMFS = ThreadLocal.withInitial(() -> new AmfProcedures(TABLE, new Kdf()));
    private static final byte[] NEW_KAMF = new byte[32];

    private final long ueId = UE_IDS.incrementAndGet();
    private final DeferredStart started = new DeferredStart();
    private final NasSecurityModeCommand secondCommand = new NasSecurityModeCommand();

    /**
     * A connected UE with a NAS SMC for a new KAMF in flight, and an inter-AMF handover waiting for it.
     */
    public DeferredHandoverStartTest()
    {
        final AmfProcedures amf = AMFS.get();
        final NasSecurityModeCommand command = new NasSecurityModeCommand();
        amf.authenticated(ueId, Fixtures.KAMF, 1, 0);
        amf.nasSecurityModeCommand(ueId, 1, 2, command);
        amf.nasSecurityModeComplete(ueId, 0);
        amf.initialContextSetup(ueId, 1, new NextHopPair());
        amf.authenticated(ueId, NEW_KAMF, 2, 0);
        amf.nasSecurityModeCommand(ueId, 1, 2, command);
        command.clear();
        final UeContextTransfer transfer = new UeContextTransfer();
        if (amf.handoverToAmf(ueId, false, transfer) != ProcedureStart.DEFERRED)
        {
            throw new IllegalStateException("the handover should wait for the SMC");
        }
    }

    /**
     * The UE's Security Mode Complete arrives.
     *
     * @param result r1: 1 when the handover started.
     */
    @Actor
    public void smcComplete(final III_Result result)
    {
        AMFS.get().nasSecurityModeComplete(ueId, 0, started);
        result.r1 = started.result() == DeferredStart.Result.STARTED ? 1 : 0;
        started.transfer().clear();
    }

    /**
     * The AMF wants another NAS SMC.
     *
     * @param result r2: 1 when it ran.
     */
    @Actor
    public void secondSmc(final III_Result result)
    {
        try
        {
            AMFS.get().nasSecurityModeCommand(ueId, 2, 2, secondCommand);
            result.r2 = 1;
        }
        catch (final ProcedureNotAllowedException refused)
        {
            result.r2 = 0;
        }
        secondCommand.clear();
    }

    /**
     * Nothing waits any more; the UE is deleted.
     *
     * @param result r3: 1 when nothing is left deferred.
     */
    @Arbiter
    public void end(final III_Result result)
    {
        result.r3 = AMFS.get().cancelDeferred(ueId) == null ? 1 : 0;
        TABLE.delete(ueId);
    }
}
