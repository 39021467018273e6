package org.amfkeys.context;

import org.agrona.BufferUtil;
import org.agrona.MutableDirectBuffer;
import org.agrona.UnsafeApi;
import org.agrona.concurrent.UnsafeBuffer;
import org.amfkeys.hmac.NativePrefetch;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;

import static org.amfkeys.context.ContextIndexDescriptor.CONTROL_OFFSET;
import static org.amfkeys.context.ContextIndexDescriptor.LOCKED;
import static org.amfkeys.context.ContextIndexDescriptor.STATE_FREE;
import static org.amfkeys.context.ContextIndexDescriptor.STATE_LIVE;
import static org.amfkeys.context.ContextIndexDescriptor.STATE_MASK;
import static org.amfkeys.context.ContextIndexDescriptor.UE_ID_OFFSET;
import static org.amfkeys.context.ContextIndexDescriptor.VERSION_UNIT;
import static org.amfkeys.context.SecurityContextDescriptor.DOWNLINK_NAS_COUNT_OFFSET;
import static org.amfkeys.context.SecurityContextDescriptor.KAMF_OFFSET;
import static org.amfkeys.context.SecurityContextDescriptor.KEY_LENGTH;
import static org.amfkeys.context.SecurityContextDescriptor.NCC_OFFSET;
import static org.amfkeys.context.SecurityContextDescriptor.NH_OFFSET;
import static org.amfkeys.context.SecurityContextDescriptor.UPLINK_NAS_COUNT_OFFSET;

/**
 * The seqlock slot map under a {@link ContextTable}: an open-addressing index of
 * {@link ContextIndexDescriptor entries} probed linearly from a hash of the UE identifier, entry
 * {@code i} owning slot {@code i}, and the striped locks that serialise inserts of one identifier. It
 * knows addresses, probing, each entry's sequence lock and prefetching; the table above it checks
 * arguments, keeps the claims and the lifetime.
 */
final class SlotMap
{
    /** Octets of a cache line, the unit of prefetching and of the insert stripes. */
    static final int CACHE_LINE = SecurityContextDescriptor.CACHE_LINE;

    private static final int SLOT_LENGTH = SecurityContextDescriptor.LENGTH;
    private static final int ENTRY_LENGTH = ContextIndexDescriptor.LENGTH;
    private static final int SLOT_LINES = SLOT_LENGTH / CACHE_LINE;

    /**
     * Index entries in one cache line. A probe covers its home's line first ({@link #probe}), so a UE
     * within this many entries of its home (most of them, at any allowed load factor) is found in one miss.
     */
    static final int ENTRIES_PER_LINE = CACHE_LINE / ENTRY_LENGTH;

    /** Every cache line of a slot, for {@link #touchBatch}. */
    static final int SLOT_LINES_ALL = (1 << SLOT_LINES) - 1;

    /** The slot's cache lines a step of the AS key chain reaches ({@link SecurityContextDescriptor#KEY_CHAIN_LENGTH}). */
    static final int SLOT_LINES_KEY_CHAIN = lineOf(0, SecurityContextDescriptor.KEY_CHAIN_LENGTH);

    /** The slot's cache line of NH, which NCC shares. */
    static final int SLOT_LINE_NH = lineOf(NH_OFFSET, KEY_LENGTH) | lineOf(NCC_OFFSET, 1);

    private static final int SPINS_BEFORE_YIELD = 128;
    /** A read's answer when the entry changed under it: read again. */
    private static final int CHANGED = -2;
    private static final long TOUCH_SENTINEL = 0x5A5A_5A5A_5A5A_5A5AL;
    /** Where {@link #resident} and {@link #longestProbe} keep their value: a cache line of padding before and after. */
    private static final int RESIDENT_AT = CACHE_LINE / Long.BYTES;
    private static final int LONGEST_PROBE_AT = CACHE_LINE / Integer.BYTES;

    private final TableMemory memory;
    private final int entries;
    private final long indexAddress;
    private final long slotsAddress;
    private final long stripesAddress;
    private final int stripeMask;
    /**
     * UEs in the map, and the longest probe of any: each the middle element of an array of its own, so
     * that 64 octets on either side keep it off every other object's cache line. Every insert changes
     * the first and every lookup reads the second; sharing a line, one thread's inserts would make the
     * other threads' lookups miss.
     */
    private final AtomicLongArray resident = new AtomicLongArray(2 * RESIDENT_AT + 1);
    private final AtomicIntegerArray longestProbe = new AtomicIntegerArray(2 * LONGEST_PROBE_AT + 1);

    /**
     * @param memory  the mapping, laid out as {@link #length} says.
     * @param entries index entries (and slots).
     */
    SlotMap(final TableMemory memory, final int entries)
    {
        this.memory = memory;
        this.entries = entries;
        final long indexLength = indexLength(entries);
        stripeMask = stripesFor(entries) - 1;
        indexAddress = memory.address();
        slotsAddress = indexAddress + indexLength;
        stripesAddress = slotsAddress + (long)entries * SLOT_LENGTH;
    }

    /**
     * @return octets of the mapping for {@code entries} entries: index, slots and insert stripes.
     */
    static long length(final int entries)
    {
        return indexLength(entries) + (long)entries * SLOT_LENGTH + (long)stripesFor(entries) * CACHE_LINE;
    }

    /**
     * @return the layout of the mapping's units, for zeroing and giving memory back.
     */
    static TableMemory.Units units(final int entries)
    {
        return new TableMemory.Units(indexLength(entries), SLOT_LENGTH, entries);
    }

    int entries()
    {
        return entries;
    }

    long size()
    {
        return resident.get(RESIDENT_AT);
    }

    int longestProbe()
    {
        return longestProbe.get(LONGEST_PROBE_AT);
    }

    long indexAddress()
    {
        return indexAddress;
    }

    long slotsAddress()
    {
        return slotsAddress;
    }

    /**
     * Inserts a UE with a copy of {@code context} unless its identifier is in the map already.
     *
     * @return false when the UE is in the map already.
     * @throws ContextTableFullException when {@code capacity} UEs are in the map.
     */
    boolean insert(final long ueId, final SecurityContext context, final long capacity)
    {
        final long hash = hash(ueId);
        final long stripe = stripeAddress(hash);
        lockStripe(stripe);
        try
        {
            final int home = home(hash);
            int free = -1;
            for (int distance = 0; ; distance++)
            {
                final int entry = probe(entries, home, distance);
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
                if (distance > longestProbe.get(LONGEST_PROBE_AT) && free >= 0)
                {
                    break;
                }
            }

            reserveCapacity(capacity);
            claimAndPublish(ueId, context, home, free);
            return true;
        }
        finally
        {
            unlockStripe(stripe);
        }
    }

    static long indexLength(final int entries)
    {
        return align((long)entries * ENTRY_LENGTH, CACHE_LINE);
    }

    static int stripesFor(final int entries)
    {
        return Math.min(ContextTable.MAX_INSERT_STRIPES, Integer.highestOneBit(entries - 1) << 1);
    }

    /**
     * @return the entry that held {@code ueId} live when its control word was read, or -1. The caller
     * validates it again under the sequence lock, since it may have changed since.
     */
    int find(final long ueId, final int home)
    {
        // Most UEs sit at their home; checking it apart keeps that common path a few instructions long.
        final long control = UnsafeApi.getLongVolatile(null, controlAddress(home));
        if ((control & STATE_MASK) == STATE_LIVE && UnsafeApi.getLong(ueIdAddress(home)) == ueId)
        {
            return home;
        }
        return control == 0 ? -1 : findPastHome(ueId, home);
    }

    private int findPastHome(final long ueId, final int home)
    {
        final int limit = longestProbe.get(LONGEST_PROBE_AT);
        for (int distance = 1; distance <= limit; distance++)
        {
            final int entry = probe(entries, home, distance);
            final long control = UnsafeApi.getLongVolatile(null, controlAddress(entry));
            if (control == 0)
            {
                return -1;
            }
            if ((control & STATE_MASK) == STATE_LIVE && UnsafeApi.getLong(ueIdAddress(entry)) == ueId)
            {
                return entry;
            }
        }
        return -1;
    }

    /**
     * @return the first entry along the probe from {@code home} that holds no live UE, where an insert
     *         would most likely go, or -1 past the longest probe.
     */
    private int firstFree(final int home)
    {
        final int limit = longestProbe.get(LONGEST_PROBE_AT) + 1;
        for (int distance = 0; distance <= limit; distance++)
        {
            final int entry = probe(entries, home, distance);
            if ((UnsafeApi.getLong(controlAddress(entry)) & STATE_MASK) != STATE_LIVE)
            {
                return entry;
            }
        }
        return -1;
    }

    /**
     * @return the entry's control word when it is unlocked and holds {@code ueId} live, else 0 (retry).
     */
    long stableControl(final int entry, final long ueId)
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
    boolean validate(final int entry, final long control)
    {
        UnsafeApi.loadFence();
        return UnsafeApi.getLongVolatile(null, controlAddress(entry)) == control;
    }

    /**
     * Brings the index entries and the given cache lines of the slots of every UE in a batch into the
     * cache, asking for the whole batch's memory before waiting for any of it. A random UE on a large
     * table costs two dependent cache misses, its index line and then its slot; this way the misses of the
     * batch overlap, and the real reads that follow hit the cache. With the native library
     * ({@link ProbePrefetch}), each slot is asked for the moment its index line is in; without it, in
     * sweeps of loads ({@link #touchBatchByLoads}).
     *
     * @param ueIds     the UE identifiers, {@code count} of them from index 0.
     * @param count     how many.
     * @param slotLines the slot's cache lines to bring in, as a mask ({@link #SLOT_LINES_ALL} and others).
     * @return each UE's entry as the probes found it, or -1: a hint for {@link #readNextHopAt} and
     *         {@link #lockAt}, valid until this thread's next batch.
     */
    int[] touchBatch(final long[] ueIds, final int count, final int slotLines)
    {
        final int[] entries = BATCH_ENTRIES.get().forCount(count);
        touchBatch(ueIds, count, slotLines, entries);
        return entries;
    }

    /**
     * As {@link #touchBatch(long[], int, int)}, each UE's entry (or -1) written to {@code entries}, which
     * holds at least {@code count}: for a caller that keeps its own array rather than the thread's.
     */
    void touchBatch(final long[] ueIds, final int count, final int slotLines, final int[] entries)
    {
        if (ProbePrefetch.available())
        {
            touchBatchByProbePrefetch(ueIds, count, slotLines, entries);
        }
        else
        {
            touchBatchByLoads(ueIds, count, slotLines, entries);
        }
    }

    /**
     * {@link #touchBatch} in Java, in three sweeps of loads: the home lines of the index; then the probes,
     * now running in cache, which give each UE's entry; then the slots where the UEs actually are. The
     * probes have a sweep of their own because a probe's branches, mixed with the slot loads, keep the
     * processor from running far enough ahead to overlap them.
     */
    void touchBatchByLoads(final long[] ueIds, final int count, final int slotLines, final int[] entries)
    {
        long sink = 0;
        for (int i = 0; i < count; i++)
        {
            sink += UnsafeApi.getLong(controlAddress(home(hash(ueIds[i]))));
        }
        for (int i = 0; i < count; i++)
        {
            final long ueId = ueIds[i];
            entries[i] = find(ueId, home(hash(ueId)));
        }
        for (int i = 0; i < count; i++)
        {
            final int found = entries[i];
            // An absent UE is about to be inserted, most likely at the first free entry of its probe.
            final int entry = found >= 0 ? found : firstFree(home(hash(ueIds[i])));
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
     * {@link #touchBatch} with the native probe prefetch, which gives the entry of every UE within two
     * index lines of its home (nine in ten at the largest load factor); the others are probed here, now in
     * cache up to their second line, and their slots asked for after.
     */
    void touchBatchByProbePrefetch(final long[] ueIds, final int count, final int slotLines, final int[] entries)
    {
        for (int from = 0; from < count; from += PREFETCH_CHUNK)
        {
            touchChunkByProbePrefetch(ueIds, from, Math.min(count, from + PREFETCH_CHUNK), slotLines, entries);
        }
    }

    private void touchChunkByProbePrefetch(
        final long[] ueIds, final int from, final int end, final int slotLines, final int[] entries)
    {
        final UnsafeBuffer probes = PREFETCH_ADDRESSES.get().addresses;
        for (int i = from; i < end; i++)
        {
            final long ueId = ueIds[i];
            final int at = (i - from) * ProbePrefetch.PROBE_LENGTH;
            probes.putLong(at, home(hash(ueId)));
            probes.putLong(at + Long.BYTES, ueId);
        }
        ProbePrefetch.prefetch(probes, end - from, this, slotLines);

        for (int i = from; i < end; i++)
        {
            entries[i] = (int)probes.getLong((i - from) * ProbePrefetch.PROBE_LENGTH);
        }
        // A UE found in its first two lines has its slot on the way already; the buffer is free now.
        final UnsafeBuffer addresses = probes;
        int lines = 0;
        for (int i = from; i < end; i++)
        {
            if (entries[i] >= 0)
            {
                continue;
            }
            final long ueId = ueIds[i];
            final int home = home(hash(ueId));
            final int entry = find(ueId, home);
            entries[i] = entry;
            // An absent UE is about to be inserted, most likely at the first free entry of its probe.
            lines = putSlotLines(addresses, lines, entry >= 0 ? entry : firstFree(home), slotLines);
        }
        NativePrefetch.prefetch(addresses, lines);
    }

    private int putSlotLines(final UnsafeBuffer addresses, final int at, final int entry, final int slotLines)
    {
        int lines = at;
        if (entry >= 0)
        {
            final long slot = slotAddress(entry);
            for (int l = 0; l < SLOT_LINES; l++)
            {
                if ((slotLines & (1 << l)) != 0)
                {
                    addresses.putLong(lines++ * Long.BYTES, slot + (long)l * CACHE_LINE);
                }
            }
        }
        return lines;
    }

    /**
     * Brings in, for a batch whose entries the caller knows ({@link ContextTable#locate}), each hinted
     * entry's index line and the given lines of its slot, all asked for before any is waited on; a UE
     * without a hint gets its home's. With the native library these are prefetches, which wait for
     * nothing; without it, loads, which the processor overlaps as far as its window reaches. A wrong
     * hint costs the lines it named and nothing else: the read that follows checks the entry.
     *
     * @param hints entries, each 0..{@link #entries()}-1 or -1, checked by the caller.
     */
    void touchLocated(final long[] ueIds, final int[] hints, final int count, final int slotLines)
    {
        final UnsafeBuffer addresses = PREFETCH_ADDRESSES.get().addresses;
        long sink = 0;
        for (int from = 0; from < count; from += PREFETCH_CHUNK)
        {
            final int end = Math.min(count, from + PREFETCH_CHUNK);
            int lines = 0;
            for (int i = from; i < end; i++)
            {
                final int entry = hints[i] >= 0 ? hints[i] : home(hash(ueIds[i]));
                addresses.putLong(lines++ * Long.BYTES, controlAddress(entry));
                lines = putSlotLines(addresses, lines, entry, slotLines);
            }
            if (NativePrefetch.available())
            {
                NativePrefetch.prefetch(addresses, lines);
                continue;
            }
            for (int line = 0; line < lines; line++)
            {
                sink += UnsafeApi.getLong(addresses.getLong(line * Long.BYTES));
            }
        }
        if (sink == TOUCH_SENTINEL)
        {
            Thread.onSpinWait();
        }
    }

    /**
     * Copies whole words out of a slot; for the short copies of a read, cheaper than {@code copyMemory}.
     */
    static void copyWords(final long from, final Object toBase, final long to, final int length)
    {
        for (int i = 0; i < length; i += Long.BYTES)
        {
            UnsafeApi.putLong(toBase, to + i, UnsafeApi.getLong(from + i));
        }
    }

    /**
     * Locks the entry holding {@code ueId}, trying {@code hint} first (an entry a batch's probe found,
     * which another thread may have changed since), then probing as {@link #lock} does.
     *
     * @return the entry, or -1 when the UE is not in the table.
     */
    int lockAt(final int hint, final long ueId)
    {
        if (hint >= 0)
        {
            final long control = stableControl(hint, ueId);
            if (control != 0 && UnsafeApi.compareAndSetLong(null, controlAddress(hint), control, control | LOCKED))
            {
                return hint;
            }
        }
        return lock(ueId, home(hash(ueId)));
    }

    /** {@link #tryLockAt}: the UE is in the table, and another thread holds it or is moving it. */
    static final int BUSY = -2;

    /**
     * As {@link #lockAt}, without waiting: for a batch that holds other locks, which must never wait
     * for one.
     *
     * @return the entry, -1 when the UE is not in the table, or {@link #BUSY}.
     */
    int tryLockAt(final int hint, final long ueId)
    {
        if (hint >= 0)
        {
            final long control = stableControl(hint, ueId);
            if (control != 0 && UnsafeApi.compareAndSetLong(null, controlAddress(hint), control, control | LOCKED))
            {
                return hint;
            }
        }
        final int entry = find(ueId, home(hash(ueId)));
        if (entry < 0)
        {
            return -1;
        }
        final long control = stableControl(entry, ueId);
        if (control != 0 && UnsafeApi.compareAndSetLong(null, controlAddress(entry), control, control | LOCKED))
        {
            return entry;
        }
        return BUSY;
    }

    /**
     * Locks the entry holding {@code ueId}.
     *
     * @return the entry, or -1 when the UE is not in the table.
     */
    int lock(final long ueId, final int home)
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
    void freeLocked(final int entry)
    {
        UnsafeApi.setMemory(slotAddress(entry), SLOT_LENGTH, (byte)0);
        final long controlAddress = controlAddress(entry);
        final long control = UnsafeApi.getLong(controlAddress);
        UnsafeApi.putLongRelease(null, controlAddress, ((control + VERSION_UNIT) & ~(LOCKED | STATE_MASK)) | STATE_FREE);
        resident.decrementAndGet(RESIDENT_AT);
    }

    void unlock(final int entry)
    {
        final long address = controlAddress(entry);
        final long control = UnsafeApi.getLong(address);
        UnsafeApi.putLongRelease(null, address, (control + VERSION_UNIT) & ~LOCKED);
    }

    void reserveCapacity(final long capacity)
    {
        // Exchange first and read after: a failed exchange returns the count too, and leaves the line
        // in this core's cache for the exchange that follows, where a read first would fetch it twice
        // from the core of the last inserter. The first guess (an empty map) is seldom right, and costs nothing.
        long count = 0;
        while (true)
        {
            if (count >= capacity)
            {
                throw new ContextTableFullException(capacity);
            }
            final long witness = resident.compareAndExchange(RESIDENT_AT, count, count + 1);
            if (witness == count)
            {
                return;
            }
            count = witness;
        }
    }

    /**
     * Claims the first free entry from {@code candidate} on (another inserter, of another UE, may take
     * it first), writes the UE into it and publishes it.
     */
    void claimAndPublish(final long ueId, final SecurityContext context, final int home, final int candidate)
    {
        int distance = distance(entries, home, candidate);
        int entry;
        while (true)
        {
            entry = probe(entries, home, distance);
            final long address = controlAddress(entry);
            final long control = UnsafeApi.getLongVolatile(null, address);
            if ((control & (LOCKED | STATE_LIVE)) == 0 &&
                UnsafeApi.compareAndSetLong(null, address, control, control | LOCKED))
            {
                break;
            }
            // A free entry is always ahead (the capacity is reserved): round the index at most once.
            distance = distance + 1 == entries ? 0 : distance + 1;
        }

        // Readers bound their probes by the longest probe, so raise it before the UE becomes visible.
        int longest;
        while (distance > (longest = longestProbe.get(LONGEST_PROBE_AT)) &&
            !longestProbe.compareAndSet(LONGEST_PROBE_AT, longest, distance))
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

    void lockStripe(final long address)
    {
        for (int attempt = 0; !UnsafeApi.compareAndSetLong(null, address, 0L, 1L); attempt++)
        {
            backOff(attempt);
        }
    }

    static void unlockStripe(final long address)
    {
        UnsafeApi.putLongRelease(null, address, 0L);
    }

    static void backOff(final int attempt)
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

    long controlAddress(final int entry)
    {
        return indexAddress + (long)entry * ENTRY_LENGTH + CONTROL_OFFSET;
    }

    long ueIdAddress(final int entry)
    {
        return indexAddress + (long)entry * ENTRY_LENGTH + UE_ID_OFFSET;
    }

    long slotAddress(final int entry)
    {
        return slotsAddress + (long)entry * SLOT_LENGTH;
    }

    /** The entry that holds the UE, or -1: for tests that look at where a UE sits. */
    int entryOf(final long ueId)
    {
        return find(ueId, home(hash(ueId)));
    }

    /** Whether every octet of the entry's slot is zero: for tests of the key hygiene of deletes and aborts. */
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

    long stripeAddress(final long hash)
    {
        return stripesAddress + (hash & stripeMask) * CACHE_LINE;
    }

    /**
     * @return the entry a probe for {@code hash} starts at: its line chosen from the hash's high 32 bits
     *         without a division (Lemire's multiply-shift), its place in the line from the low bits.
     */
    int home(final long hash)
    {
        final int line = (int)(((hash >>> 32) * (entries / ENTRIES_PER_LINE)) >>> 32);
        return line * ENTRIES_PER_LINE + (int)(hash & (ENTRIES_PER_LINE - 1));
    }

    /**
     * The probe order: the entries of the home's line first, from the home round to the line's start,
     * then the lines after it in order, wrapping at the end of the index. A UE within its home line is
     * found in one miss, and most UEs sit at their home itself, so a single lookup's slot address is
     * predicted right and its loads start before the index line arrives.
     *
     * @return the entry {@code distance} steps along the probe from {@code home}, in an index of
     *         {@code entries} entries (whole lines).
     */
    static int probe(final int entries, final int home, final int distance)
    {
        final int lineStart = home & -ENTRIES_PER_LINE;
        if (distance < ENTRIES_PER_LINE)
        {
            return lineStart + ((home + distance) & (ENTRIES_PER_LINE - 1));
        }
        final int toEnd = entries - lineStart;
        return distance < toEnd ? lineStart + distance : distance - toEnd;
    }

    /**
     * @return how many steps along the probe from {@code home} {@code entry} is; the inverse of {@link #probe}.
     */
    static int distance(final int entries, final int home, final int entry)
    {
        final int lineStart = home & -ENTRIES_PER_LINE;
        final int fromLineStart = entry >= lineStart ? entry - lineStart : entry + entries - lineStart;
        return fromLineStart < ENTRIES_PER_LINE ? (entry - home) & (ENTRIES_PER_LINE - 1) : fromLineStart;
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

    /**
     * @return the cache lines of a slot that {@code length} octets at {@code offset} span, as a mask.
     */
    static int lineOf(final int offset, final int length)
    {
        final int first = offset / CACHE_LINE;
        final int last = (offset + length - 1) / CACHE_LINE;
        return ((1 << (last + 1)) - 1) & ~((1 << first) - 1);
    }

    static long align(final long value, final int alignment)
    {
        return (value + alignment - 1) & -alignment;
    }

    /**
     * UEs asked for in one native prefetch call at most: a thread's address buffer stays a few kilobytes
     * whatever the batch.
     */
    static final int PREFETCH_CHUNK = 256;

    /** Each thread's entries of the batch it is touching: nothing allocated once a batch that large was seen. */
    private static final ThreadLocal<BatchEntries> BATCH_ENTRIES = ThreadLocal.withInitial(BatchEntries::new);
    private static final ThreadLocal<PrefetchAddresses> PREFETCH_ADDRESSES = ThreadLocal.withInitial(PrefetchAddresses::new);

    /**
     * Asks the memory for the home index line, the home slot and the insert stripe of every UE in a batch without waiting
     * ({@link NativePrefetch}): their misses then overlap with whatever the caller does next.
     */
    void prefetchHomes(final long[] ueIds, final int count)
    {
        if (!NativePrefetch.available())
        {
            return;
        }
        final UnsafeBuffer addresses = PREFETCH_ADDRESSES.get().addresses;
        for (int from = 0; from < count; from += PREFETCH_CHUNK)
        {
            final int end = Math.min(count, from + PREFETCH_CHUNK);
            int line = 0;
            for (int i = from; i < end; i++)
            {
                final long hash = hash(ueIds[i]);
                final int home = home(hash);
                // An insert locks the stripe, whose line the other inserting threads take as often as this one.
                addresses.putLong(line++ * Long.BYTES, stripeAddress(hash) | NativePrefetch.FOR_WRITE);
                addresses.putLong(line++ * Long.BYTES, controlAddress(home));
                line = putSlotLines(addresses, line, home, SLOT_LINES_ALL);
            }
            NativePrefetch.prefetch(addresses, line);
        }
    }

    /** A thread's addresses for {@link #prefetchHomes}, {@link #touchLocated} and the probes of {@link #touchBatch}, in native memory. */
    private static final class PrefetchAddresses
    {
        /** Room for the largest chunk: {@link #prefetchHomes} asks for the most lines per UE. */
        private final UnsafeBuffer addresses = new UnsafeBuffer(
            BufferUtil.allocateDirectAligned(PREFETCH_CHUNK * (2 + SLOT_LINES) * Long.BYTES, CACHE_LINE));
    }

    private static final class BatchEntries
    {
        private int[] entries = new int[64];

        int[] forCount(final int count)
        {
            if (entries.length < count)
            {
                entries = new int[count];
            }
            return entries;
        }
    }

    /**
     * The slot the calling thread has claimed, so that a lock taken before the claim ends is refused at
     * once instead of corrupting the cursor or waiting forever for itself.
     */
    private static final ThreadLocal<HeldSlot> HELD_SLOT = ThreadLocal.withInitial(HeldSlot::new);

    /**
     * @return the calling thread's claimed slot, empty when it holds none.
     */
    static HeldSlot heldSlot()
    {
        return HELD_SLOT.get();
    }

    /**
     * Waits for the writer of {@code entry} to leave; refuses at once when that writer is a claim of
     * this very thread, which would otherwise wait for itself forever.
     */
    void awaitWriter(final int entry, final int attempt)
    {
        if (attempt == 0)
        {
            final HeldSlot held = HELD_SLOT.get();
            if (held.map == this && held.entry == entry)
            {
                throw reentered("a read of the UE being updated");
            }
            if (held.map != null)
            {
                // Its writer may itself be waiting, inside its own update, to read the UE this one holds.
                throw reentered("a read that would wait for another writer");
            }
        }
        backOff(attempt);
    }

    /**
     * A lock taken while the thread holds a claim could deadlock against another thread's, and would
     * clobber the cursor the claim is using; nothing that locks may run then.
     */
    static void refuseWhileHoldingASlot()
    {
        if (HELD_SLOT.get().map != null)
        {
            throw reentered("a call that locks a UE's slot");
        }
    }

    static IllegalStateException reentered(final String what)
    {
        return new IllegalStateException(what + " was made while this thread holds a claimed slot (between " +
            "ContextTable.tryClaim and its commit or abort); end the claim first");
    }

    /**
     * @return a 32-bit COUNT of the UE's slot at {@code offset}, read without a lock, or
     *         {@link ContextTable#ABSENT}.
     */
    long readCount(final long ueId, final int offset)
    {
        final int home = home(hash(ueId));
        for (int attempt = 0; ; attempt++)
        {
            final int entry = find(ueId, home);
            if (entry < 0)
            {
                return ContextTable.ABSENT;
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

    /**
     * {@link #readNextHop}, trying {@code hint} first: an entry a batch's probe found, which another
     * thread may have changed since.
     */
    int readNextHopAt(final int hint, final long ueId, final byte[] nh, final int at)
    {
        if (hint >= 0)
        {
            final int ncc = readNextHopIn(hint, ueId, nh, at);
            if (ncc != CHANGED)
            {
                return ncc;
            }
        }
        return readNextHop(ueId, nh, at);
    }

    /**
     * @return NCC after copying NH to {@code nh} at {@code at}, read together without a lock, or
     *         {@link ContextTable#ABSENT}.
     */
    int readNextHop(final long ueId, final byte[] nh, final int at)
    {
        final int home = home(hash(ueId));
        for (int attempt = 0; ; attempt++)
        {
            final int entry = find(ueId, home);
            if (entry < 0)
            {
                return ContextTable.ABSENT;
            }
            final int ncc = readNextHopIn(entry, ueId, nh, at);
            if (ncc != CHANGED)
            {
                return ncc;
            }
            awaitWriter(entry, attempt);
        }
    }

    /**
     * @return whether the UE is in the map, after copying its KAMF to {@code kamf} at {@code at}, read
     *         without a lock as {@link #readNextHop} reads NH.
     */
    boolean readKamf(final long ueId, final byte[] kamf, final int at)
    {
        final int home = home(hash(ueId));
        for (int attempt = 0; ; attempt++)
        {
            final int entry = find(ueId, home);
            if (entry < 0)
            {
                // A copy of an attempt that a writer overtook may be there: no key of another UE stays behind.
                Arrays.fill(kamf, at, at + KEY_LENGTH, (byte)0);
                return false;
            }
            final long control = stableControl(entry, ueId);
            if (control != 0)
            {
                copyWords(slotAddress(entry) + KAMF_OFFSET, kamf, BufferUtil.ARRAY_BASE_OFFSET + at, KEY_LENGTH);
                if (validate(entry, control))
                {
                    return true;
                }
            }
            awaitWriter(entry, attempt);
        }
    }

    /**
     * @return NCC after copying NH to {@code nh} at {@code at}, when {@code entry} held the UE and no
     *         writer came by meanwhile; else {@link #CHANGED}.
     */
    private int readNextHopIn(final int entry, final long ueId, final byte[] nh, final int at)
    {
        final long control = stableControl(entry, ueId);
        if (control != 0)
        {
            final long slot = slotAddress(entry);
            final int ncc = UnsafeApi.getByte(slot + NCC_OFFSET);
            copyWords(slot + NH_OFFSET, nh, BufferUtil.ARRAY_BASE_OFFSET + at, KEY_LENGTH);
            if (validate(entry, control))
            {
                return ncc;
            }
        }
        return CHANGED;
    }

    /**
     * @return entries for {@code capacity} UEs at {@code loadFactor}: at least one more than the UEs, so
     *         a probe always ends at an empty entry.
     */
    static int entriesFor(final long capacity, final double loadFactor)
    {
        // Whole lines of entries, so every home is the first entry of a line.
        return (int)align(Math.max(capacity + 1, (long)Math.ceil(capacity / loadFactor)), ENTRIES_PER_LINE);
    }

    static String gibibytes(final long octets)
    {
        return String.format(java.util.Locale.ROOT, "%.1f GiB", octets / (double)(1L << 30));
    }

    /**
     * @return whether any slot holds {@code octets} at any offset, read without locks.
     */
    boolean slotsContain(final byte[] octets)
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

    /**
     * Takes the UE's DL NAS COUNT under its entry's lock, by {@link SecurityContext#downlinkNasCountAfter}.
     *
     * @return the COUNT to use, {@link SecurityContext#EXHAUSTED}, or {@link ContextTable#ABSENT}.
     */
    long takeDownlinkNasCount(final long ueId)
    {
        final int entry = lock(ueId, home(hash(ueId)));
        if (entry < 0)
        {
            return ContextTable.ABSENT;
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

    /**
     * Accepts a UL NAS COUNT for the UE under its entry's lock, by {@link SecurityContext#uplinkNasCountAfter}.
     *
     * @return the next COUNT expected, {@link SecurityContext#REPLAYED}, {@link SecurityContext#EXHAUSTED},
     *         or {@link ContextTable#ABSENT}.
     */
    long acceptUplinkNasCount(final long ueId, final long count)
    {
        final int entry = lock(ueId, home(hash(ueId)));
        if (entry < 0)
        {
            return ContextTable.ABSENT;
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

    /**
     * The slot a claim of one thread holds.
     */
    static final class HeldSlot
    {
        SlotMap map;
        int entry = -1;
    }
}
