package org.amfkeys.context;

import org.amfkeys.hmac.KeyScheduleDescriptor;

/**
 * Layout of one UE's security context in a {@link ContextTable} slot: the current 5G NAS security
 * context, the non-current one kept during a key change, and room for the procedures' state.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |      KAMF's HMAC key schedule (inner and outer state, 512 bits)|    0
 *  +---------------------------------------------------------------+
 *  |                 NH, the latest of the chain (256 bits)        |   64
 *  +---------------------------------------------------------------+
 *  |                      UL NAS COUNT                             |   96
 *  |                      DL NAS COUNT                             |  100
 *  |    ngKSI      | non-cur ngKSI |      NCC      | NAS algorithms|  104
 *  |     UE security capabilities (5G-EA, 5G-IA, EEA, EIA)         |  108
 *  |                     context flags                             |  112
 *  |                    procedure state                            |  116
 *  |            UL NAS COUNT of the latest NAS SMC Complete        |  120
 *  | pending NAS alg |       deferred UL NAS COUNT (24 bits)       |  124
 *  +---------------------------------------------------------------+
 *  |                        KAMF (256 bits)                        |  128
 *  +---------------------------------------------------------------+
 *  |                 non-current KAMF (256 bits)                   |  160
 *  +---------------------------------------------------------------+  192
 * </pre>
 * The slot is three cache lines, ordered by how often the procedures reach them: everything a step of
 * the AS key chain (an {NH, NCC} pair, a KgNB) reads and writes lies in the first two, KAMF's schedule
 * and then NH with the counters, identifiers and state, so a batch that prefetches a slot for such a
 * step asks for two lines, not three. KAMF itself and the non-current KAMF, read when a key is
 * transferred or changed, fill the third. Integers are in the platform's native byte order; the key
 * schedule follows {@link KeyScheduleDescriptor}.
 */
public final class SecurityContextDescriptor
{
    /** Octets of a 256-bit key. */
    public static final int KEY_LENGTH = 32;

    /** Octets of a cache line: the slot's fields are placed by the line they share. */
    public static final int CACHE_LINE = 64;

    /** The current KAMF's HMAC key schedule, so every derivation keyed by KAMF costs two compressions. */
    public static final int KAMF_SCHEDULE_OFFSET = 0;

    /** The latest NH of the chain; the one that goes with {@link #NCC_OFFSET NCC}. */
    public static final int NH_OFFSET = KAMF_SCHEDULE_OFFSET + KeyScheduleDescriptor.LENGTH;

    /** Uplink NAS COUNT (24 bits used): the lowest COUNT the next uplink NAS message may carry. */
    public static final int UPLINK_NAS_COUNT_OFFSET = NH_OFFSET + KEY_LENGTH;

    /** Downlink NAS COUNT (24 bits used): the COUNT the next downlink NAS message will use. */
    public static final int DOWNLINK_NAS_COUNT_OFFSET = UPLINK_NAS_COUNT_OFFSET + Integer.BYTES;

    /** ngKSI of the current context: type of security context (bit 3) and key set identifier (bits 0..2). */
    public static final int NGKSI_OFFSET = DOWNLINK_NAS_COUNT_OFFSET + Integer.BYTES;

    /** ngKSI of the non-current context, same encoding. */
    public static final int NON_CURRENT_NGKSI_OFFSET = NGKSI_OFFSET + 1;

    /** NCC, 0..7: the Next hop Chaining Counter that goes with NH. */
    public static final int NCC_OFFSET = NON_CURRENT_NGKSI_OFFSET + 1;

    /** Selected NAS algorithms: ciphering (5G-EA) in bits 4..7, integrity (5G-IA) in bits 0..3. */
    public static final int NAS_ALGORITHMS_OFFSET = NCC_OFFSET + 1;

    /** UE security capabilities as the first four octets of TS 24.501 9.11.3.54: 5G-EA, 5G-IA, EEA, EIA. */
    public static final int UE_SECURITY_CAPABILITIES_OFFSET = NAS_ALGORITHMS_OFFSET + 1;

    /** Flags about the contexts themselves, see {@link SecurityContext#FLAG_NON_CURRENT_PRESENT} and others. */
    public static final int CONTEXT_FLAGS_OFFSET = UE_SECURITY_CAPABILITIES_OFFSET + Integer.BYTES;

    /**
     * Procedures in flight for the UE: bits the procedures lay out themselves
     * ({@code org.amfkeys.procedures.ProcedureStateDescriptor}); the table stores them as they are.
     */
    public static final int PROCEDURE_STATE_OFFSET = CONTEXT_FLAGS_OFFSET + Integer.BYTES;

    /**
     * Uplink NAS COUNT of the latest NAS Security Mode Complete: the KgNB (or KeNB) of an AS re-keying
     * or of a Path Switch after a new KAMF was activated is derived with it (TS 33.501 6.9.4.2).
     */
    public static final int SMC_COMPLETE_UPLINK_COUNT_OFFSET = PROCEDURE_STATE_OFFSET + Integer.BYTES;

    /**
     * One octet: the NAS algorithms a NAS Security Mode Command in flight selected (ciphering in the high
     * four bits, integrity in the low four), taken into use when the UE completes it.
     */
    public static final int PENDING_NAS_ALGORITHMS_OFFSET = SMC_COMPLETE_UPLINK_COUNT_OFFSET + Integer.BYTES;

    /** Three octets, big-endian: the UL NAS COUNT a deferred context transfer was called with. */
    public static final int DEFERRED_UPLINK_NAS_COUNT_OFFSET = PENDING_NAS_ALGORITHMS_OFFSET + 1;

    /** Length of {@link #DEFERRED_UPLINK_NAS_COUNT_OFFSET the deferred UL NAS COUNT}: a 24-bit NAS COUNT. */
    public static final int DEFERRED_UPLINK_NAS_COUNT_LENGTH = 3;

    /**
     * Octets at the start of the slot that a step of the AS key chain reaches: KAMF's schedule, NH, the
     * COUNTs, identifiers, flags and procedure state; two cache lines.
     */
    public static final int KEY_CHAIN_LENGTH = DEFERRED_UPLINK_NAS_COUNT_OFFSET + DEFERRED_UPLINK_NAS_COUNT_LENGTH;

    /** KAMF of the current context. */
    public static final int KAMF_OFFSET = KEY_CHAIN_LENGTH;

    /** KAMF of the non-current context, kept until a key change completes. */
    public static final int NON_CURRENT_KAMF_OFFSET = KAMF_OFFSET + KEY_LENGTH;

    /** Octets of one slot: three cache lines. */
    public static final int LENGTH = NON_CURRENT_KAMF_OFFSET + KEY_LENGTH;

    private SecurityContextDescriptor()
    {
    }
}
