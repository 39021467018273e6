package org.amfkeys.engine;

import org.agrona.DirectBuffer;
import org.amfkeys.InvalidParameterException;
import org.amfkeys.Octets;
import org.amfkeys.procedures.ConcurrencyRule;
import org.amfkeys.procedures.NasSecurityModeCommand;
import org.amfkeys.procedures.UeContextTransfer;

import static org.amfkeys.engine.CompletionDescriptor.CORRELATION_ID_OFFSET;
import static org.amfkeys.engine.CompletionDescriptor.FLAGS_OFFSET;
import static org.amfkeys.engine.CompletionDescriptor.FLAG_DEFERRED;
import static org.amfkeys.engine.CompletionDescriptor.FLAG_NEW_SECURITY_CONTEXT;
import static org.amfkeys.engine.CompletionDescriptor.KEY_LENGTH;
import static org.amfkeys.engine.CompletionDescriptor.KEY_OFFSET;
import static org.amfkeys.engine.CompletionDescriptor.NAS_CONTAINER_COUNT_OFFSET;
import static org.amfkeys.engine.CompletionDescriptor.NAS_CONTAINER_NCC_OFFSET;
import static org.amfkeys.engine.CompletionDescriptor.NAS_CONTAINER_OFFSET;
import static org.amfkeys.engine.CompletionDescriptor.NAS_SECURITY_MODE_COMMAND_OFFSET;
import static org.amfkeys.engine.CompletionDescriptor.NAS_SMC_CIPHERING_OFFSET;
import static org.amfkeys.engine.CompletionDescriptor.NAS_SMC_DOWNLINK_NAS_COUNT_OFFSET;
import static org.amfkeys.engine.CompletionDescriptor.NAS_SMC_ENCRYPTION_KEY_OFFSET;
import static org.amfkeys.engine.CompletionDescriptor.NAS_SMC_FLAGS_OFFSET;
import static org.amfkeys.engine.CompletionDescriptor.NAS_SMC_INTEGRITY_KEY_OFFSET;
import static org.amfkeys.engine.CompletionDescriptor.NAS_SMC_INTEGRITY_OFFSET;
import static org.amfkeys.engine.CompletionDescriptor.NCC_OFFSET;
import static org.amfkeys.engine.CompletionDescriptor.OPERATION_OFFSET;
import static org.amfkeys.engine.CompletionDescriptor.RULE_OFFSET;
import static org.amfkeys.engine.CompletionDescriptor.TRANSFER_OFFSET;
import static org.amfkeys.engine.CompletionDescriptor.UE_ID_OFFSET;

/**
 * A flyweight over one completion record, valid inside {@link CompletionHandler#onCompletion} only: the
 * ring zeroes the record once the handler returns, so copy what is kept (the key with {@link #copyKey}).
 */
public final class Completion
{
    private DirectBuffer buffer;
    private int offset;
    private CompletionStatus status;

    Completion wrap(final CompletionStatus status, final DirectBuffer buffer, final int offset)
    {
        this.status = status;
        this.buffer = buffer;
        this.offset = offset;
        return this;
    }

    /**
     * @return the correlation id the request was submitted with.
     */
    public long correlationId()
    {
        return buffer.getLong(offset + CORRELATION_ID_OFFSET);
    }

    /**
     * @return the UE the request was for.
     */
    public long ueId()
    {
        return buffer.getLong(offset + UE_ID_OFFSET);
    }

    /**
     * @return the operation the request asked for.
     */
    public EngineOperation operation()
    {
        return EngineOperation.ofCode(buffer.getInt(offset + OPERATION_OFFSET));
    }

    /**
     * @return how the request ended.
     */
    public CompletionStatus status()
    {
        return status;
    }

    /**
     * @return the rule that refused the step, or null (done, or refused by the UE's state alone).
     */
    public ConcurrencyRule rule()
    {
        return ConcurrencyRule.ofCode(buffer.getInt(offset + RULE_OFFSET));
    }

    /**
     * @return the NCC of the pair; meaningful when done and the operation {@link EngineOperation#givesPair()}.
     */
    public int ncc()
    {
        return buffer.getInt(offset + NCC_OFFSET);
    }

    /**
     * @return whether the pair carries the new security context indicator.
     */
    public boolean newSecurityContext()
    {
        return (buffer.getInt(offset + FLAGS_OFFSET) & FLAG_NEW_SECURITY_CONTEXT) != 0;
    }

    /**
     * @return whether the procedure waits, under {@link #rule()}, for the one in flight to end (a source
     *         AMF's move deferred by TS 33.501 6.9.5.1); it starts then, by the direct calls.
     */
    public boolean deferred()
    {
        return (buffer.getInt(offset + FLAGS_OFFSET) & FLAG_DEFERRED) != 0;
    }

    /**
     * @return the NAS container type of the handover command of a done {@link EngineOperation#ACCEPT_HANDOVER},
     *         as {@link org.amfkeys.procedures.HandoverCommand#nasContainer()}.
     */
    public int nasContainer()
    {
        requireOutput(EngineOperation.Output.PAIR_AND_NAS_CONTAINER);
        return buffer.getInt(offset + NAS_CONTAINER_OFFSET);
    }

    /**
     * @return the NAS COUNT of the handover command's NAS container.
     */
    public long nasCount()
    {
        requireOutput(EngineOperation.Output.PAIR_AND_NAS_CONTAINER);
        return buffer.getLong(offset + NAS_CONTAINER_COUNT_OFFSET);
    }

    /**
     * @return the NCC of the handover command's NAS container.
     */
    public int nasNcc()
    {
        requireOutput(EngineOperation.Output.PAIR_AND_NAS_CONTAINER);
        return buffer.getInt(offset + NAS_CONTAINER_NCC_OFFSET);
    }

    /**
     * Copies the transfer for the target node that a done source-side move gives
     * ({@link EngineOperation.Output#TRANSFER}), keys included, or for a deferred one the rule it waits under.
     *
     * @param out receives the transfer.
     * @throws IllegalStateException when this completion carries no transfer.
     */
    public void copyTransfer(final UeContextTransfer out)
    {
        if (out == null)
        {
            throw InvalidParameterException.missing("out", "a UeContextTransfer");
        }
        requireOutput(EngineOperation.Output.TRANSFER);
        out.decode(buffer, offset + TRANSFER_OFFSET);
    }

    /**
     * Copies the NAS Security Mode Command a done {@link EngineOperation#NAS_SECURITY_MODE_COMMAND} gives,
     * its NAS keys included.
     *
     * @param out receives the command.
     * @throws IllegalStateException when this completion carries no NAS Security Mode Command.
     */
    public void copyNasSecurityModeCommand(final NasSecurityModeCommand out)
    {
        if (out == null)
        {
            throw InvalidParameterException.missing("out", "a NasSecurityModeCommand");
        }
        requireOutput(EngineOperation.Output.NAS_SECURITY_MODE_COMMAND);
        out.received(buffer.getInt(offset + NAS_SECURITY_MODE_COMMAND_OFFSET), buffer.getInt(offset + NAS_SMC_CIPHERING_OFFSET),
            buffer.getInt(offset + NAS_SMC_INTEGRITY_OFFSET),
            (buffer.getInt(offset + NAS_SMC_FLAGS_OFFSET) & CompletionDescriptor.FLAG_KAMF_CHANGE) != 0,
            buffer.getLong(offset + NAS_SMC_DOWNLINK_NAS_COUNT_OFFSET));
        buffer.getBytes(offset + NAS_SMC_ENCRYPTION_KEY_OFFSET, out.nasEncryptionKey(), 0, CompletionDescriptor.NAS_KEY_LENGTH);
        buffer.getBytes(offset + NAS_SMC_INTEGRITY_KEY_OFFSET, out.nasIntegrityKey(), 0, CompletionDescriptor.NAS_KEY_LENGTH);
    }

    private void requireOutput(final EngineOperation.Output output)
    {
        final EngineOperation operation = operation();
        if (status != CompletionStatus.DONE || operation == null || operation.output() != output)
        {
            throw new IllegalStateException("the completion of " + operation + " (" + status + ") carries no " + output);
        }
    }

    /**
     * Copies the pair's key (NH or KgNB); zero when the operation gives no pair or was not done.
     *
     * @param out    receives {@value CompletionDescriptor#KEY_LENGTH} octets.
     * @param outOffset where they go.
     */
    public void copyKey(final byte[] out, final int outOffset)
    {
        if (out == null)
        {
            throw InvalidParameterException.missing("out", "a byte array of at least " + KEY_LENGTH + " octets");
        }
        if (outOffset < 0 || outOffset > out.length - KEY_LENGTH)
        {
            throw InvalidParameterException.outOfRange("out-offset", outOffset, 0, out.length - KEY_LENGTH);
        }
        Octets.copy(buffer, offset + KEY_OFFSET, out, outOffset, KEY_LENGTH);
    }

    /**
     * @return the completion without its key.
     */
    public String toString()
    {
        return "Completion[correlationId=" + correlationId() + ", ueId=" + ueId() + ", operation=" + operation() +
            ", status=" + status + (rule() == null ? "" : ", rule=" + rule()) + "]";
    }
}
