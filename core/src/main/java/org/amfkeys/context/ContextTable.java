package org.amfkeys.context;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.UnsafeApi;
import org.amfkeys.InvalidParameterException;

import java.lang.ref.Cleaner;
import java.lang.ref.Reference;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.amfkeys.context.ContextIndexDescriptor.CONTROL_OFFSET;
import static org.amfkeys.context.ContextIndexDescriptor.LOCKED;
import static org.amfkeys.context.ContextIndexDescriptor.STATE_FREE;
import static org.amfkeys.context.ContextIndexDescriptor.STATE_LIVE;
import static org.amfkeys.context.ContextIndexDescriptor.STATE_MASK;
import static org.amfkeys.context.ContextIndexDescriptor.UE_ID_OFFSET;
import static org.amfkeys.context.ContextIndexDescriptor.VERSION_UNIT;
import static org.amfkeys.context.SecurityContextDescriptor.DOWNLINK_NAS_COUNT_OFFSET;
import static org.amfkeys.context.SecurityContextDescriptor.KEY_LENGTH;
import static org.amfkeys.context.SecurityContextDescriptor.NCC_OFFSET;
import static org.amfkeys.context.SecurityContextDescriptor.NH_OFFSET;
import static org.amfkeys.context.SecurityContextDescriptor.UPLINK_NAS_COUNT_OFFSET;

/**
 * The security contexts of every UE an AMF serves, in one off-heap open-addressing table that many
 * threads read and change at once.
 * <p>
 * <b>Layout.</b> An index of {@link ContextIndexDescriptor 16-octet entries} (a control word and the
 * UE identifier) is probed linearly from a hash of the 64-bit UE identifier; entry {@code i} owns slot
 * {@code i}, a {@link SecurityContextDescriptor 192-octet context}. The entry count is fixed at
 * creation: capacity divided by the load factor. All memory comes from one anonymous mapping that is
 * kept out of core dumps and may be locked in RAM ({@link TableMemory}).
 * <p>
 * <b>Concurrency.</b> Each entry's control word is a sequence lock. Reads take no lock: they copy what
 * they need and retry if a writer came by meanwhile, so they never return a torn context. Writers of
 * one UE exclude each other on that word alone; writers of different UEs never meet. Inserts of the
 * same UE identifier are serialised by one of up to {@value #MAX_INSERT_STRIPES} striped insert locks so a UE can
 * never be inserted twice; deletes take only the entry. Deleted entries are marked free rather than
 * emptied, so probe chains through them stay whole, and inserts reuse them. The operations the
 * procedures need are read-modify-writes done in place under the slot's lock
 * ({@link #advanceNextHop}, {@link #takeDownlinkNasCount}, {@link #swapCurrentAndNonCurrent}), or by
 * the caller on a claimed slot ({@link #tryClaim}, then {@link #commit} or {@link #abort}), so no caller
 * ever copies a context out, changes it and writes it back.
 * <p>
 * <b>Results.</b> A UE that is not in the table gives {@link #ABSENT} (or {@code false}), never an
 * exception. A full table refuses an insert with {@link ContextTableFullException} and evicts nobody.
 * Invalid arguments raise {@link InvalidParameterException} before anything changes.
 * <p>
 * <b>Key hygiene.</b> A slot's octets are zeroed when its UE is deleted and when the table is closed;
 * {@link #toString()} shows sizes only.
 * <p>
 * <b>Lifetime.</b> The table refuses a capacity whose memory the machine cannot back. {@link #close()}
 * zeroes what was used and gives the pages back at once; after it every method throws
 * {@link IllegalStateException}. A thread still inside an operation while another closes the table
 * does not crash the JVM, since the address range stays mapped until the table is unreachable and a
 * {@link Cleaner} unmaps it; a table never closed is wiped by that cleaner too. A thread holding a claim
 * must not lock again: whatever locks before the claim ends throws {@link IllegalStateException}.
 */
public final class ContextTable implements AutoCloseable
{
    /** Default share of entries in use when the table is at capacity. */
    public static final double DEFAULT_LOAD_FACTOR = 0.75;

    /** Smallest load factor accepted. */
    public static final double MIN_LOAD_FACTOR = 0.25;

    /** Largest load factor accepted; beyond it probe chains grow long. */
    public static final double MAX_LOAD_FACTOR = 0.9;

    /** Largest capacity in UEs. */
    public static final long MAX_CAPACITY = 1L << 30;

    /** Result of a lookup for a UE that is not in the table. */
    public static final int ABSENT = -1;

    /** Result of {@link #acceptUplinkNasCount}: {@link SecurityContext#REPLAYED}. */
    public static final int REPLAYED = SecurityContext.REPLAYED;

    /** Result of {@link #takeDownlinkNasCount} and {@link #acceptUplinkNasCount}: {@link SecurityContext#EXHAUSTED}. */
    public static final int EXHAUSTED = SecurityContext.EXHAUSTED;

    /** Most striped insert locks a table has; small tables have one per entry, rounded up to a power of two. */
    public static final int MAX_INSERT_STRIPES = 1024;

    private static final int CACHE_LINE = 64;
    private static final int SLOT_LENGTH = SecurityContextDescriptor.LENGTH;
    private static final int ENTRY_LENGTH = ContextIndexDescriptor.LENGTH;
    private static final int SPINS_BEFORE_YIELD = 128;
    private static final int SLOT_LINES = SLOT_LENGTH / CACHE_LINE;
    private static final int SLOT_LINE_SCHEDULE = 1 << (SecurityContextDescriptor.KAMF_SCHEDULE_OFFSET / CACHE_LINE);
    private static final int SLOT_LINE_NH = 1 << (NH_OFFSET / CACHE_LINE);
    private static final int SLOT_LINE_NCC = 1 << (NCC_OFFSET / CACHE_LINE);
    private static final long TOUCH_SENTINEL = 0x5A5A_5A5A_5A5A_5A5AL;
    private static final long MACHINE_CHECK_THRESHOLD = 256L << 20;

    private final long capacity;
    private final double loadFactor;
    private final int entries;
    private final TableMemory memory;
    private final long indexAddress;
    private final long slotsAddress;
    private final long stripesAddress;
    private final int stripeMask;
    private final AtomicLong resident = new AtomicLong();
    private final AtomicInteger longestProbe = new AtomicInteger();
    private volatile boolean closed;

    /** Unmaps the memory of tables that became unreachable; one thread for every table. */
    private static final Cleaner CLEANER = Cleaner.create();

    /**
     * The slot the calling thread has claimed, so that a lock taken before the claim ends is refused at
     * once instead of corrupting the cursor or waiting forever for itself.
     */
    private static final ThreadLocal<HeldSlot> HELD_SLOT = ThreadLocal.withInitial(HeldSlot::new);

    /**
     * A table for {@code capacity} UEs at the {@link #DEFAULT_LOAD_FACTOR default load factor}, not locked in RAM.
     *
     * @param capacity most UEs the table holds, 1..{@value #MAX_CAPACITY}.
     */
    public ContextTable(final long capacity)
    {
        this(capacity, DEFAULT_LOAD_FACTOR, false);
    }

    /**
     * A table for {@code capacity} UEs.
     *
     * @param capacity   most UEs the table holds, 1..{@value #MAX_CAPACITY}.
     * @param loadFactor share of entries in use at capacity, {@value #MIN_LOAD_FACTOR}..{@value #MAX_LOAD_FACTOR}.
     * @param lockInRam  whether to {@code mlock} the table's memory (needs a locked-memory limit that allows it).
     * @throws InvalidParameterException when an argument is out of range, or the table needs more memory
     *                                   than the kernel will back (physical memory plus swap, the commit
     *                                   limit under strict overcommit, or the control group's limit).
     * @throws IllegalStateException when the memory cannot be had or locked.
     */
    public ContextTable(final long capacity, final double loadFactor, final boolean lockInRam)
    {
        checkSize(capacity, loadFactor);
        this.capacity = capacity;
        this.loadFactor = loadFactor;
        this.entries = entriesFor(capacity, loadFactor);
        final long indexLength = indexLength(entries);
        final long slotsLength = (long)entries * SLOT_LENGTH;
        final int stripes = stripesFor(entries);
        stripeMask = stripes - 1;
        final long length = indexLength + slotsLength + (long)stripes * CACHE_LINE;
        refuseMoreThanTheMachineHolds(capacity, loadFactor, length);

        memory = TableMemory.allocate(length, new TableMemory.Units(indexLength, SLOT_LENGTH, entries), lockInRam,
            "a context table of " + capacity + " UEs");
        CLEANER.register(this, memory);
        indexAddress = memory.address();
        slotsAddress = indexAddress + indexLength;
        stripesAddress = slotsAddress + slotsLength;
    }

    /**
     * Octets a table of {@code capacity} UEs maps: index, slots and insert locks.
     *
     * @param capacity   most UEs, 1..{@value #MAX_CAPACITY}.
     * @param loadFactor {@value #MIN_LOAD_FACTOR}..{@value #MAX_LOAD_FACTOR}.
     * @return the octets.
     */
    public static long memoryFor(final long capacity, final double loadFactor)
    {
        checkSize(capacity, loadFactor);
        final int entries = entriesFor(capacity, loadFactor);
        return indexLength(entries) + (long)entries * SLOT_LENGTH + (long)stripesFor(entries) * CACHE_LINE;
    }

    private static void checkSize(final long capacity, final double loadFactor)
    {
        if (capacity < 1 || capacity > MAX_CAPACITY)
        {
            throw InvalidParameterException.outOfRange("capacity", capacity, 1, MAX_CAPACITY);
        }
        if (!(loadFactor >= MIN_LOAD_FACTOR && loadFactor <= MAX_LOAD_FACTOR))
        {
            throw new InvalidParameterException(
                "load-factor", loadFactor + " is out of range", MIN_LOAD_FACTOR + ".." + MAX_LOAD_FACTOR);
        }
        if (Math.ceil(capacity / loadFactor) >= Integer.MAX_VALUE)
        {
            // Entries are numbered by int; past that the table would wrap round on itself.
            throw InvalidParameterException.outOfRange("capacity", capacity, 1,
                (long)Math.floor((Integer.MAX_VALUE - 1) * loadFactor));
        }
    }

    private static int entriesFor(final long capacity, final double loadFactor)
    {
        return (int)Math.max(capacity + 1, (long)Math.ceil(capacity / loadFactor));
    }

    private static long indexLength(final int entries)
    {
        return align((long)entries * ENTRY_LENGTH, CACHE_LINE);
    }

    /** Each insert lock on its own cache line, so two inserters never share one. */
    private static int stripesFor(final int entries)
    {
        return Math.min(MAX_INSERT_STRIPES, Integer.highestOneBit(entries - 1) << 1);
    }

    /**
     * The kernel maps far more than the machine holds and the process then grows until it is killed;
     * refuse such a table up front instead, with the capacity that would fit.
     */
    private static void refuseMoreThanTheMachineHolds(final long capacity, final double loadFactor, final long length)
    {
        if (length < MACHINE_CHECK_THRESHOLD)
        {
            // Reading /proc costs more than mapping a small table; any machine that runs a JVM holds it.
            return;
        }
        final MachineMemory machine = MachineMemory.read();
        if (length <= machine.bytes())
        {
            return;
        }
        long fits = (long)(machine.bytes() / ((ENTRY_LENGTH + SLOT_LENGTH) / loadFactor));
        while (fits > 0 && memoryFor(fits, loadFactor) > machine.bytes())
        {
            fits -= 1 + fits / 1024;
        }
        throw new InvalidParameterException("capacity", capacity + " UEs need " + gibibytes(length) +
            " of memory at load factor " + loadFactor + ", more than this machine can back (" +
            gibibytes(machine.bytes()) + ", " + machine.basis() + ")",
            fits < 1 ? "none: not even one UE fits" : "1.." + fits + " on this machine");
    }

    private static String gibibytes(final long octets)
    {
        return String.format(java.util.Locale.ROOT, "%.1f GiB", octets / (double)(1L << 30));
    }

    // ---------------------------------------------------------------------------------------------
    // Sizes
    // ---------------------------------------------------------------------------------------------

    /**
     * @return most UEs the table holds.
     */
    public long capacity()
    {
        ensureOpen();
        return capacity;
    }

    /**
     * @return the load factor the table was created with.
     */
    public double loadFactor()
    {
        ensureOpen();
        return loadFactor;
    }

    /**
     * @return number of index entries (and slots), fixed at creation.
     */
    public int entries()
    {
        ensureOpen();
        return entries;
    }

    /**
     * @return UEs in the table now.
     */
    public long size()
    {
        ensureOpen();
        return resident.get();
    }

    /**
     * @return octets of memory the table mapped: index, slots and insert locks.
     */
    public long memoryBytes()
    {
        ensureOpen();
        return memory.length();
    }

    /**
     * @return memory per UE when the table is at capacity, empty entries included.
     */
    public double bytesPerUe()
    {
        ensureOpen();
        return (double)memory.length() / capacity;
    }

    /**
     * @return the longest probe any insert has needed, in entries after the first.
     */
    public int longestProbe()
    {
        ensureOpen();
        return longestProbe.get();
    }

    /**
     * @return whether the table's memory is excluded from core dumps.
     */
    public boolean excludedFromCoreDumps()
    {
        ensureOpen();
        return memory.excludedFromCoreDumps();
    }

    /**
     * @return whether the table's memory is locked in RAM.
     */
    public boolean lockedInRam()
    {
        ensureOpen();
        return memory.lockedInRam();
    }

    /**
     * The index entry where the probe for a UE starts; for diagnostics and tests of probe chains.
     *
     * @param ueId the UE identifier.
     * @return 0..{@link #entries()}-1.
     */
    public int homeEntry(final long ueId)
    {
        ensureOpen();
        return home(hash(ueId));
    }

    // ---------------------------------------------------------------------------------------------
    // Insert and delete
    // ---------------------------------------------------------------------------------------------

    /**
     * Inserts a UE with a copy of {@code context}.
     *
     * @param ueId    the UE identifier, any 64-bit value.
     * @param context the UE's initial context; copied, so the caller may clear it afterwards.
     * @return true when inserted, false when the UE is already in the table (its context unchanged).
     * @throws ContextTableFullException when the table holds {@link #capacity()} UEs already.
     */
    public boolean insert(final long ueId, final SecurityContext context)
    {
        ensureOpen();
        if (context == null)
        {
            throw InvalidParameterException.missing("context", "a SecurityContext");
        }
        requireWholeContext("context", context);
        if (!context.kamfSchedule().isComputed() && !context.hasNonCurrent())
        {
            // An all-zero context would key every derivation with an all-zero KAMF.
            throw new InvalidParameterException("context", "holds no key: neither a current KAMF nor a non-current one",
                "a context whose KAMF was set with SecurityContext.kamf, or that keeps a non-current context");
        }
        refuseInsideUpdate();
        final long hash = hash(ueId);
        final long stripe = stripeAddress(hash);
        lockStripe(stripe);
        try
        {
            final int home = home(hash);
            int free = -1;
            int entry = home;
            for (int distance = 0; ; distance++)
            {
                final long control = UnsafeApi.getLongVolatile(null, controlAddress(entry));
                if (control == 0)
                {
                    if (free < 0)
                    {
                        free = entry;
                    }
                    break;
                }
                final long state = control & STATE_MASK;
                if (state == STATE_LIVE)
                {
                    if (UnsafeApi.getLong(ueIdAddress(entry)) == ueId)
                    {
                        return false;
                    }
                }
                else if (free < 0 && (control & LOCKED) == 0)
                {
                    free = entry;
                }
                if (distance > longestProbe.get() && free >= 0)
                {
                    break;
                }
                entry = next(entry);
            }

            reserveCapacity();
            claimAndPublish(ueId, context, home, free);
            return true;
        }
        finally
        {
            unlockStripe(stripe);
            Reference.reachabilityFence(this);
        }
    }

    /**
     * Deletes a UE, zeroing its slot.
     *
     * @param ueId the UE identifier.
     * @return true when deleted, false when the UE was not in the table.
     */
    public boolean delete(final long ueId)
    {
        ensureOpen();
        refuseInsideUpdate();
        try
        {
            final int entry = lock(ueId, home(hash(ueId)));
            if (entry < 0)
            {
                return false;
            }
            freeLocked(entry);
            return true;
        }
        finally
        {
            Reference.reachabilityFence(this);
        }
    }

    /**
     * Deletes a UE, zeroing its slot, if its context allows it: {@code precondition} sees the context
     * under the slot's lock first, and when it throws the UE stays as it was and the exception passes on.
     * The lock is held from the check to the delete, so no other writer can change what was checked.
     *
     * @param ueId         the UE identifier.
     * @param cursor       the calling thread's cursor.
     * @param precondition reads the context and throws to refuse the delete; must not change it.
     * @return true when deleted, false when the UE was not in the table.
     * @throws IllegalStateException when this thread holds a claim ({@link #tryClaim}, or inside an {@link #update}).
     */
    public boolean delete(final long ueId, final ContextCursor cursor, final ContextUpdate precondition)
    {
        if (precondition == null)
        {
            throw InvalidParameterException.missing("precondition", "a ContextUpdate");
        }
        final SecurityContext context = tryClaim(ueId, cursor);
        if (context == null)
        {
            return false;
        }
        try
        {
            precondition.apply(context);
        }
        catch (final RuntimeException ex)
        {
            abort(cursor);
            throw closedUnderneath(ex);
        }
        catch (final Error ex)
        {
            abort(cursor);
            throw ex;
        }
        commitDelete(cursor);
        return true;
    }

    // ---------------------------------------------------------------------------------------------
    // Lock-free reads
    // ---------------------------------------------------------------------------------------------

    /**
     * @param ueId the UE identifier.
     * @return whether the UE is in the table.
     */
    public boolean contains(final long ueId)
    {
        ensureOpen();
        try
        {
            return find(ueId, home(hash(ueId))) >= 0;
        }
        finally
        {
            Reference.reachabilityFence(this);
        }
    }

    /**
     * Copies a consistent snapshot of a UE's context.
     *
     * @param ueId     the UE identifier.
     * @param snapshot receives the context; unchanged when the UE is absent.
     * @return true when copied, false when the UE is not in the table.
     * @throws IllegalStateException when this thread holds the UE's claim ({@link #tryClaim}, or inside its {@link #update}).
     */
    public boolean read(final long ueId, final SecurityContext snapshot)
    {
        ensureOpen();
        if (snapshot == null)
        {
            throw InvalidParameterException.missing("snapshot", "a SecurityContext");
        }
        requireWholeContext("snapshot", snapshot);
        final MutableDirectBuffer buffer = snapshot.buffer();
        final Object base = buffer.byteArray();
        final long to = buffer.addressOffset() + snapshot.offset();
        final int home = home(hash(ueId));
        try
        {
            for (int attempt = 0; ; attempt++)
            {
                final int entry = find(ueId, home);
                if (entry < 0)
                {
                    return false;
                }
                final long control = stableControl(entry, ueId);
                if (control != 0)
                {
                    copyWords(slotAddress(entry), base, to, SLOT_LENGTH);
                    if (validate(entry, control))
                    {
                        return true;
                    }
                }
                awaitWriter(entry, attempt);
            }
        }
        finally
        {
            Reference.reachabilityFence(this);
        }
    }

    /**
     * Reads NH and its NCC together.
     *
     * @param ueId the UE identifier.
     * @param nh   receives NH, 32 octets; unchanged when the UE is absent.
     * @param at   where NH starts in {@code nh}.
     * @return NCC, 0..7, or {@link #ABSENT}.
     * @throws IllegalStateException when this thread holds the UE's claim ({@link #tryClaim}, or inside its {@link #update}).
     */
    public int readNextHop(final long ueId, final byte[] nh, final int at)
    {
        ensureOpen();
        checkKeyOutput("nh", nh, at, 1);
        try
        {
            return readNextHopOf(ueId, nh, at);
        }
        finally
        {
            Reference.reachabilityFence(this);
        }
    }

    /**
     * Reads NH and NCC of many UEs. Faster per UE than {@link #readNextHop} one by one on a large table:
     * the memory of every UE in the batch is requested at once, so the cache misses overlap instead of
     * following each other.
     *
     * @param ueIds the UE identifiers, {@code count} of them from index 0.
     * @param count how many, 0..{@code ueIds.length}.
     * @param nccs  receives each UE's NCC, or {@link #ABSENT}; at least {@code count} long.
     * @param nhs   receives each UE's NH at {@code 32 * i}; at least {@code 32 * count} long.
     */
    public void readNextHops(final long[] ueIds, final int count, final int[] nccs, final byte[] nhs)
    {
        ensureOpen();
        checkBatch(ueIds, count, nccs);
        checkKeyOutput("nhs", nhs, 0, count);
        try
        {
            touchBatch(ueIds, count, SLOT_LINE_NH | SLOT_LINE_NCC);
            for (int i = 0; i < count; i++)
            {
                nccs[i] = readNextHopOf(ueIds[i], nhs, i * KEY_LENGTH);
            }
        }
        finally
        {
            Reference.reachabilityFence(this);
        }
    }

    /**
     * Steps the NH chains of many UEs, as {@link #advanceNextHop} does for one, with the cache misses of
     * the whole batch overlapped.
     *
     * @param ueIds  the UE identifiers, {@code count} of them from index 0.
     * @param count  how many, 0..{@code ueIds.length}.
     * @param cursor the calling thread's cursor.
     * @param nccs   receives each UE's new NCC, or {@link #ABSENT}; at least {@code count} long.
     * @throws IllegalStateException when this thread holds a claim ({@link #tryClaim}, or inside an {@link #update}).
     */
    public void advanceNextHops(final long[] ueIds, final int count, final ContextCursor cursor, final int[] nccs)
    {
        ensureOpen();
        checkBatch(ueIds, count, nccs);
        checkCursor(cursor);
        refuseInsideUpdate();
        try
        {
            touchBatch(ueIds, count, SLOT_LINE_SCHEDULE | SLOT_LINE_NH | SLOT_LINE_NCC);
            for (int i = 0; i < count; i++)
            {
                nccs[i] = advanceNextHopOf(ueIds[i], cursor);
            }
        }
        finally
        {
            Reference.reachabilityFence(this);
        }
    }

    /**
     * Reads the downlink NAS COUNT the next downlink NAS message will use, without taking it.
     *
     * @param ueId the UE identifier.
     * @return the COUNT, 0..2^24-1, or {@link #ABSENT}.
     */
    public long downlinkNasCount(final long ueId)
    {
        return readCount(ueId, DOWNLINK_NAS_COUNT_OFFSET);
    }

    /**
     * Reads the next uplink NAS COUNT expected.
     *
     * @param ueId the UE identifier.
     * @return the COUNT, 0..2^24-1, or {@link #ABSENT}.
     */
    public long uplinkNasCount(final long ueId)
    {
        return readCount(ueId, UPLINK_NAS_COUNT_OFFSET);
    }

    // ---------------------------------------------------------------------------------------------
    // Read-modify-writes under the slot's lock
    // ---------------------------------------------------------------------------------------------

    /**
     * Steps the UE's NH chain: NH becomes KDF(KAMF, NH) (TS 33.501 A.10) and NCC advances by one,
     * together, as a Path Switch or N2 handover needs.
     *
     * @param ueId   the UE identifier.
     * @param cursor the calling thread's cursor.
     * @return the new NCC, 0..7, or {@link #ABSENT}.
     * @throws IllegalStateException when this thread holds a claim ({@link #tryClaim}, or inside an {@link #update}).
     */
    public int advanceNextHop(final long ueId, final ContextCursor cursor)
    {
        ensureOpen();
        checkCursor(cursor);
        refuseInsideUpdate();
        try
        {
            return advanceNextHopOf(ueId, cursor);
        }
        finally
        {
            Reference.reachabilityFence(this);
        }
    }

    /**
     * Takes the downlink NAS COUNT for the next downlink NAS message: returns it and advances the
     * stored COUNT by one.
     *
     * @param ueId the UE identifier.
     * @return the COUNT to use, {@link #EXHAUSTED} when the last one was used (nothing changes then), or
     *         {@link #ABSENT}.
     * @throws IllegalStateException when this thread holds a claim ({@link #tryClaim}, or inside an {@link #update}).
     */
    public long takeDownlinkNasCount(final long ueId)
    {
        ensureOpen();
        refuseInsideUpdate();
        try
        {
            final int entry = lock(ueId, home(hash(ueId)));
            if (entry < 0)
            {
                return ABSENT;
            }
            try
            {
                final long address = slotAddress(entry) + DOWNLINK_NAS_COUNT_OFFSET;
                final long count = UnsafeApi.getInt(address) & 0xFFFF_FFFFL;
                final long next = SecurityContext.downlinkNasCountAfter(count);
                if (next < 0)
                {
                    return next;
                }
                UnsafeApi.putInt(address, (int)next);
                return count;
            }
            finally
            {
                unlock(entry);
            }
        }
        finally
        {
            Reference.reachabilityFence(this);
        }
    }

    /**
     * Accepts the uplink NAS COUNT of a received message, by the rule of
     * {@link SecurityContext#acceptUplinkNasCount}: the next COUNT expected becomes {@code count + 1}, so
     * it never goes back and no COUNT is accepted twice under one key.
     *
     * @param ueId  the UE identifier.
     * @param count the message's uplink NAS COUNT, 0..2^24-1.
     * @return the next uplink COUNT expected afterwards, {@link #REPLAYED} when {@code count} is below
     *         it, {@link #EXHAUSTED} when it is the last COUNT (nothing changes then), or {@link #ABSENT}.
     * @throws IllegalStateException when this thread holds a claim ({@link #tryClaim}, or inside an {@link #update}).
     */
    public long acceptUplinkNasCount(final long ueId, final long count)
    {
        if (count < 0 || count > SecurityContext.MAX_NAS_COUNT)
        {
            throw InvalidParameterException.outOfRange("ul-count", count, 0, SecurityContext.MAX_NAS_COUNT);
        }
        ensureOpen();
        refuseInsideUpdate();
        try
        {
            final int entry = lock(ueId, home(hash(ueId)));
            if (entry < 0)
            {
                return ABSENT;
            }
            try
            {
                final long address = slotAddress(entry) + UPLINK_NAS_COUNT_OFFSET;
                final long next = SecurityContext.uplinkNasCountAfter(UnsafeApi.getInt(address) & 0xFFFF_FFFFL, count);
                if (next >= 0)
                {
                    UnsafeApi.putInt(address, (int)next);
                }
                return next;
            }
            finally
            {
                unlock(entry);
            }
        }
        finally
        {
            Reference.reachabilityFence(this);
        }
    }

    /**
     * Swaps the current and non-current contexts (KAMF and ngKSI) and recomputes the current KAMF's key
     * schedule, as a key change that completes needs.
     *
     * @param ueId   the UE identifier.
     * @param cursor the calling thread's cursor.
     * @return true when swapped, false when the UE is not in the table.
     * @throws IllegalStateException when the UE has no non-current context (nothing changes then), or
     *                               when called from inside an {@link #update} on this thread.
     */
    public boolean swapCurrentAndNonCurrent(final long ueId, final ContextCursor cursor)
    {
        ensureOpen();
        checkCursor(cursor);
        refuseInsideUpdate();
        try
        {
            final int entry = lock(ueId, home(hash(ueId)));
            if (entry < 0)
            {
                return false;
            }
            try
            {
                cursor.wrapSlot(slotAddress(entry)).swapCurrentAndNonCurrent(cursor.kdf());
                return true;
            }
            catch (final RuntimeException ex)
            {
                throw closedUnderneath(ex);
            }
            finally
            {
                cursor.detach();
                unlock(entry);
            }
        }
        finally
        {
            Reference.reachabilityFence(this);
        }
    }

    /**
     * Locks a UE's slot for a change in place and hands out the context over it, as a ring buffer's
     * {@code tryClaim} hands out room for a record: change it, then {@link #commit} to publish the change
     * or {@link #abort} to put the slot back byte for byte as it was at the claim. Exactly one of them
     * must follow, on this thread, before the cursor claims again; readers of the UE retry and its other
     * writers wait meanwhile, so keep the claim short.
     * <p>
     * While the claim is held, any call on this thread that would lock a slot (of this table or another)
     * throws {@link IllegalStateException} at once and changes nothing, and so does a read of the claimed
     * UE; one thread holds one slot at a time, so two threads can never wait for each other. The context
     * is valid until the claim ends; used afterwards it throws {@link IllegalStateException}.
     *
     * @param ueId   the UE identifier.
     * @param cursor the calling thread's cursor, which keeps the claim.
     * @return the UE's context, a flyweight over its locked slot; or null when the UE is not in the table
     *         (nothing is claimed then).
     * @throws IllegalStateException when this thread already holds a claim, or the table or cursor is closed.
     */
    public SecurityContext tryClaim(final long ueId, final ContextCursor cursor)
    {
        ensureOpen();
        checkCursor(cursor);
        final HeldSlot held = HELD_SLOT.get();
        if (held.table != null)
        {
            throw reentered("a claim");
        }
        try
        {
            final int entry = lock(ueId, home(hash(ueId)));
            if (entry < 0)
            {
                return null;
            }
            try
            {
                final SecurityContext context = cursor.claim(this, entry, slotAddress(entry));
                held.table = this;
                held.entry = entry;
                return context;
            }
            catch (final RuntimeException ex)
            {
                unlock(entry);
                throw ex;
            }
        }
        finally
        {
            Reference.reachabilityFence(this);
        }
    }

    /**
     * Publishes the change made to a claimed context and unlocks its slot: readers see all of it or,
     * before this, none of it.
     *
     * @param cursor the cursor holding the claim.
     * @throws IllegalStateException when the cursor holds no claim on this table, or the table is closed
     *                               (a claim it held ends then, and its change is lost).
     */
    public void commit(final ContextCursor cursor)
    {
        checkCursor(cursor);
        final int entry = claimedEntry(cursor);
        try
        {
            endClaim(cursor);
            unlock(entry);
        }
        finally
        {
            Reference.reachabilityFence(this);
        }
    }

    /**
     * Puts a claimed slot back, byte for byte, as it was at {@link #tryClaim}, and unlocks it; readers
     * never saw the change.
     *
     * @param cursor the cursor holding the claim.
     * @throws IllegalStateException when the cursor holds no claim on this table, or the table is closed
     *                               (a claim it held ends then, and its change is lost).
     */
    public void abort(final ContextCursor cursor)
    {
        checkCursor(cursor);
        final int entry = claimedEntry(cursor);
        try
        {
            restoreUnlessClosed(cursor);
            endClaim(cursor);
            unlock(entry);
        }
        finally
        {
            Reference.reachabilityFence(this);
        }
    }

    /**
     * Ends a claim by deleting the UE, its slot zeroed: the end of a procedure that checked, under the
     * claim, that the UE may go (no other writer can change what was checked).
     *
     * @param cursor the cursor holding the claim.
     * @throws IllegalStateException when the cursor holds no claim on this table, or the table is closed
     *                               (a claim it held ends then, and its change is lost).
     */
    public void commitDelete(final ContextCursor cursor)
    {
        checkCursor(cursor);
        final int entry = claimedEntry(cursor);
        try
        {
            endClaim(cursor);
            freeLocked(entry);
        }
        finally
        {
            Reference.reachabilityFence(this);
        }
    }

    /**
     * Changes a UE's context in place under its slot's lock. If {@code update} throws, the context is
     * restored to what it was and the exception passes on.
     * <p>
     * The callback must not lock again: any call of this table (or another) that locks a slot, made
     * from inside it on this thread, throws {@link IllegalStateException} at once and changes nothing,
     * and so does a read of the UE being updated. The {@link SecurityContext} it is given is valid only
     * during the call; used afterwards it throws {@link IllegalStateException}.
     *
     * @param ueId   the UE identifier.
     * @param cursor the calling thread's cursor.
     * @param update the change.
     * @return true when applied, false when the UE is not in the table.
     * @throws IllegalStateException when this thread holds a claim ({@link #tryClaim}, or inside an {@link #update}).
     */
    public boolean update(final long ueId, final ContextCursor cursor, final ContextUpdate update)
    {
        if (update == null)
        {
            throw InvalidParameterException.missing("update", "a ContextUpdate");
        }
        final SecurityContext context = tryClaim(ueId, cursor);
        if (context == null)
        {
            return false;
        }
        try
        {
            update.apply(context);
        }
        catch (final RuntimeException ex)
        {
            abort(cursor);
            throw closedUnderneath(ex);
        }
        catch (final Error ex)
        {
            abort(cursor);
            throw ex;
        }
        commit(cursor);
        return true;
    }

    // ---------------------------------------------------------------------------------------------

    /**
     * Zeroes every slot that held a context and gives the memory back to the system; quick whatever
     * the capacity, as only the slots that held a UE are touched. Afterwards every method but
     * {@code close}, {@link #isClosed()} and {@code toString} throws {@link IllegalStateException}.
     * <p>
     * Close a table once its users are done with it. A thread still inside an operation when another
     * closes the table does not crash the JVM: the address range stays mapped (as zero pages, the keys
     * already wiped) until the table is unreachable, when a cleaner unmaps it; such a thread sees the
     * UE absent or its change lost. A table never closed is wiped and unmapped by that cleaner, which
     * logs the first one.
     */
    public synchronized void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        memory.wipe();
    }

    /**
     * @return whether {@link #close()} was called.
     */
    public boolean isClosed()
    {
        return closed;
    }

    /**
     * @return sizes and state, never key material.
     */
    public String toString()
    {
        return "ContextTable[ues=" + resident.get() + "/" + capacity +
            ", entries=" + entries +
            ", bytes=" + memory.length() +
            ", longestProbe=" + longestProbe.get() +
            ", excludedFromCoreDumps=" + memory.excludedFromCoreDumps() +
            ", lockedInRam=" + memory.lockedInRam() +
            (closed ? ", closed" : "") + "]";
    }

    // ---------------------------------------------------------------------------------------------
    // Test hooks (package-private)
    // ---------------------------------------------------------------------------------------------

    /**
     * Key-hygiene audit: whether any slot still holds {@code octets}, such as the KAMF of a deleted
     * context, at any offset. Reads every slot without locks; meant for tests and audits, not for
     * lookups.
     *
     * @param octets the octet string to look for, at least 8 octets.
     * @return true when some slot holds it.
     */
    public boolean slotsContain(final byte[] octets)
    {
        ensureOpen();
        if (octets == null || octets.length < Long.BYTES)
        {
            throw InvalidParameterException.badLength("octets", octets == null ? 0 : octets.length, "8 octets or more");
        }
        try
        {
            final long end = (long)entries * SLOT_LENGTH - octets.length;
            for (long at = 0; at <= end; at++)
            {
                int i = 0;
                while (i < octets.length && UnsafeApi.getByte(slotsAddress + at + i) == octets[i])
                {
                    i++;
                }
                if (i == octets.length)
                {
                    return true;
                }
            }
            return false;
        }
        finally
        {
            Reference.reachabilityFence(this);
        }
    }

    long memoryAddress()
    {
        return indexAddress;
    }

    int entryOf(final long ueId)
    {
        return find(ueId, home(hash(ueId)));
    }

    boolean slotIsZero(final int entry)
    {
        final long slot = slotAddress(entry);
        for (int i = 0; i < SLOT_LENGTH; i += Long.BYTES)
        {
            if (UnsafeApi.getLong(slot + i) != 0)
            {
                return false;
            }
        }
        return true;
    }

    // ---------------------------------------------------------------------------------------------
    // Probing and the sequence lock
    // ---------------------------------------------------------------------------------------------

    /**
     * @return the entry that held {@code ueId} live when its control word was read, or -1. The caller
     * validates it again under the sequence lock, since it may have changed since.
     */
    private int find(final long ueId, final int home)
    {
        final int limit = longestProbe.get();
        int entry = home;
        for (int distance = 0; distance <= limit; distance++)
        {
            final long control = UnsafeApi.getLongVolatile(null, controlAddress(entry));
            if (control == 0)
            {
                return -1;
            }
            if ((control & STATE_MASK) == STATE_LIVE && UnsafeApi.getLong(ueIdAddress(entry)) == ueId)
            {
                return entry;
            }
            entry = next(entry);
        }
        return -1;
    }

    /**
     * @return the entry's control word when it is unlocked and holds {@code ueId} live, else 0 (retry).
     */
    private long stableControl(final int entry, final long ueId)
    {
        final long control = UnsafeApi.getLongVolatile(null, controlAddress(entry));
        if ((control & LOCKED) != 0 || (control & STATE_MASK) != STATE_LIVE ||
            UnsafeApi.getLong(ueIdAddress(entry)) != ueId)
        {
            return 0;
        }
        return control;
    }

    /**
     * @return whether no writer touched the entry since its control word read {@code control}.
     */
    private boolean validate(final int entry, final long control)
    {
        UnsafeApi.loadFence();
        return UnsafeApi.getLongVolatile(null, controlAddress(entry)) == control;
    }

    private long readCount(final long ueId, final int offset)
    {
        ensureOpen();
        final int home = home(hash(ueId));
        try
        {
            for (int attempt = 0; ; attempt++)
            {
                final int entry = find(ueId, home);
                if (entry < 0)
                {
                    return ABSENT;
                }
                final long control = stableControl(entry, ueId);
                if (control != 0)
                {
                    final long count = UnsafeApi.getInt(slotAddress(entry) + offset) & 0xFFFF_FFFFL;
                    if (validate(entry, control))
                    {
                        return count;
                    }
                }
                awaitWriter(entry, attempt);
            }
        }
        finally
        {
            Reference.reachabilityFence(this);
        }
    }

    private int readNextHopOf(final long ueId, final byte[] nh, final int at)
    {
        final int home = home(hash(ueId));
        final long to = UnsafeApi.arrayBaseOffset(byte[].class) + at;
        for (int attempt = 0; ; attempt++)
        {
            final int entry = find(ueId, home);
            if (entry < 0)
            {
                return ABSENT;
            }
            final long control = stableControl(entry, ueId);
            if (control != 0)
            {
                final long slot = slotAddress(entry);
                final int ncc = UnsafeApi.getByte(slot + NCC_OFFSET);
                copyWords(slot + NH_OFFSET, nh, to, KEY_LENGTH);
                if (validate(entry, control))
                {
                    return ncc;
                }
            }
            awaitWriter(entry, attempt);
        }
    }

    private int advanceNextHopOf(final long ueId, final ContextCursor cursor)
    {
        final int entry = lock(ueId, home(hash(ueId)));
        if (entry < 0)
        {
            return ABSENT;
        }
        try
        {
            return cursor.wrapSlot(slotAddress(entry)).advanceNextHop(cursor.kdf());
        }
        catch (final RuntimeException ex)
        {
            throw closedUnderneath(ex);
        }
        finally
        {
            cursor.detach();
            unlock(entry);
        }
    }

    /**
     * Waits for the writer of {@code entry} to leave; refuses at once when that writer is an
     * {@link #update} of this very thread, which would otherwise wait for itself forever.
     */
    private void awaitWriter(final int entry, final int attempt)
    {
        if (attempt == 0)
        {
            final HeldSlot held = HELD_SLOT.get();
            if (held.table == this && held.entry == entry)
            {
                throw reentered("a read of the UE being updated");
            }
            if (held.table != null)
            {
                // Its writer may itself be waiting, inside its own update, to read the UE this one holds.
                throw reentered("a read that would wait for another writer");
            }
        }
        backOff(attempt);
    }

    /**
     * @return the entry the cursor claimed here. A claim that outlived the table ends here, without
     *         writing anything back, before the closed table refuses the call.
     */
    private int claimedEntry(final ContextCursor cursor)
    {
        if (closed)
        {
            if (cursor.hasClaimOn(this))
            {
                final int entry = cursor.claimedEntry(this);
                endClaim(cursor);
                unlock(entry);
            }
            throw closedException();
        }
        return cursor.claimedEntry(this);
    }

    /**
     * Forgets the claim on the thread and in the cursor; the caller unlocks or frees the entry.
     */
    private static void endClaim(final ContextCursor cursor)
    {
        final HeldSlot held = HELD_SLOT.get();
        held.table = null;
        held.entry = -1;
        cursor.endClaim();
    }

    /**
     * A slot a close wiped meanwhile stays wiped: restoring it would write the keys back.
     */
    private void restoreUnlessClosed(final ContextCursor cursor)
    {
        if (!closed)
        {
            cursor.restoreSlot();
        }
    }

    /**
     * A lock taken inside an update could deadlock against another thread's, and would clobber the
     * cursor the update is using; nothing that locks may run there.
     */
    private static void refuseInsideUpdate()
    {
        if (HELD_SLOT.get().table != null)
        {
            throw reentered("a call that locks a UE's slot");
        }
    }

    private static IllegalStateException reentered(final String what)
    {
        return new IllegalStateException(what + " was made while this thread holds a claimed slot (between " +
            "ContextTable.tryClaim and its commit or abort, or inside an update); end the claim first");
    }

    /**
     * The caller's flyweight must still span a whole context: its buffer is the caller's, and may have
     * been wrapped smaller since, while the table copies the context with raw memory operations.
     */
    private static void requireWholeContext(final String parameter, final SecurityContext context)
    {
        if (context == null)
        {
            throw InvalidParameterException.missing(parameter, "a SecurityContext");
        }
        final MutableDirectBuffer buffer = context.buffer();
        if (context.offset() < 0 || buffer.capacity() - context.offset() < SLOT_LENGTH)
        {
            throw InvalidParameterException.badLength(parameter, Math.max(0, buffer.capacity() - context.offset()),
                SLOT_LENGTH + " octets from its offset");
        }
    }

    private static void checkCursor(final ContextCursor cursor)
    {
        if (cursor == null)
        {
            throw InvalidParameterException.missing("cursor", "a ContextCursor of the calling thread");
        }
    }

    private static void checkKeyOutput(final String parameter, final byte[] output, final int at, final int keys)
    {
        if (output == null)
        {
            throw InvalidParameterException.missing(parameter, KEY_LENGTH * keys + " octets");
        }
        final long needed = (long)KEY_LENGTH * keys;
        if (output.length < needed)
        {
            throw InvalidParameterException.badLength(parameter, output.length, "at least " + needed + " octets");
        }
        if (at < 0 || at > output.length - needed)
        {
            throw InvalidParameterException.outOfRange(parameter + "-offset", at, 0, output.length - needed);
        }
    }

    private static void checkBatch(final long[] ueIds, final int count, final int[] results)
    {
        if (ueIds == null)
        {
            throw InvalidParameterException.missing("ue-ids", "an array of UE identifiers");
        }
        if (count < 0 || count > ueIds.length)
        {
            throw InvalidParameterException.outOfRange("count", count, 0, ueIds.length);
        }
        if (results == null || results.length < count)
        {
            throw results == null ? InvalidParameterException.missing("results", "one int per UE") :
                InvalidParameterException.badLength("results", results.length, "at least " + count + " entries");
        }
    }

    /**
     * Brings the index entries and the given cache lines of the slots of every UE in a batch into the
     * cache, in two sweeps that each ask for the whole batch's memory before waiting for any of it:
     * first the home index entries, then, with the probes now running in cache, the slots where the
     * UEs actually are. A random UE on a large table costs two dependent cache misses; this way the
     * processor keeps a batch's misses in flight together, and the real reads that follow hit the cache.
     */
    private void touchBatch(final long[] ueIds, final int count, final int slotLines)
    {
        long sink = 0;
        for (int i = 0; i < count; i++)
        {
            sink += UnsafeApi.getLong(controlAddress(home(hash(ueIds[i]))));
        }
        for (int i = 0; i < count; i++)
        {
            final long ueId = ueIds[i];
            final int entry = find(ueId, home(hash(ueId)));
            if (entry >= 0)
            {
                final long slot = slotAddress(entry);
                for (int line = 0; line < SLOT_LINES; line++)
                {
                    if ((slotLines & (1 << line)) != 0)
                    {
                        sink += UnsafeApi.getLong(slot + line * CACHE_LINE);
                    }
                }
            }
        }
        // A use the compiler cannot drop, so neither can it drop the loads.
        if (sink == TOUCH_SENTINEL)
        {
            Thread.onSpinWait();
        }
    }

    /**
     * Copies whole words out of a slot; for the short copies of a read, cheaper than {@code copyMemory}.
     */
    private static void copyWords(final long from, final Object toBase, final long to, final int length)
    {
        for (int i = 0; i < length; i += Long.BYTES)
        {
            UnsafeApi.putLong(toBase, to + i, UnsafeApi.getLong(from + i));
        }
    }

    /**
     * Locks the entry holding {@code ueId}.
     *
     * @return the entry, or -1 when the UE is not in the table.
     */
    private int lock(final long ueId, final int home)
    {
        for (int attempt = 0; ; attempt++)
        {
            final int entry = find(ueId, home);
            if (entry < 0)
            {
                return -1;
            }
            final long control = stableControl(entry, ueId);
            if (control != 0 && UnsafeApi.compareAndSetLong(null, controlAddress(entry), control, control | LOCKED))
            {
                return entry;
            }
            backOff(attempt);
        }
    }

    /**
     * Zeroes a locked entry's slot and marks the entry free, which also unlocks it.
     */
    private void freeLocked(final int entry)
    {
        UnsafeApi.setMemory(slotAddress(entry), SLOT_LENGTH, (byte)0);
        final long controlAddress = controlAddress(entry);
        final long control = UnsafeApi.getLong(controlAddress);
        UnsafeApi.putLongRelease(null, controlAddress, ((control + VERSION_UNIT) & ~(LOCKED | STATE_MASK)) | STATE_FREE);
        resident.decrementAndGet();
    }

    private void unlock(final int entry)
    {
        final long address = controlAddress(entry);
        final long control = UnsafeApi.getLong(address);
        UnsafeApi.putLongRelease(null, address, (control + VERSION_UNIT) & ~LOCKED);
    }

    private void reserveCapacity()
    {
        while (true)
        {
            final long count = resident.get();
            if (count >= capacity)
            {
                throw new ContextTableFullException(capacity);
            }
            if (resident.compareAndSet(count, count + 1))
            {
                return;
            }
        }
    }

    /**
     * Claims the first free entry from {@code candidate} on (another inserter, of another UE, may take
     * it first), writes the UE into it and publishes it.
     */
    private void claimAndPublish(final long ueId, final SecurityContext context, final int home, final int candidate)
    {
        int entry = candidate;
        while (true)
        {
            final long address = controlAddress(entry);
            final long control = UnsafeApi.getLongVolatile(null, address);
            if ((control & (LOCKED | STATE_LIVE)) == 0 &&
                UnsafeApi.compareAndSetLong(null, address, control, control | LOCKED))
            {
                break;
            }
            entry = next(entry);
        }

        // Readers bound their probes by the longest probe, so raise it before the UE becomes visible.
        final int distance = entry >= home ? entry - home : entry + entries - home;
        int longest;
        while (distance > (longest = longestProbe.get()) && !longestProbe.compareAndSet(longest, distance))
        {
            Thread.onSpinWait();
        }

        // Only slots hold keys; the index holds identifiers, given back unzeroed on close.
        memory.markUsed(entry);
        final MutableDirectBuffer source = context.buffer();
        UnsafeApi.copyMemory(
            source.byteArray(), source.addressOffset() + context.offset(), null, slotAddress(entry), SLOT_LENGTH);
        UnsafeApi.putLong(ueIdAddress(entry), ueId);
        final long address = controlAddress(entry);
        final long control = UnsafeApi.getLong(address);
        UnsafeApi.putLongRelease(null, address, ((control + VERSION_UNIT) & ~(LOCKED | STATE_MASK)) | STATE_LIVE);
    }

    private void lockStripe(final long address)
    {
        for (int attempt = 0; !UnsafeApi.compareAndSetLong(null, address, 0L, 1L); attempt++)
        {
            backOff(attempt);
        }
    }

    private static void unlockStripe(final long address)
    {
        UnsafeApi.putLongRelease(null, address, 0L);
    }

    private static void backOff(final int attempt)
    {
        if (attempt < SPINS_BEFORE_YIELD)
        {
            Thread.onSpinWait();
        }
        else
        {
            // The writer may have been descheduled; let it run rather than burn its core.
            Thread.yield();
        }
    }

    private void ensureOpen()
    {
        if (closed)
        {
            throw closedException();
        }
    }

    /**
     * A step that failed because another thread closed the table under it (its context is zeros now)
     * reports the close, not what the zeros made the step trip over.
     */
    private RuntimeException closedUnderneath(final RuntimeException ex)
    {
        if (!closed || ex instanceof IllegalStateException)
        {
            return ex;
        }
        final IllegalStateException closedMeanwhile = closedException();
        closedMeanwhile.addSuppressed(ex);
        return closedMeanwhile;
    }

    private static IllegalStateException closedException()
    {
        return new IllegalStateException("context table is closed");
    }

    // ---------------------------------------------------------------------------------------------
    // Addresses and hashing
    // ---------------------------------------------------------------------------------------------

    private long controlAddress(final int entry)
    {
        return indexAddress + (long)entry * ENTRY_LENGTH + CONTROL_OFFSET;
    }

    private long ueIdAddress(final int entry)
    {
        return indexAddress + (long)entry * ENTRY_LENGTH + UE_ID_OFFSET;
    }

    private long slotAddress(final int entry)
    {
        return slotsAddress + (long)entry * SLOT_LENGTH;
    }

    private long stripeAddress(final long hash)
    {
        return stripesAddress + (hash & stripeMask) * CACHE_LINE;
    }

    private int next(final int entry)
    {
        final int next = entry + 1;
        return next == entries ? 0 : next;
    }

    /** Maps the hash's high 32 bits onto 0..entries-1 without a division (Lemire's multiply-shift). */
    private int home(final long hash)
    {
        return (int)(((hash >>> 32) * entries) >>> 32);
    }

    /** MurmurHash3's 64-bit finaliser: UE identifiers are often sequential, and must spread all the same. */
    static long hash(final long ueId)
    {
        long h = ueId;
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }

    private static long align(final long value, final int alignment)
    {
        return (value + alignment - 1) & -alignment;
    }

    /**
     * The slot an {@link #update} of one thread holds while its callback runs.
     */
    private static final class HeldSlot
    {
        private ContextTable table;
        private int entry = -1;
    }
}
