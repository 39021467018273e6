package org.amfkeys.engine;

import org.amfkeys.hmac.HmacRecordDescriptor;
import org.amfkeys.hmac.KeyScheduleDescriptor;

/**
 * Layout of one staged derivation: an HMAC a request's step asked for in a pass of a batch, kept with
 * its input so the next pass of the same step gets its MAC only for exactly that input. Each request
 * of a batch has {@link StagedHmac#MAX_DEPTH} of them, one per derivation of its step, in order.
 * <pre>
 *   0  state           int32    {@link #EMPTY}, {@link #PENDING} or {@link #DONE}
 *   4  message length  int32    octets of S
 *   8  schedule        64 octets, the key's schedule
 *  72  MAC             32 octets, once done
 * 104  message         up to {@link #MAX_MESSAGE_LENGTH} octets of S
 * </pre>
 */
final class StagedDerivationDescriptor
{
    /** No derivation here. */
    static final int EMPTY = 0;

    /** Recorded in this pass; the batch call computes it. */
    static final int PENDING = 1;

    /** Computed: the MAC answers the same input in a later pass. */
    static final int DONE = 2;

    /** Offset of the state. */
    static final int STATE_OFFSET = 0;

    /** Offset of the message length. */
    static final int MESSAGE_LENGTH_OFFSET = STATE_OFFSET + Integer.BYTES;

    /** Offset of the key schedule. */
    static final int SCHEDULE_OFFSET = MESSAGE_LENGTH_OFFSET + Integer.BYTES;

    /** Offset of the MAC. */
    static final int MAC_OFFSET = SCHEDULE_OFFSET + KeyScheduleDescriptor.LENGTH;

    /** Offset of the message. */
    static final int MESSAGE_OFFSET = MAC_OFFSET + 32;

    /** Longest S staged; a longer one is computed at once. */
    static final int MAX_MESSAGE_LENGTH = HmacRecordDescriptor.MAX_MESSAGE_LENGTH;

    /** Octets of one staged derivation. */
    static final int LENGTH = MESSAGE_OFFSET + MAX_MESSAGE_LENGTH;

    private StagedDerivationDescriptor()
    {
    }
}
