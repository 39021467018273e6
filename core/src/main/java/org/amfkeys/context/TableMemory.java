package org.amfkeys.context;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import org.agrona.UnsafeApi;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Off-heap memory for a {@link ContextTable}, mapped straight from the kernel so that the key material
 * in it can be kept out of core dumps ({@code madvise(MADV_DONTDUMP)}) and, on request, locked in RAM
 * ({@code mlock}). The calls go through JNA to the C library, so no compiled glue is needed.
 * <p>
 * Anonymous mappings start zeroed and are only backed by RAM when touched, so a table sized for
 * millions of UEs costs memory as it fills. The memory holds {@code units} units of key material (the
 * table's slots) from {@code unitsOffset}; the table marks each unit before it first writes a key to it
 * ({@link #markUsed}), and {@link #wipe()} zeroes only the marked units and hands every page back to the
 * kernel, so closing a table costs what it held, whatever its capacity.
 * <p>
 * <b>Lifetime.</b> {@link #wipe()} leaves the address range mapped (as fresh zero pages), so a thread
 * still inside a table operation when another closes the table reads zeros or writes into a fresh page
 * instead of into an unmapped range and crashing the JVM. The range is unmapped only by {@link #run()},
 * which a {@link java.lang.ref.Cleaner} calls once the table is unreachable, so no thread can be inside
 * it any more; a table that was never closed is wiped there first, and the first such table is logged.
 * <p>
 * Where the C library cannot be reached (not Linux, or JNA unusable) the memory comes from
 * {@code Unsafe.allocateMemory} instead, {@link #excludedFromCoreDumps()} says so, and the pages stay
 * with the process until the cleaner frees them.
 */
final class TableMemory implements Runnable
{

    private static final int PROT_READ = 0x1;
    private static final int PROT_WRITE = 0x2;
    private static final int MAP_PRIVATE = 0x02;
    private static final int MAP_ANONYMOUS = 0x20;
    private static final int MAP_NORESERVE = 0x4000;
    private static final int MADV_DONTNEED = 4;
    private static final int MADV_HUGEPAGE = 14;
    private static final int MADV_DONTDUMP = 16;
    private static final int MADV_POPULATE_WRITE = 23;
    private static final long MAP_FAILED = -1L;
    private static final long PAGE = 4096;
    private static final AtomicBoolean UNCLOSED_LOGGED = new AtomicBoolean();
    private static final AtomicLong RELEASED = new AtomicLong();
    private static final VarHandle USED_UNITS = MethodHandles.arrayElementVarHandle(long[].class);
    /**
     * Units per bit of the used map, as a shift: 16. A bit per unit made the map of a 10 M UE table
     * 1.7 MB, larger than a core's cache, so that an insert's mark was a miss of its own and a locked
     * write to a line the other inserting threads wrote too; a bit per 16 makes it 104 KB, and most
     * marks a read of a bit already set. A wipe zeroes every unit of a marked group.
     */
    private static final int UNITS_PER_BIT_SHIFT = 4;

    private final long address;
    private final long length;
    private final boolean mapped;
    private final boolean excludedFromCoreDumps;
    private final boolean lockedInRam;
    private final String owner;
    private final long unitsOffset;
    private final int unitLength;
    private final int unitCount;
    private final long[] usedUnits;
    private volatile boolean wiped;
    private boolean released;

    private TableMemory(
        final long address, final long length, final Units units, final boolean mapped,
        final boolean excludedFromCoreDumps, final boolean lockedInRam, final String owner)
    {
        this.address = address;
        this.length = length;
        this.mapped = mapped;
        this.excludedFromCoreDumps = excludedFromCoreDumps;
        this.lockedInRam = lockedInRam;
        this.owner = owner;
        this.unitsOffset = units.offset();
        this.unitLength = units.length();
        this.unitCount = units.count();
        final long bits = ((long)units.count() + (1 << UNITS_PER_BIT_SHIFT) - 1) >>> UNITS_PER_BIT_SHIFT;
        this.usedUnits = new long[(int)((bits + Long.SIZE - 1) / Long.SIZE)];
    }

    /**
     * Maps {@code length} zeroed octets.
     *
     * @param length    octets to map.
     * @param units     where the units of key material lie, which {@link #wipe()} zeroes when used.
     * @param lockInRam whether to {@code mlock} the whole mapping now.
     * @param owner     what the memory is for, for the log line of a table never closed.
     * @return the memory.
     * @throws IllegalStateException when the memory cannot be had, or cannot be locked as asked.
     */
    static TableMemory allocate(final long length, final Units units, final boolean lockInRam, final String owner)
    {
        if (!Libc.AVAILABLE)
        {
            if (lockInRam)
            {
                throw new IllegalStateException("lock-in-ram: the C library is not reachable through JNA (" +
                    Libc.UNAVAILABLE_REASON + "), so the table cannot be locked in RAM");
            }
            final long address = UnsafeApi.allocateMemory(length);
            UnsafeApi.setMemory(address, length, (byte)0);
            return new TableMemory(address, length, units, false, false, false, owner);
        }

        final long address;
        try
        {
            address = Libc.mmap(0, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        }
        catch (final LastErrorException ex)
        {
            throw new IllegalStateException("cannot map " + length + " octets for the context table: errno " +
                ex.getErrorCode(), ex);
        }
        if (address == MAP_FAILED || address == 0)
        {
            throw new IllegalStateException("cannot map " + length + " octets for the context table");
        }

        boolean excluded;
        try
        {
            Libc.madvise(address, length, MADV_DONTDUMP);
            excluded = true;
        }
        catch (final LastErrorException ex)
        {
            excluded = false;
        }
        try
        {
            // Fewer TLB misses on a table of gigabytes.
            Libc.madvise(address, length, MADV_HUGEPAGE);
        }
        catch (final LastErrorException ignore)
        {
            // Only advice, so a kernel without it is fine.
        }

        if (lockInRam)
        {
            try
            {
                Libc.mlock(address, length);
            }
            catch (final LastErrorException ex)
            {
                Libc.munmap(address, length);
                throw new IllegalStateException("lock-in-ram: mlock of " + length + " octets failed with errno " +
                    ex.getErrorCode() + "; raise the locked-memory limit (ulimit -l) or leave lock-in-ram off", ex);
            }
        }
        return new TableMemory(address, length, units, true, excluded, lockInRam, owner);
    }

    /**
     * @return the address of the first octet.
     */
    long address()
    {
        return address;
    }

    /**
     * @return the octets mapped.
     */
    long length()
    {
        return length;
    }

    /**
     * @return whether the memory is kept out of core dumps.
     */
    boolean excludedFromCoreDumps()
    {
        return excludedFromCoreDumps;
    }

    /**
     * @return whether the memory is locked in RAM.
     */
    boolean lockedInRam()
    {
        return lockedInRam;
    }

    /**
     * Faults every page in now, writable, without changing what it holds (Linux 5.14's
     * {@code MADV_POPULATE_WRITE}), so that first writes under load take no page fault.
     *
     * @return false when the kernel cannot (older than 5.14), the memory is not mapped by this class, or
     *         it was given back; the pages then come in on first touch as before.
     */
    boolean populate()
    {
        if (!mapped || wiped)
        {
            return false;
        }
        try
        {
            Libc.madvise(address, length, MADV_POPULATE_WRITE);
            return true;
        }
        catch (final LastErrorException ex)
        {
            return false;
        }
    }

    /**
     * Records that unit {@code unit} may now hold key material, so that {@link #wipe()} zeroes it.
     * Called before the first write to it; a unit marked once stays marked.
     *
     * @param unit 0..units-1.
     */
    void markUsed(final int unit)
    {
        final int group = unit >>> UNITS_PER_BIT_SHIFT;
        final int word = group >>> 6;
        final long bit = 1L << group;
        // Read first, so inserts next to a unit already marked leave the word's cache line shared.
        if ((usedUnits[word] & bit) == 0)
        {
            USED_UNITS.getAndBitwiseOr(usedUnits, word, bit);
        }
    }

    /**
     * Zeroes every unit marked used and gives every page back to the kernel (unlocking them first when
     * locked in RAM); the range stays mapped until {@link #run()}. Safe to call more than once.
     */
    synchronized void wipe()
    {
        if (released)
        {
            return;
        }
        // After a close the pages were given back: only those a racing thread touched since are there.
        zeroUsedUnits(mapped && wiped);
        if (mapped && !wiped)
        {
            try
            {
                if (lockedInRam)
                {
                    Libc.munlock(address, length);
                }
                // The zeroed pages go back now; later touches (a racing thread) get fresh zero pages.
                Libc.madvise(address, length, MADV_DONTNEED);
            }
            catch (final LastErrorException ignore)
            {
                // Only the memory's early return is lost; the range is unmapped by run() all the same.
            }
        }
        wiped = true;
    }

    /**
     * The marks stay: a thread that raced the close may have written a key into a unit since, and the
     * cleaner zeroes the marked units again before the range is unmapped.
     */
    private void zeroUsedUnits(final boolean residentOnly)
    {
        final long[] used = usedUnits;
        final long unitsLength = (long)unitLength * unitCount;
        final long pages = (Math.min(unitsLength, length - unitsOffset) + PAGE - 1) / PAGE;
        final long resident = residentOnly ? residentPages(address + unitsOffset, pages) : 0;
        try
        {
            for (int word = 0; word < used.length; word++)
            {
                for (long bits = used[word]; bits != 0; bits &= bits - 1)
                {
                    final long group = ((long)word << 6) + Long.numberOfTrailingZeros(bits);
                    final long first = group << UNITS_PER_BIT_SHIFT;
                    final long end = Math.min(first + (1 << UNITS_PER_BIT_SHIFT), unitCount);
                    for (long unit = first; unit < end; unit++)
                    {
                        final long at = unitsOffset + unit * unitLength;
                        // Writing to a page that is not there would bring in a fresh page only to zero it.
                        if (!residentOnly || isResident(resident, at - unitsOffset) ||
                            isResident(resident, at - unitsOffset + unitLength - 1))
                        {
                            UnsafeApi.setMemory(address + at, unitLength, (byte)0);
                        }
                    }
                }
            }
        }
        finally
        {
            if (resident != 0)
            {
                UnsafeApi.freeMemory(resident);
            }
        }
    }

    /**
     * @return one octet per page from {@code from}, its lowest bit set when the page is in memory
     *         ({@code mincore}); to free.
     */
    private static long residentPages(final long from, final long pages)
    {
        final long vector = UnsafeApi.allocateMemory(Math.max(1, pages));
        try
        {
            Libc.mincore(from, pages * PAGE, vector);
        }
        catch (final LastErrorException ex)
        {
            // Unknown: take every page as there, which zeroes too much but never too little.
            UnsafeApi.setMemory(vector, pages, (byte)1);
        }
        return vector;
    }

    private static boolean isResident(final long vector, final long offset)
    {
        return (UnsafeApi.getByte(vector + offset / PAGE) & 1) != 0;
    }

    /**
     * The cleaner's action, once the table is unreachable and so no thread can be inside it: zeroes
     * what was used (again, after a close, as a thread racing the close may have written since; the
     * first never-closed table is logged), then returns the address range.
     */
    public void run()
    {
        if (!wiped && UNCLOSED_LOGGED.compareAndSet(false, true))
        {
            System.getLogger(ContextTable.class.getName()).log(System.Logger.Level.WARNING,
                owner + " was not closed; its cleaner zeroed and unmapped it. Close tables when done with " +
                "them (this is logged once per process).");
        }
        wipe();
        release();
    }

    private synchronized void release()
    {
        if (released)
        {
            return;
        }
        released = true;
        if (mapped)
        {
            Libc.munmap(address, length);
        }
        else
        {
            UnsafeApi.freeMemory(address);
        }
        RELEASED.incrementAndGet();
    }

    /**
     * @return how many table memories this process has returned to the system so far.
     */
    static long released()
    {
        return RELEASED.get();
    }

    /**
     * Where the units of key material lie in the memory.
     *
     * @param offset of the first unit.
     * @param length octets of one unit.
     * @param count  how many units.
     */
    record Units(long offset, int length, int count)
    {
    }

    /**
     * The C library's memory calls, bound by JNA direct mapping. {@code size_t} and pointers are passed
     * as {@code long}, which is their width on every 64-bit platform the table supports.
     */
    private static final class Libc
    {
        static final boolean AVAILABLE;
        static final String UNAVAILABLE_REASON;

        static
        {
            boolean available = false;
            String reason = null;
            try
            {
                if (!Platform.isLinux() || !Platform.is64Bit())
                {
                    reason = "not 64-bit Linux";
                }
                else
                {
                    Native.register(Libc.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
                    available = true;
                }
            }
            catch (final LinkageError ex)
            {
                reason = ex.toString();
            }
            AVAILABLE = available;
            UNAVAILABLE_REASON = reason;
        }

        static native long mmap(long address, long length, int protection, int flags, int fd, long offset)
            throws LastErrorException;

        static native int munmap(long address, long length) throws LastErrorException;

        static native int madvise(long address, long length, int advice) throws LastErrorException;

        static native int mlock(long address, long length) throws LastErrorException;

        static native int munlock(long address, long length) throws LastErrorException;

        static native int mincore(long address, long length, long vector) throws LastErrorException;
    }
}
