package org.amfkeys.context;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import org.agrona.UnsafeApi;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Off-heap memory for a {@link ContextTable}, mapped straight from the kernel so that the key material
 * in it can be kept out of core dumps ({@code madvise(MADV_DONTDUMP)}) and, on request, locked in RAM
 * ({@code mlock}). The calls go through JNA to the C library, so no compiled glue is needed.
 * <p>
 * Anonymous mappings start zeroed and are only backed by RAM when touched, so a table sized for
 * millions of UEs costs memory as it fills. The table reports each first write to a region
 * ({@link #markUsed}); {@link #wipe()} then zeroes only those regions and hands every page back to the
 * kernel, so closing an empty table of any size is quick.
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
    /** Octets per region whose first use is recorded: a huge page. */
    static final int REGION_SHIFT = 21;

    private static final int PROT_READ = 0x1;
    private static final int PROT_WRITE = 0x2;
    private static final int MAP_PRIVATE = 0x02;
    private static final int MAP_ANONYMOUS = 0x20;
    private static final int MAP_NORESERVE = 0x4000;
    private static final int MADV_DONTNEED = 4;
    private static final int MADV_HUGEPAGE = 14;
    private static final int MADV_DONTDUMP = 16;
    private static final long MAP_FAILED = -1L;
    private static final AtomicBoolean UNCLOSED_LOGGED = new AtomicBoolean();
    private static final AtomicLong RELEASED = new AtomicLong();

    private final long address;
    private final long length;
    private final boolean mapped;
    private final boolean excludedFromCoreDumps;
    private final boolean lockedInRam;
    private final String owner;
    private final byte[] usedRegions;
    private volatile boolean wiped;
    private boolean released;

    private TableMemory(
        final long address, final long length, final boolean mapped, final boolean excludedFromCoreDumps,
        final boolean lockedInRam, final String owner)
    {
        this.address = address;
        this.length = length;
        this.mapped = mapped;
        this.excludedFromCoreDumps = excludedFromCoreDumps;
        this.lockedInRam = lockedInRam;
        this.owner = owner;
        this.usedRegions = new byte[(int)((length + (1L << REGION_SHIFT) - 1) >>> REGION_SHIFT)];
    }

    /**
     * Maps {@code length} zeroed octets.
     *
     * @param length      octets to map.
     * @param lockInRam   whether to {@code mlock} the whole mapping now.
     * @param owner       what the memory is for, for the log line of a table never closed.
     * @return the memory.
     * @throws IllegalStateException when the memory cannot be had, or cannot be locked as asked.
     */
    static TableMemory allocate(final long length, final boolean lockInRam, final String owner)
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
            final TableMemory memory = new TableMemory(address, length, false, false, false, owner);
            memory.markUsed(0, length);
            return memory;
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
            // Fewer TLB misses on a table of gigabytes; only advice, so a kernel without it is fine.
            Libc.madvise(address, length, MADV_HUGEPAGE);
        }
        catch (final LastErrorException ignore)
        {
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
        return new TableMemory(address, length, true, excluded, lockInRam, owner);
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
     * Records that {@code octets} from {@code at} may now hold data, so that {@link #wipe()} zeroes them.
     * Called before the first write to them; a region marked once stays marked.
     *
     * @param at     offset from {@link #address()}.
     * @param octets how many.
     */
    void markUsed(final long at, final long octets)
    {
        final byte[] used = usedRegions;
        final int last = (int)((at + octets - 1) >>> REGION_SHIFT);
        for (int region = (int)(at >>> REGION_SHIFT); region <= last; region++)
        {
            // Read before writing, so inserts into a region already marked leave its cache line shared.
            if (used[region] == 0)
            {
                used[region] = 1;
            }
        }
    }

    /**
     * Zeroes every region that was used and gives the pages back to the kernel; the range stays mapped
     * until {@link #run()}. Safe to call more than once.
     */
    synchronized void wipe()
    {
        if (wiped || released)
        {
            return;
        }
        final long regionLength = 1L << REGION_SHIFT;
        for (int region = 0; region < usedRegions.length; region++)
        {
            if (usedRegions[region] != 0)
            {
                final long at = (long)region << REGION_SHIFT;
                UnsafeApi.setMemory(address + at, Math.min(regionLength, length - at), (byte)0);
                usedRegions[region] = 0;
            }
        }
        if (mapped && !lockedInRam)
        {
            try
            {
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
     * @return whether {@link #wipe()} has run.
     */
    boolean wiped()
    {
        return wiped;
    }

    /**
     * The cleaner's action, once the table is unreachable: wipes the memory if the table was never
     * closed (logging the first such table), then returns the address range.
     */
    public void run()
    {
        if (!wiped)
        {
            if (UNCLOSED_LOGGED.compareAndSet(false, true))
            {
                System.getLogger(ContextTable.class.getName()).log(System.Logger.Level.WARNING,
                    owner + " was not closed; its cleaner zeroed and unmapped it. Close tables when done with " +
                    "them (this is logged once per process).");
            }
            wipe();
        }
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
            if (lockedInRam)
            {
                Libc.munlock(address, length);
            }
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
    }
}
