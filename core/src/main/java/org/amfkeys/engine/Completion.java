package org.amfkeys.engine;

import org.agrona.DirectBuffer;
import org.amfkeys.InvalidParameterException;
import org.amfkeys.procedures.ConcurrencyRule;

import static org.amfkeys.engine.CompletionDescriptor.CORRELATION_ID_OFFSET;
import static org.amfkeys.engine.CompletionDescriptor.FLAGS_OFFSET;
import static org.amfkeys.engine.CompletionDescriptor.FLAG_NEW_SECURITY_CONTEXT;
import static org.amfkeys.engine.CompletionDescriptor.KEY_LENGTH;
import static org.amfkeys.engine.CompletionDescriptor.KEY_OFFSET;
import static org.amfkeys.engine.CompletionDescriptor.NCC_OFFSET;
import static org.amfkeys.engine.CompletionDescriptor.OPERATION_OFFSET;
import static org.amfkeys.engine.CompletionDescriptor.RULE_OFFSET;
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
        buffer.getBytes(offset + KEY_OFFSET, out, outOffset, KEY_LENGTH);
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
