package org.amfkeys.context;

import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.amfkeys.InvalidParameterException;
import org.amfkeys.Octets;
import org.amfkeys.hmac.ChainSteps;
import org.amfkeys.hmac.HmacRecords;
import org.amfkeys.hmac.KeySchedule;
import org.amfkeys.kdf.Fc;
import org.amfkeys.kdf.Kdf;
import org.amfkeys.types.NgKsi;

import static org.amfkeys.context.SecurityContextDescriptor.CONTEXT_FLAGS_OFFSET;
import static org.amfkeys.context.SecurityContextDescriptor.DOWNLINK_NAS_COUNT_OFFSET;
import static org.amfkeys.context.SecurityContextDescriptor.KAMF_OFFSET;
import static org.amfkeys.context.SecurityContextDescriptor.KAMF_SCHEDULE_OFFSET;
import static org.amfkeys.context.SecurityContextDescriptor.KEY_LENGTH;
import static org.amfkeys.context.SecurityContextDescriptor.LENGTH;
import static org.amfkeys.context.SecurityContextDescriptor.NAS_ALGORITHMS_OFFSET;
import static org.amfkeys.context.SecurityContextDescriptor.NCC_OFFSET;
import static org.amfkeys.context.SecurityContextDescriptor.NGKSI_OFFSET;
import static org.amfkeys.context.SecurityContextDescriptor.NH_OFFSET;
import static org.amfkeys.context.SecurityContextDescriptor.NON_CURRENT_KAMF_OFFSET;
import static org.amfkeys.context.SecurityContextDescriptor.NON_CURRENT_NGKSI_OFFSET;
import static org.amfkeys.context.SecurityContextDescriptor.PROCEDURE_STATE_OFFSET;
import static org.amfkeys.context.SecurityContextDescriptor.DEFERRED_UPLINK_NAS_COUNT_OFFSET;
import static org.amfkeys.context.SecurityContextDescriptor.PENDING_NAS_ALGORITHMS_OFFSET;
import static org.amfkeys.context.SecurityContextDescriptor.SMC_COMPLETE_UPLINK_COUNT_OFFSET;
import static org.amfkeys.context.SecurityContextDescriptor.UE_SECURITY_CAPABILITIES_OFFSET;
import static org.amfkeys.context.SecurityContextDescriptor.UPLINK_NAS_COUNT_OFFSET;

/**
 * Typed access to one UE's security context laid out as {@link SecurityContextDescriptor} says: a
 * flyweight, either over its own memory (to stage a context for {@link ContextTable#insert} or to
 * receive a snapshot from {@link ContextTable#read}), or over a table slot from
 * {@link ContextTable#tryClaim} until the claim's commit or abort.
 * <p>
 * Setters validate first and write nothing when a value is out of range. {@link #toString()} shows
 * no key material. Not thread-safe.
 */
public final class SecurityContext
{
    /** Context flag: a non-current context (KAMF and ngKSI) is kept beside the current one. */
    public static final int FLAG_NON_CURRENT_PRESENT = 1;

    /**
     * Context flag: the gNB holds the initial KgNB bound to NCC 0, and the NH of NCC 1 is kept back
     * (TS 33.501 6.9.2.1.1); the next handover hands out a fresh NH.
     */
    public static final int FLAG_KGNB_AT_NCC_0 = 1 << 1;

    /**
     * Context flag: an EPS security context (KASME and eKSI in the KAMF and ngKSI fields), whose NH
     * chain follows TS 33.401 A.4 instead of TS 33.501 A.10.
     */
    public static final int FLAG_EPS = 1 << 2;

    /**
     * Context flag: the UE has an AS security context (it is CONNECTED), so a gNB or eNB holds a KgNB
     * derived from this context's chain.
     */
    public static final int FLAG_AS_ACTIVE = 1 << 3;

    /**
     * Context flag: a new KAMF was activated by a NAS SMC while the AS still runs on keys from the old
     * one; the next Path Switch or N2 handover carries a new KgNB with NCC 0 and the NSCI or
     * keyAmfChangeInd (TS 33.501 6.9.2.3.2, 6.9.2.3.3), or a UE Context Modification re-keys the AS.
     */
    public static final int FLAG_NEW_KEY_NOT_YET_IN_AS = 1 << 4;

    /**
     * Context flag: the next NAS SMC activates a horizontally derived KAMF' and carries the
     * K_AMF_change_flag (TS 33.501 6.9.3, 6.9.4.3).
     */
    public static final int FLAG_KAMF_CHANGE_TO_SIGNAL = 1 << 5;

    /**
     * Context flag: the UL NAS COUNT of the latest NAS SMC Complete has not yet keyed a KgNB, so an AS
     * re-keying may use it (TS 33.501 6.9.4.2); using it twice would give the same KgNB twice.
     */
    public static final int FLAG_SMC_COUNT_UNUSED = 1 << 6;

    /**
     * Context flag (EPS): the non-current context is the old KASME, whose NH chain the AS keeps
     * following in handovers until a UE Context Modification takes a KeNB of the new KASME into use
     * (TS 33.401 7.2.10 rules 3, 8 and 9).
     */
    public static final int FLAG_OLD_KEY_FOR_AS = 1 << 7;

    /** Largest NAS COUNT: 24 bits, NAS OVERFLOW then NAS SQN. */
    public static final long MAX_NAS_COUNT = 0xFF_FFFFL;

    /** Result of {@link #acceptUplinkNasCount}: the COUNT is below the next one expected, a replay. */
    public static final int REPLAYED = -2;

    /**
     * Result of {@link #takeDownlinkNasCount} and {@link #acceptUplinkNasCount}: the COUNT space is used
     * up. The last COUNT, 2^24-1, is never used, so the COUNT never wraps under one key; a new KAMF
     * (KASME) is needed first.
     */
    public static final int EXHAUSTED = -3;

    /** Largest NCC. */
    public static final int MAX_NCC = 7;

    /** Largest NAS algorithm identifier (4 bits). */
    public static final int MAX_NAS_ALGORITHM = 15;

    private final KeySchedule kamfSchedule = new KeySchedule();
    private MutableDirectBuffer buffer;
    private int offset;
    private boolean detached;

    /**
     * A context over its own zeroed memory.
     */
    public SecurityContext()
    {
        this(new UnsafeBuffer(new byte[LENGTH]), 0);
    }

    /**
     * A context over {@code buffer} at {@code offset}.
     *
     * @param buffer holding at least {@link SecurityContextDescriptor#LENGTH} octets from {@code offset}.
     * @param offset of the context.
     */
    public SecurityContext(final MutableDirectBuffer buffer, final int offset)
    {
        wrap(buffer, offset);
    }

    /**
     * Points this flyweight at another context.
     *
     * @param buffer holding at least {@link SecurityContextDescriptor#LENGTH} octets from {@code offset}.
     * @param offset of the context.
     * @return this.
     */
    public SecurityContext wrap(final MutableDirectBuffer buffer, final int offset)
    {
        if (buffer == null)
        {
            throw InvalidParameterException.missing("buffer", "a buffer of at least " + LENGTH + " octets");
        }
        requireRoom("buffer", buffer.capacity(), offset, LENGTH);
        this.buffer = buffer;
        this.offset = offset;
        this.detached = false;
        kamfSchedule.wrap(buffer, offset + KAMF_SCHEDULE_OFFSET);
        return this;
    }

    /**
     * Ends a flyweight's loan of a table slot: from now until it is wrapped again every method throws
     * {@link IllegalStateException}, so a flyweight kept past the end of its claim never writes
     * into a slot it no longer holds, nor into memory the table has freed.
     */
    void detach()
    {
        detached = true;
    }

    private MutableDirectBuffer attached()
    {
        if (detached)
        {
            throw new IllegalStateException("this SecurityContext was lent by a ContextTable claim that has " +
                "ended; use the context only between tryClaim and its commit or abort");
        }
        return buffer;
    }

    /**
     * @return the buffer holding the context.
     */
    public MutableDirectBuffer buffer()
    {
        return attached();
    }

    /**
     * @return the offset of the context in {@link #buffer()}.
     */
    public int offset()
    {
        return offset;
    }

    // ---------------------------------------------------------------------------------------------
    // Current context: KAMF, ngKSI, NAS COUNTs, algorithms
    // ---------------------------------------------------------------------------------------------

    /**
     * Sets the current KAMF and computes its key schedule.
     *
     * @param kamf KAMF, 32 octets.
     * @param kdf  computes the schedule.
     * @return this.
     */
    public SecurityContext kamf(final byte[] kamf, final Kdf kdf)
    {
        final MutableDirectBuffer buffer = attached();
        requireKey("kamf", kamf);
        requireKdf(kdf);
        kdf.computeSchedule(kamf, kamfSchedule);
        Octets.copy(kamf, 0, buffer, offset + KAMF_OFFSET, KEY_LENGTH);
        return this;
    }

    /**
     * Copies the current KAMF out.
     *
     * @param destination receives 32 octets.
     * @param at          where they start.
     */
    public void copyKamf(final byte[] destination, final int at)
    {
        requireRoom("kamf", destination, at);
        Octets.copy(attached(), offset + KAMF_OFFSET, destination, at, KEY_LENGTH);
    }

    /**
     * @return the current KAMF's key schedule, a flyweight into this context.
     */
    public KeySchedule kamfSchedule()
    {
        attached();
        return kamfSchedule;
    }

    /**
     * @return the current context's ngKSI, encoded as {@link NgKsi} says.
     */
    public int ngKsi()
    {
        return attached().getByte(offset + NGKSI_OFFSET) & 0xFF;
    }

    /**
     * @param ngKsi the current context's ngKSI, encoded as {@link NgKsi} says.
     * @return this.
     */
    public SecurityContext ngKsi(final int ngKsi)
    {
        attached().putByte(offset + NGKSI_OFFSET, (byte)NgKsi.check("ngksi", ngKsi));
        return this;
    }

    /**
     * @return the next uplink NAS COUNT expected, 0..2^24 (2^24 once the COUNT space is used up).
     */
    public long uplinkNasCount()
    {
        return attached().getInt(offset + UPLINK_NAS_COUNT_OFFSET) & 0xFFFF_FFFFL;
    }

    /**
     * @param count the next uplink NAS COUNT expected, 0..2^24-1.
     * @return this.
     */
    public SecurityContext uplinkNasCount(final long count)
    {
        attached().putInt(offset + UPLINK_NAS_COUNT_OFFSET, checkNasCount("ul-count", count));
        return this;
    }

    /**
     * Accepts the uplink NAS COUNT of a received message: the next COUNT expected becomes
     * {@code count + 1}, so it never goes back and no COUNT is accepted twice under one key.
     *
     * @param count the message's uplink NAS COUNT, 0..2^24-1.
     * @return the next COUNT expected afterwards; or {@link #REPLAYED} when {@code count} is below it, or
     *         {@link #EXHAUSTED} when it is the last COUNT; nothing changes then.
     */
    public long acceptUplinkNasCount(final long count)
    {
        final long next = uplinkNasCountAfter(uplinkNasCount(), requireNasCount("ul-count", count));
        if (next >= 0)
        {
            uplinkNasCount(next);
        }
        return next;
    }

    /**
     * Takes the downlink NAS COUNT for the next downlink NAS message and advances the stored one.
     *
     * @return the COUNT to use, or {@link #EXHAUSTED} when none is left (nothing changes then).
     */
    public long takeDownlinkNasCount()
    {
        final long count = downlinkNasCount();
        final long next = downlinkNasCountAfter(count);
        if (next < 0)
        {
            return next;
        }
        downlinkNasCount(next);
        return count;
    }

    /**
     * The rule for accepting an uplink NAS COUNT, for stores that are not a flyweight.
     *
     * @param expected the next COUNT expected.
     * @param count    the received COUNT, 0..2^24-1.
     * @return the next COUNT expected after accepting it, {@link #REPLAYED} or {@link #EXHAUSTED}.
     */
    public static long uplinkNasCountAfter(final long expected, final long count)
    {
        if (count < expected)
        {
            return REPLAYED;
        }
        return count >= MAX_NAS_COUNT ? EXHAUSTED : count + 1;
    }

    /**
     * The rule for taking a downlink NAS COUNT, for stores that are not a flyweight.
     *
     * @param count the COUNT the next downlink message would use.
     * @return the stored COUNT after taking it, or {@link #EXHAUSTED} when none is left.
     */
    public static long downlinkNasCountAfter(final long count)
    {
        return count >= MAX_NAS_COUNT ? EXHAUSTED : count + 1;
    }

    /**
     * @return the downlink NAS COUNT the next downlink NAS message uses, 0..2^24-1.
     */
    public long downlinkNasCount()
    {
        return attached().getInt(offset + DOWNLINK_NAS_COUNT_OFFSET) & 0xFFFF_FFFFL;
    }

    /**
     * @param count the downlink NAS COUNT the next downlink NAS message uses, 0..2^24-1.
     * @return this.
     */
    public SecurityContext downlinkNasCount(final long count)
    {
        attached().putInt(offset + DOWNLINK_NAS_COUNT_OFFSET, checkNasCount("dl-count", count));
        return this;
    }

    /**
     * @return the selected NAS ciphering algorithm (5G-EA identifier), 0..15.
     */
    public int nasCipheringAlgorithm()
    {
        return (attached().getByte(offset + NAS_ALGORITHMS_OFFSET) >>> 4) & 0xF;
    }

    /**
     * @return the selected NAS integrity algorithm (5G-IA identifier), 0..15.
     */
    public int nasIntegrityAlgorithm()
    {
        return attached().getByte(offset + NAS_ALGORITHMS_OFFSET) & 0xF;
    }

    /**
     * @param ciphering 5G-EA identifier, 0..15.
     * @param integrity 5G-IA identifier, 0..15.
     * @return this.
     */
    public SecurityContext nasAlgorithms(final int ciphering, final int integrity)
    {
        InvalidParameterException.requireInRange("nas-enc", ciphering, 0, MAX_NAS_ALGORITHM);
        InvalidParameterException.requireInRange("nas-int", integrity, 0, MAX_NAS_ALGORITHM);
        attached().putByte(offset + NAS_ALGORITHMS_OFFSET, (byte)(ciphering << 4 | integrity));
        return this;
    }

    /**
     * @return the UE security capabilities' first four octets (5G-EA, 5G-IA, EEA, EIA), first octet highest.
     */
    public int ueSecurityCapabilities()
    {
        return attached().getInt(offset + UE_SECURITY_CAPABILITIES_OFFSET);
    }

    /**
     * @param capabilities the UE security capabilities' first four octets, first octet highest.
     * @return this.
     */
    public SecurityContext ueSecurityCapabilities(final int capabilities)
    {
        attached().putInt(offset + UE_SECURITY_CAPABILITIES_OFFSET, capabilities);
        return this;
    }

    // ---------------------------------------------------------------------------------------------
    // NH and NCC
    // ---------------------------------------------------------------------------------------------

    /**
     * @return NCC, 0..7, the chaining counter of NH.
     */
    public int ncc()
    {
        return attached().getByte(offset + NCC_OFFSET);
    }

    /**
     * Copies NH out.
     *
     * @param destination receives 32 octets.
     * @param at          where they start.
     */
    public void copyNextHop(final byte[] destination, final int at)
    {
        requireRoom("nh", destination, at);
        Octets.copy(attached(), offset + NH_OFFSET, destination, at, KEY_LENGTH);
    }

    /**
     * Sets NH and its NCC together.
     *
     * @param nh  NH, 32 octets.
     * @param ncc 0..7.
     * @return this.
     */
    public SecurityContext nextHop(final byte[] nh, final int ncc)
    {
        requireKey("nh", nh);
        InvalidParameterException.requireInRange("ncc", ncc, 0, MAX_NCC);
        Octets.copy(nh, 0, attached(), offset + NH_OFFSET, KEY_LENGTH);
        attached().putByte(offset + NCC_OFFSET, (byte)ncc);
        return this;
    }

    /**
     * Zeroes NH and NCC: for a batch that wrote them into a slot its table wiped meanwhile.
     */
    void clearNextHop()
    {
        Octets.zero(attached(), offset + NH_OFFSET, KEY_LENGTH);
        attached().putByte(offset + NCC_OFFSET, (byte)0);
    }

    /**
     * Steps the NH chain: NH becomes KDF(KAMF, NH) (TS 33.501 A.10, or TS 33.401 A.4 for an
     * {@link #FLAG_EPS EPS} context) and NCC advances by one, wrapping from 7 to 0.
     *
     * @param kdf derives the new NH.
     * @return the new NCC.
     */
    public int advanceNextHop(final Kdf kdf)
    {
        final MutableDirectBuffer buffer = attached();
        requireKdf(kdf);
        if ((contextFlags() & FLAG_EPS) != 0)
        {
            kdf.epsNh(kamfSchedule, buffer, offset + NH_OFFSET, buffer, offset + NH_OFFSET);
        }
        else
        {
            kdf.nh(kamfSchedule, buffer, offset + NH_OFFSET, buffer, offset + NH_OFFSET);
        }
        final int ncc = (ncc() + 1) & MAX_NCC;
        attached().putByte(offset + NCC_OFFSET, (byte)ncc);
        return ncc;
    }

    /**
     * The first half of {@link #advanceNextHop(Kdf)} for a batch: stages the derivation of the next NH
     * into a record, to be computed with many others in one kernel call; nothing changes here until
     * {@link #advanceNextHop(HmacRecords, int)} takes the result.
     *
     * @param kdf     encodes the derivation.
     * @param records the batch.
     * @param record  the record to fill.
     */
    public void stageNextHop(final Kdf kdf, final HmacRecords records, final int record)
    {
        final MutableDirectBuffer buffer = attached();
        requireKdf(kdf);
        if ((contextFlags() & FLAG_EPS) != 0)
        {
            kdf.stageEpsNh(kamfSchedule, buffer, offset + NH_OFFSET, records, record);
        }
        else
        {
            kdf.stageNh(kamfSchedule, buffer, offset + NH_OFFSET, records, record);
        }
    }

    /**
     * As {@link #stageNextHop(Kdf, HmacRecords, int)}, into a step that reads KAMF's (or KASME's)
     * schedule and NH where they live in this context, for a context in native memory (a table's slot):
     * nothing is copied until {@link #advanceNextHop(ChainSteps, int)} takes the result.
     *
     * @param steps the batch.
     * @param step  the step to fill.
     * @throws InvalidParameterException naming {@code schedule} when KAMF's schedule is not computed, or
     *                                   when this context is not in native memory; nothing changes.
     */
    public void stageNextHop(final ChainSteps steps, final int step)
    {
        final MutableDirectBuffer buffer = attached();
        if (steps == null)
        {
            throw InvalidParameterException.missing("steps", "a ChainSteps batch");
        }
        steps.step(step, kamfSchedule, buffer, offset + NH_OFFSET, (contextFlags() & FLAG_EPS) != 0 ? Fc.EPS_NH : Fc.NH);
    }

    /**
     * The second half of {@link #stageNextHop(ChainSteps, int)}: NH becomes the step's MAC, once the
     * kernel computed it, and NCC advances by one.
     *
     * @param steps the batch, computed.
     * @param step  the step this context staged.
     * @return the new NCC.
     */
    public int advanceNextHop(final ChainSteps steps, final int step)
    {
        final MutableDirectBuffer buffer = attached();
        if (steps == null)
        {
            throw InvalidParameterException.missing("steps", "a ChainSteps batch");
        }
        steps.mac(step, buffer, offset + NH_OFFSET);
        final int ncc = (ncc() + 1) & MAX_NCC;
        buffer.putByte(offset + NCC_OFFSET, (byte)ncc);
        return ncc;
    }

    /**
     * The second half of {@link #advanceNextHop(Kdf)} for a batch: NH becomes the MAC of the record
     * {@link #stageNextHop} staged, once the kernel computed it, and NCC advances by one.
     *
     * @param records the batch, computed.
     * @param record  the record this context staged.
     * @return the new NCC.
     */
    public int advanceNextHop(final HmacRecords records, final int record)
    {
        final MutableDirectBuffer buffer = attached();
        if (records == null)
        {
            throw InvalidParameterException.missing("records", "an HmacRecords batch");
        }
        records.mac(record, buffer, offset + NH_OFFSET);
        final int ncc = (ncc() + 1) & MAX_NCC;
        buffer.putByte(offset + NCC_OFFSET, (byte)ncc);
        return ncc;
    }

    // ---------------------------------------------------------------------------------------------
    // Non-current context
    // ---------------------------------------------------------------------------------------------

    /**
     * @return whether a non-current context is kept.
     */
    public boolean hasNonCurrent()
    {
        return (contextFlags() & FLAG_NON_CURRENT_PRESENT) != 0;
    }

    /**
     * Keeps a non-current context: a KAMF and its ngKSI, replacing any kept before.
     *
     * @param kamf  KAMF, 32 octets.
     * @param ngKsi its ngKSI.
     * @return this.
     */
    public SecurityContext nonCurrent(final byte[] kamf, final int ngKsi)
    {
        requireKey("non-current-kamf", kamf);
        NgKsi.check("non-current-ngksi", ngKsi);
        Octets.copy(kamf, 0, attached(), offset + NON_CURRENT_KAMF_OFFSET, KEY_LENGTH);
        attached().putByte(offset + NON_CURRENT_NGKSI_OFFSET, (byte)ngKsi);
        contextFlags(contextFlags() | FLAG_NON_CURRENT_PRESENT);
        return this;
    }

    /**
     * Copies the non-current KAMF out (zeroes when none is kept).
     *
     * @param destination receives 32 octets.
     * @param at          where they start.
     */
    public void copyNonCurrentKamf(final byte[] destination, final int at)
    {
        requireRoom("non-current-kamf", destination, at);
        Octets.copy(attached(), offset + NON_CURRENT_KAMF_OFFSET, destination, at, KEY_LENGTH);
    }

    /**
     * @return the non-current context's ngKSI.
     */
    public int nonCurrentNgKsi()
    {
        return attached().getByte(offset + NON_CURRENT_NGKSI_OFFSET) & 0xFF;
    }

    /**
     * Drops the non-current context, zeroing its KAMF.
     *
     * @return this.
     */
    public SecurityContext dropNonCurrent()
    {
        Octets.zero(attached(), offset + NON_CURRENT_KAMF_OFFSET, KEY_LENGTH);
        attached().putByte(offset + NON_CURRENT_NGKSI_OFFSET, (byte)0);
        contextFlags(contextFlags() & ~FLAG_NON_CURRENT_PRESENT);
        return this;
    }

    /**
     * Swaps the current and non-current contexts' KAMF and ngKSI and recomputes the current KAMF's key
     * schedule. NAS COUNTs, NH and NCC are left for the procedure to set.
     *
     * @param kdf computes the new current KAMF's schedule.
     * @throws IllegalStateException when no non-current context is kept; nothing changes then.
     */
    public void swapCurrentAndNonCurrent(final Kdf kdf)
    {
        requireKdf(kdf);
        if (!hasNonCurrent())
        {
            throw new IllegalStateException("no non-current security context to swap with");
        }
        final MutableDirectBuffer buffer = attached();
        final int current = offset + KAMF_OFFSET;
        final int nonCurrent = offset + NON_CURRENT_KAMF_OFFSET;
        for (int i = 0; i < KEY_LENGTH; i += Long.BYTES)
        {
            final long word = buffer.getLong(current + i);
            buffer.putLong(current + i, buffer.getLong(nonCurrent + i));
            buffer.putLong(nonCurrent + i, word);
        }
        final byte ngKsi = buffer.getByte(offset + NGKSI_OFFSET);
        buffer.putByte(offset + NGKSI_OFFSET, buffer.getByte(offset + NON_CURRENT_NGKSI_OFFSET));
        buffer.putByte(offset + NON_CURRENT_NGKSI_OFFSET, ngKsi);
        kdf.computeSchedule(buffer, current, kamfSchedule);
    }

    // ---------------------------------------------------------------------------------------------
    // Flags and procedure state
    // ---------------------------------------------------------------------------------------------

    /**
     * @return the context flags, {@link #FLAG_NON_CURRENT_PRESENT} and others.
     */
    public int contextFlags()
    {
        return attached().getInt(offset + CONTEXT_FLAGS_OFFSET);
    }

    /**
     * @param flags the context flags.
     * @return this.
     */
    public SecurityContext contextFlags(final int flags)
    {
        attached().putInt(offset + CONTEXT_FLAGS_OFFSET, flags);
        return this;
    }

    /**
     * @return the procedures in flight, as the procedures' own state descriptor
     *         ({@code org.amfkeys.procedures.ProcedureStateDescriptor}) lays the bits out.
     */
    public int procedureState()
    {
        return attached().getInt(offset + PROCEDURE_STATE_OFFSET);
    }

    /**
     * @param state the procedures in flight.
     * @return this.
     */
    public SecurityContext procedureState(final int state)
    {
        attached().putInt(offset + PROCEDURE_STATE_OFFSET, state);
        return this;
    }

    /**
     * @return the uplink NAS COUNT of the latest NAS Security Mode Complete.
     */
    public long smcCompleteUplinkCount()
    {
        return attached().getInt(offset + SMC_COMPLETE_UPLINK_COUNT_OFFSET) & 0xFFFF_FFFFL;
    }

    /**
     * @param count the uplink NAS COUNT of the latest NAS Security Mode Complete, 0..2^24-1.
     * @return this.
     */
    public SecurityContext smcCompleteUplinkCount(final long count)
    {
        if (count < 0 || count > MAX_NAS_COUNT)
        {
            throw InvalidParameterException.outOfRange("smc-complete-ul-count", count, 0, MAX_NAS_COUNT);
        }
        attached().putInt(offset + SMC_COMPLETE_UPLINK_COUNT_OFFSET, (int)count);
        return this;
    }

    /**
     * @return the NAS algorithms a NAS Security Mode Command in flight selected, ciphering in the high
     *         four bits and integrity in the low four; taken into use when the UE completes it.
     */
    public int pendingNasAlgorithms()
    {
        return attached().getByte(offset + PENDING_NAS_ALGORITHMS_OFFSET) & 0xFF;
    }

    /**
     * @param ciphering the NAS ciphering algorithm of the command in flight, 0..15.
     * @param integrity its NAS integrity algorithm, 0..15.
     * @return this.
     */
    public SecurityContext pendingNasAlgorithms(final int ciphering, final int integrity)
    {
        InvalidParameterException.requireInRange("nas-enc", ciphering, 0, MAX_NAS_ALGORITHM);
        InvalidParameterException.requireInRange("nas-int", integrity, 0, MAX_NAS_ALGORITHM);
        attached().putByte(offset + PENDING_NAS_ALGORITHMS_OFFSET, (byte)(ciphering << 4 | integrity));
        return this;
    }

    /**
     * Forgets the algorithms of a NAS Security Mode Command that ended.
     *
     * @return this.
     */
    public SecurityContext clearPendingNasAlgorithms()
    {
        attached().putByte(offset + PENDING_NAS_ALGORITHMS_OFFSET, (byte)0);
        return this;
    }

    /**
     * @return the UL NAS COUNT a deferred context transfer was called with, 0..2^24-1.
     */
    public long deferredUplinkNasCount()
    {
        final MutableDirectBuffer buffer = attached();
        final int at = offset + DEFERRED_UPLINK_NAS_COUNT_OFFSET;
        return (buffer.getByte(at) & 0xFFL) << 16 | (buffer.getByte(at + 1) & 0xFFL) << 8 | buffer.getByte(at + 2) & 0xFFL;
    }

    /**
     * @param count the UL NAS COUNT a deferred context transfer was called with, 0..2^24-1; 0 once
     *              nothing waits.
     * @return this.
     */
    public SecurityContext deferredUplinkNasCount(final long count)
    {
        requireNasCount("deferred-ul-count", count);
        final MutableDirectBuffer buffer = attached();
        final int at = offset + DEFERRED_UPLINK_NAS_COUNT_OFFSET;
        buffer.putByte(at, (byte)(count >>> 16));
        buffer.putByte(at + 1, (byte)(count >>> 8));
        buffer.putByte(at + 2, (byte)count);
        return this;
    }

    // ---------------------------------------------------------------------------------------------

    /**
     * Zeroes the whole context, keys included.
     */
    public void clear()
    {
        Octets.zero(attached(), offset, LENGTH);
    }

    /**
     * @return the context's state without key material.
     */
    public String toString()
    {
        if (detached)
        {
            return "SecurityContext[detached]";
        }
        return "SecurityContext[ngKSI=" + NgKsi.toString(ngKsi()) +
            ", ncc=" + ncc() +
            ", ulCount=" + uplinkNasCount() +
            ", dlCount=" + downlinkNasCount() +
            ", nas=NEA" + nasCipheringAlgorithm() + "/NIA" + nasIntegrityAlgorithm() +
            ", kamfSchedule=" + (kamfSchedule.isComputed() ? "computed" : "empty") +
            ", nonCurrent=" + (hasNonCurrent() ? NgKsi.toString(nonCurrentNgKsi()) : "none") +
            ", flags=0x" + Integer.toHexString(contextFlags()) +
            ", procedures=0x" + Integer.toHexString(procedureState()) + "]";
    }

    /**
     * Checks a NAS COUNT given by a caller: 24 bits, NAS OVERFLOW then NAS SQN.
     *
     * @param parameter the parameter's name, for the error.
     * @param count     the COUNT, 0..{@value #MAX_NAS_COUNT}.
     * @return {@code count}.
     * @throws InvalidParameterException when out of range.
     */
    public static long requireNasCount(final String parameter, final long count)
    {
        if (count < 0 || count > MAX_NAS_COUNT)
        {
            throw InvalidParameterException.outOfRange(parameter, count, 0, MAX_NAS_COUNT);
        }
        return count;
    }

    /**
     * Checks a 256-bit key given by a caller (KAMF, KASME, NH, ...).
     *
     * @param parameter the parameter's name, for the error.
     * @param key       the key, 32 octets.
     * @throws InvalidParameterException when missing or of another length.
     */
    public static void requireKey(final String parameter, final byte[] key)
    {
        if (key == null)
        {
            throw InvalidParameterException.missing(parameter, KEY_LENGTH + " octets");
        }
        if (key.length != KEY_LENGTH)
        {
            throw InvalidParameterException.badLength(parameter, key.length, KEY_LENGTH + " octets");
        }
    }

    private static void requireKdf(final Kdf kdf)
    {
        if (kdf == null)
        {
            throw InvalidParameterException.missing("kdf", "a Kdf");
        }
    }

    private static void requireRoom(final String parameter, final byte[] destination, final int at)
    {
        if (destination == null)
        {
            throw InvalidParameterException.missing(parameter, "an array with room for " + KEY_LENGTH + " octets");
        }
        requireRoom(parameter, destination.length, at, KEY_LENGTH);
    }

    /**
     * Rejects {@code length} octets at {@code at} that do not fit: a short buffer by its length (a range
     * of offsets would go negative), else the offset by the range that fits.
     */
    private static void requireRoom(final String parameter, final int capacity, final int at, final int length)
    {
        if (capacity < length)
        {
            throw InvalidParameterException.badLength(parameter, capacity, "at least " + length + " octets");
        }
        if (at < 0 || at > capacity - length)
        {
            throw InvalidParameterException.outOfRange(parameter + "-offset", at, 0, capacity - length);
        }
    }

    private static int checkNasCount(final String parameter, final long count)
    {
        if (count < 0 || count > MAX_NAS_COUNT)
        {
            throw InvalidParameterException.outOfRange(parameter, count, 0, MAX_NAS_COUNT);
        }
        return (int)count;
    }
}
