package org.amfkeys.context;

import org.agrona.MutableDirectBuffer;
import org.amfkeys.InvalidParameterException;
import org.amfkeys.hmac.ChainSteps;

import java.lang.ref.Cleaner;
import java.lang.ref.Reference;

import static org.amfkeys.context.ContextTableArguments.checkBatch;
import static org.amfkeys.context.ContextTableArguments.checkCursor;
import static org.amfkeys.context.ContextTableArguments.checkHints;
import static org.amfkeys.context.ContextTableArguments.checkKeyOutput;
import static org.amfkeys.context.ContextTableArguments.checkUeIds;
import static org.amfkeys.context.ContextTableArguments.requireWholeContext;
import static org.amfkeys.context.SecurityContextDescriptor.DOWNLINK_NAS_COUNT_OFFSET;
import static org.amfkeys.context.SecurityContextDescriptor.KEY_LENGTH;
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
 * ({@link #advanceNextHop}, {@link #takeDownlinkNasCount}, {@link #acceptUplinkNasCount}), or by
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

    private static final int SLOT_LENGTH = SecurityContextDescriptor.LENGTH;

    private final long capacity;
    private final double loadFactor;
    private final TableMemory memory;
    private final SlotMap slots;
    private volatile boolean closed;

    /** Unmaps the memory of tables that became unreachable; one thread for every table. */
    private static final Cleaner CLEANER = Cleaner.create();

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
        ContextTableSizing.checkSize(capacity, loadFactor);
        this.capacity = capacity;
        this.loadFactor = loadFactor;
        final int entries = SlotMap.entriesFor(capacity, loadFactor);
        final long length = SlotMap.length(entries);
        ContextTableSizing.refuseMoreThanTheMachineHolds(capacity, loadFactor, length);

        memory = TableMemory.allocate(length, SlotMap.units(entries), lockInRam, "a context table of " + capacity + " UEs");
        CLEANER.register(this, memory);
        slots = new SlotMap(memory, entries);
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
        ContextTableSizing.checkSize(capacity, loadFactor);
        return SlotMap.length(SlotMap.entriesFor(capacity, loadFactor));
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
        return slots.entries();
    }

    /**
     * @return UEs in the table now.
     */
    public long size()
    {
        ensureOpen();
        return slots.size();
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
     * Brings every page of the table into memory now instead of at its first write, so that a load
     * that starts at once (every UE registering after a restart) takes no page faults in its first
     * second. Changes no entry; safe while other threads use the table. Takes about a tenth of a second
     * per gigabyte, zeroing the pages.
     *
     * @return false when the kernel cannot (Linux older than 5.14) or the memory is not a mapping of its
     *         own; the pages then come in on first touch as before.
     */
    public boolean prefault()
    {
        ensureOpen();
        try
        {
            return memory.populate();
        }
        finally
        {
            Reference.reachabilityFence(this);
        }
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
        return slots.longestProbe();
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
        return slots.home(SlotMap.hash(ueId));
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
        requireWholeContext("context", context);
        if (!context.kamfSchedule().isComputed() && !context.hasNonCurrent())
        {
            // An all-zero context would key every derivation with an all-zero KAMF.
            throw new InvalidParameterException("context", "holds no key: neither a current KAMF nor a non-current one",
                "a context whose KAMF was set with SecurityContext.kamf, or that keeps a non-current context");
        }
        SlotMap.refuseWhileHoldingASlot();
        try
        {
            return slots.insert(ueId, context, capacity);
        }
        finally
        {
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
        SlotMap.refuseWhileHoldingASlot();
        try
        {
            final int entry = slots.lock(ueId, slots.home(SlotMap.hash(ueId)));
            if (entry < 0)
            {
                return false;
            }
            slots.freeLocked(entry);
            return true;
        }
        finally
        {
            Reference.reachabilityFence(this);
        }
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
            return slots.find(ueId, slots.home(SlotMap.hash(ueId))) >= 0;
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
     * @throws IllegalStateException when this thread holds the UE's claim ({@link #tryClaim}).
     */
    public boolean read(final long ueId, final SecurityContext snapshot)
    {
        ensureOpen();
        requireWholeContext("snapshot", snapshot);
        final MutableDirectBuffer buffer = snapshot.buffer();
        final Object base = buffer.byteArray();
        final long to = buffer.addressOffset() + snapshot.offset();
        final int home = slots.home(SlotMap.hash(ueId));
        try
        {
            for (int attempt = 0; ; attempt++)
            {
                final int entry = slots.find(ueId, home);
                if (entry < 0)
                {
                    return false;
                }
                final long control = slots.stableControl(entry, ueId);
                if (control != 0)
                {
                    SlotMap.copyWords(slots.slotAddress(entry), base, to, SLOT_LENGTH);
                    if (slots.validate(entry, control))
                    {
                        return true;
                    }
                }
                slots.awaitWriter(entry, attempt);
            }
        }
        finally
        {
            Reference.reachabilityFence(this);
        }
    }

    /**
     * Reads the UE's current KAMF alone, as {@link #read} would give it in a snapshot: for a caller that
     * checks a key (a load tester comparing the UE's KAMF with the AMF's) without copying the whole context.
     *
     * @param ueId the UE identifier.
     * @param kamf receives KAMF, 32 octets; zeroes when the UE is absent.
     * @param at   where KAMF starts in {@code kamf}.
     * @return true when copied, false when the UE is not in the table.
     * @throws IllegalStateException when this thread holds the UE's claim ({@link #tryClaim}).
     */
    public boolean readKamf(final long ueId, final byte[] kamf, final int at)
    {
        ensureOpen();
        checkKeyOutput("kamf", kamf, at, 1);
        try
        {
            return slots.readKamf(ueId, kamf, at);
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
     * @throws IllegalStateException when this thread holds the UE's claim ({@link #tryClaim}).
     */
    public int readNextHop(final long ueId, final byte[] nh, final int at)
    {
        ensureOpen();
        checkKeyOutput("nh", nh, at, 1);
        try
        {
            return slots.readNextHop(ueId, nh, at);
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
            final int[] entries = slots.touchBatch(ueIds, count, SlotMap.SLOT_LINE_NH);
            for (int i = 0; i < count; i++)
            {
                nccs[i] = slots.readNextHopAt(entries[i], ueIds[i], nhs, i * KEY_LENGTH);
            }
        }
        finally
        {
            Reference.reachabilityFence(this);
        }
    }

    /**
     * Where a UE's context sits now, for a caller that keeps it beside its own record of the UE (as an
     * AMF keeps its AMF UE NGAP ID) and passes it back to {@link #readNextHops(long[], int[], int, int[], byte[])}.
     * It stays right until the UE is deleted; a stale one costs that call a probe, never a wrong answer.
     *
     * @param ueId the UE identifier.
     * @return the UE's entry, 0..{@link #entries()}-1, or {@link #ABSENT}.
     */
    public int locate(final long ueId)
    {
        ensureOpen();
        try
        {
            return slots.find(ueId, slots.home(SlotMap.hash(ueId)));
        }
        finally
        {
            Reference.reachabilityFence(this);
        }
    }

    /**
     * As {@link #readNextHops(long[], int, int[], byte[])}, each UE read first at the entry its hint
     * names ({@link #locate}): the index is not probed, so a UE costs its index line and its NH line,
     * both asked for at once, however far from its home it sits. A hint that no longer holds the UE
     * (deleted, or another UE there now) or {@link #ABSENT} falls back to the probe, with the same
     * answer.
     *
     * @param ueIds the UE identifiers, {@code count} of them from index 0.
     * @param hints each UE's entry from {@link #locate}, or {@link #ABSENT}; at least {@code count} long.
     * @param count how many, 0..{@code ueIds.length}.
     * @param nccs  receives each UE's NCC, or {@link #ABSENT}; at least {@code count} long.
     * @param nhs   receives each UE's NH at {@code 32 * i}; at least {@code 32 * count} long.
     * @throws org.amfkeys.InvalidParameterException naming {@code hints[i]} when a hint is not an entry
     *                                               of this table nor {@link #ABSENT}; nothing is read.
     */
    public void readNextHops(final long[] ueIds, final int[] hints, final int count, final int[] nccs, final byte[] nhs)
    {
        ensureOpen();
        checkBatch(ueIds, count, nccs);
        checkHints(hints, count, slots.entries());
        checkKeyOutput("nhs", nhs, 0, count);
        try
        {
            slots.touchLocated(ueIds, hints, count, SlotMap.SLOT_LINE_NH);
            for (int i = 0; i < count; i++)
            {
                nccs[i] = slots.readNextHopAt(hints[i], ueIds[i], nhs, i * KEY_LENGTH);
            }
        }
        finally
        {
            Reference.reachabilityFence(this);
        }
    }

    /**
     * Steps the NH chains of many UEs, as {@link #advanceNextHop} does for one, with the cache misses of
     * the whole batch overlapped and, when the cursor's KDF derives natively, every NH of the batch
     * derived in one batch kernel call: the UEs free at once are locked together, their NHs computed from
     * KAMF's schedule and NH where they live, written, and unlocked; a UE another thread holds is stepped
     * on its own afterwards, so the call never waits for a lock while it holds others. A kernel that
     * fails leaves its results unused: the batch's UEs are stepped one by one instead. A UE whose step
     * cannot be staged (as when the single call would throw for it) is stepped on its own after the
     * kernel call of its 64 UEs, and throws there: the UEs that call stepped, before and after it, stay
     * stepped.
     *
     * @param ueIds  the UE identifiers, {@code count} of them from index 0.
     * @param count  how many, 0..{@code ueIds.length}.
     * @param cursor the calling thread's cursor.
     * @param nccs   receives each UE's new NCC, or {@link #ABSENT}; at least {@code count} long.
     * @throws IllegalStateException when this thread holds a claim ({@link #tryClaim}).
     */
    public void advanceNextHops(final long[] ueIds, final int count, final ContextCursor cursor, final int[] nccs)
    {
        ensureOpen();
        checkBatch(ueIds, count, nccs);
        checkCursor(cursor);
        SlotMap.refuseWhileHoldingASlot();
        try
        {
            final int[] entries = slots.touchBatch(ueIds, count, SlotMap.SLOT_LINES_KEY_CHAIN);
            advanceNextHopsAt(ueIds, entries, count, cursor, nccs);
        }
        finally
        {
            Reference.reachabilityFence(this);
        }
    }

    /**
     * As {@link #advanceNextHops(long[], int, ContextCursor, int[])}, each UE locked first at the entry
     * its hint names ({@link #locate}), as {@link #readNextHops(long[], int[], int, int[], byte[])} reads
     * there: no probe for a hint that holds the UE, the probe's answer for one that does not.
     *
     * @param ueIds  the UE identifiers, {@code count} of them from index 0.
     * @param hints  each UE's entry from {@link #locate}, or {@link #ABSENT}; at least {@code count} long.
     * @param count  how many, 0..{@code ueIds.length}.
     * @param cursor the calling thread's cursor.
     * @param nccs   receives each UE's new NCC, or {@link #ABSENT}; at least {@code count} long.
     * @throws IllegalStateException when this thread holds a claim ({@link #tryClaim}).
     * @throws org.amfkeys.InvalidParameterException naming {@code hints[i]} when a hint is not an entry
     *                                               of this table nor {@link #ABSENT}; nothing changes.
     */
    public void advanceNextHops(
        final long[] ueIds, final int[] hints, final int count, final ContextCursor cursor, final int[] nccs)
    {
        ensureOpen();
        checkBatch(ueIds, count, nccs);
        checkHints(hints, count, slots.entries());
        checkCursor(cursor);
        SlotMap.refuseWhileHoldingASlot();
        try
        {
            slots.touchLocated(ueIds, hints, count, SlotMap.SLOT_LINES_KEY_CHAIN);
            advanceNextHopsAt(ueIds, hints, count, cursor, nccs);
        }
        finally
        {
            Reference.reachabilityFence(this);
        }
    }

    /**
     * Brings the slots of many UEs into the cache at once, for a batch that claims them one after
     * another next: their misses overlap instead of following each other. Changes nothing; a UE not in
     * the table is skipped.
     *
     * @param ueIds the UE identifiers, {@code count} of them from index 0.
     * @param count how many, 0..{@code ueIds.length}.
     */
    public void prefetch(final long[] ueIds, final int count)
    {
        prefetchLines(ueIds, count, SlotMap.SLOT_LINES_ALL);
    }

    /**
     * Asks the memory for each UE's home index entry, home slot and insert lock (for writing: a new UE
     * is inserted under it), and returns without waiting for any of it: for a batch whose steps come
     * after other work that outlasts a memory access (a storm of registrations asks for its UEs before
     * their MILENAGE and key derivations, and claims them after), so the misses overlap with that work
     * instead of stalling the steps. A UE away from its home gains nothing, and without the native
     * library (no prefetch instruction in Java) nothing is asked for; {@link #prefetch} just before the
     * steps brings in the rest. Nothing else changes.
     *
     * @param ueIds the UE identifiers, {@code count} of them from index 0.
     * @param count how many, 0..{@code ueIds.length}.
     */
    public void prefetchHomes(final long[] ueIds, final int count)
    {
        ensureOpen();
        checkUeIds(ueIds, count);
        try
        {
            slots.prefetchHomes(ueIds, count);
        }
        finally
        {
            Reference.reachabilityFence(this);
        }
    }

    /**
     * As {@link #prefetch}, but only what a step of the AS key chain reaches (KAMF's schedule, NH, NCC,
     * the COUNTs and the procedure state: {@link SecurityContextDescriptor#KEY_CHAIN_LENGTH}), two of a
     * slot's three cache lines: for a batch of NH steps claimed through a {@link ContextBatch}, which
     * read nothing else. A claim by {@link #tryClaim} copies the whole slot for its abort; use
     * {@link #prefetch} before those.
     *
     * @param ueIds the UE identifiers, {@code count} of them from index 0.
     * @param count how many, 0..{@code ueIds.length}.
     */
    public void prefetchKeyChains(final long[] ueIds, final int count)
    {
        prefetchLines(ueIds, count, SlotMap.SLOT_LINES_KEY_CHAIN);
    }

    /**
     * Brings in the given lines of the batch's slots, as {@link #prefetch} does.
     *
     * @return each UE's entry as the probes found it, or -1, valid until this thread's next batch: a
     *         hint for {@link ContextBatch#claim}.
     */
    int[] prefetchLines(final long[] ueIds, final int count, final int slotLines)
    {
        ensureOpen();
        checkUeIds(ueIds, count);
        try
        {
            return slots.touchBatch(ueIds, count, slotLines);
        }
        finally
        {
            Reference.reachabilityFence(this);
        }
    }

    /**
     * As {@link #prefetchLines(long[], int, int)}, each UE's entry written to {@code entries}.
     */
    void prefetchLines(final long[] ueIds, final int count, final int slotLines, final int[] entries)
    {
        ensureOpen();
        checkUeIds(ueIds, count);
        try
        {
            slots.touchBatch(ueIds, count, slotLines, entries);
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
        ensureOpen();
        try
        {
            return slots.readCount(ueId, DOWNLINK_NAS_COUNT_OFFSET);
        }
        finally
        {
            Reference.reachabilityFence(this);
        }
    }

    /**
     * Reads the next uplink NAS COUNT expected.
     *
     * @param ueId the UE identifier.
     * @return the COUNT, 0..2^24-1, or {@link #ABSENT}.
     */
    public long uplinkNasCount(final long ueId)
    {
        ensureOpen();
        try
        {
            return slots.readCount(ueId, UPLINK_NAS_COUNT_OFFSET);
        }
        finally
        {
            Reference.reachabilityFence(this);
        }
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
     * @throws IllegalStateException when this thread holds a claim ({@link #tryClaim}).
     */
    public int advanceNextHop(final long ueId, final ContextCursor cursor)
    {
        ensureOpen();
        checkCursor(cursor);
        SlotMap.refuseWhileHoldingASlot();
        try
        {
            return advanceNextHopOf(slots.lock(ueId, slots.home(SlotMap.hash(ueId))), cursor);
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
     * @throws IllegalStateException when this thread holds a claim ({@link #tryClaim}).
     */
    public long takeDownlinkNasCount(final long ueId)
    {
        ensureOpen();
        SlotMap.refuseWhileHoldingASlot();
        try
        {
            return slots.takeDownlinkNasCount(ueId);
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
     * @throws IllegalStateException when this thread holds a claim ({@link #tryClaim}).
     */
    public long acceptUplinkNasCount(final long ueId, final long count)
    {
        if (count < 0 || count > SecurityContext.MAX_NAS_COUNT)
        {
            throw InvalidParameterException.outOfRange("ul-count", count, 0, SecurityContext.MAX_NAS_COUNT);
        }
        ensureOpen();
        SlotMap.refuseWhileHoldingASlot();
        try
        {
            return slots.acceptUplinkNasCount(ueId, count);
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
        final SlotMap.HeldSlot held = SlotMap.heldSlot();
        if (held.map != null)
        {
            throw SlotMap.reentered("a claim");
        }
        try
        {
            final int entry = slots.lock(ueId, slots.home(SlotMap.hash(ueId)));
            if (entry < 0)
            {
                return null;
            }
            try
            {
                final SecurityContext context = cursor.claim(this, entry, slots.slotAddress(entry));
                held.map = slots;
                held.entry = entry;
                return context;
            }
            catch (final RuntimeException ex)
            {
                slots.unlock(entry);
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
            slots.unlock(entry);
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
            slots.unlock(entry);
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
            slots.freeLocked(entry);
        }
        finally
        {
            Reference.reachabilityFence(this);
        }
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
        return "ContextTable[ues=" + slots.size() + "/" + capacity +
            ", entries=" + slots.entries() +
            ", bytes=" + memory.length() +
            ", longestProbe=" + slots.longestProbe() +
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
            return slots.slotsContain(octets);
        }
        finally
        {
            Reference.reachabilityFence(this);
        }
    }

    /**
     * @return the slot map, for this package: batches and tests.
     */
    SlotMap slots()
    {
        return slots;
    }

    // ---------------------------------------------------------------------------------------------
    // Probing and the sequence lock
    // ---------------------------------------------------------------------------------------------

    /**
     * Steps each UE's NH, locked first at the entry {@code hints} names (or -1): in batch kernel calls
     * when the cursor has a batch kernel, else one by one.
     */
    private void advanceNextHopsAt(
        final long[] ueIds, final int[] hints, final int count, final ContextCursor cursor, final int[] nccs)
    {
        final ChainSteps steps = cursor.nextHopSteps();
        if (steps == null)
        {
            for (int i = 0; i < count; i++)
            {
                nccs[i] = advanceNextHopOf(slots.lockAt(hints[i], ueIds[i]), cursor);
            }
            return;
        }
        for (int start = 0; start < count; start += steps.capacity())
        {
            final int end = Math.min(count, start + steps.capacity());
            advanceNextHopsTogether(ueIds, hints, start, end, cursor, steps, nccs);
            for (int i = start; i < end; i++)
            {
                if (nccs[i] == NOT_STEPPED)
                {
                    nccs[i] = advanceNextHopOf(slots.lockAt(hints[i], ueIds[i]), cursor);
                }
            }
        }
    }

    /**
     * Locks every UE of {@code start..end-1} that is free now, stages its NH step, computes them in one
     * kernel call and writes them; a UE held elsewhere, or whose step cannot be staged, is left
     * {@link #NOT_STEPPED} for the caller to step on its own, holding nothing.
     */
    private void advanceNextHopsTogether(
        final long[] ueIds, final int[] hints, final int start, final int end, final ContextCursor cursor,
        final ChainSteps steps, final int[] nccs)
    {
        final int[] locked = cursor.nextHopEntries();
        final int[] ueOfStep = cursor.nextHopRequests();
        // Locks held, the one being staged included: all of them are released whatever is thrown.
        int held = 0;
        try
        {
            for (int i = start; i < end; i++)
            {
                final int entry = slots.tryLockAt(hints[i], ueIds[i]);
                if (entry < 0)
                {
                    nccs[i] = entry == SlotMap.BUSY ? NOT_STEPPED : ABSENT;
                    continue;
                }
                locked[held] = entry;
                ueOfStep[held++] = i;
                try
                {
                    cursor.wrapNextHopSlot(held - 1, slots.slotAddress(entry)).stageNextHop(steps, held - 1);
                }
                catch (final RuntimeException ex)
                {
                    // Stepped on its own, it fails as the single call does.
                    slots.unlock(locked[--held]);
                    cursor.detachNextHopSlots(held, held + 1);
                    nccs[i] = NOT_STEPPED;
                }
            }
            final boolean computed = cursor.computeNextHops(held);
            if (closed)
            {
                throw closedException();
            }
            for (int k = 0; k < held; k++)
            {
                final SecurityContext context = cursor.nextHopContext(k);
                nccs[ueOfStep[k]] = computed ? context.advanceNextHop(steps, k) : context.advanceNextHop(cursor.kdf());
            }
            if (closed)
            {
                // Closed while the NHs were written: what reached the wiped slots goes again.
                for (int k = 0; k < held; k++)
                {
                    cursor.nextHopContext(k).clearNextHop();
                }
                throw closedException();
            }
        }
        catch (final RuntimeException ex)
        {
            throw closedUnderneath(ex);
        }
        finally
        {
            for (int k = 0; k < held; k++)
            {
                slots.unlock(locked[k]);
            }
            cursor.detachNextHopSlots(0, held);
            steps.clear(held);
        }
    }

    /**
     * Advances NH in the entry {@link SlotMap#lock} or {@link SlotMap#lockAt} locked (or -1), and unlocks it.
     */
    private int advanceNextHopOf(final int entry, final ContextCursor cursor)
    {
        if (entry < 0)
        {
            return ABSENT;
        }
        try
        {
            return cursor.wrapSlot(slots.slotAddress(entry)).advanceNextHop(cursor.kdf());
        }
        catch (final RuntimeException ex)
        {
            throw closedUnderneath(ex);
        }
        finally
        {
            cursor.detach();
            slots.unlock(entry);
        }
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
                slots.unlock(entry);
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
        final SlotMap.HeldSlot held = SlotMap.heldSlot();
        held.map = null;
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

    void ensureOpen()
    {
        if (closed)
        {
            throw closedException();
        }
    }

    /** A batch's NCC placeholder for a UE its batch kernel call left to be stepped on its own. */
    private static final int NOT_STEPPED = Integer.MIN_VALUE;

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
}
