package org.amfkeys.context;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import org.agrona.UnsafeApi;

/**
 * Off-heap memory for a {@link ContextTable}, mapped straight from the kernel so that the key material
 * in it can be kept out of core dumps ({@code madvise(MADV_DONTDUMP)}) and, on request, locked in RAM
 * ({@code mlock}). The calls go through JNA to the C library, so no compiled glue is needed.
 * <p>
 * Anonymous mappings start zeroed and are only backed by RAM when touched, so a table sized for
 * millions of UEs costs memory as it fills. Where the C library cannot be reached (not Linux, or JNA
 * unusable) the memory comes from {@code Unsafe.allocateMemory} instead and {@link #excludedFromCoreDumps()}
 * says so.
 */
final class TableMemory implements AutoCloseable
{
    private static final int PROT_READ = 0x1;
    private static final int PROT_WRITE = 0x2;
    private static final int MAP_PRIVATE = 0x02;
    private static final int MAP_ANONYMOUS = 0x20;
    private static final int MAP_NORESERVE = 0x4000;
    private static final int MADV_HUGEPAGE = 14;
    private static final int MADV_DONTDUMP = 16;
    private static final long MAP_FAILED = -1L;

    private final long address;
    private final long length;
    private final boolean mapped;
    private final boolean excludedFromCoreDumps;
    private final boolean lockedInRam;
    private boolean closed;

    private TableMemory(
        final long address, final long length, final boolean mapped, final boolean excludedFromCoreDumps,
        final boolean lockedInRam)
    {
        this.address = address;
        this.length = length;
        this.mapped = mapped;
        this.excludedFromCoreDumps = excludedFromCoreDumps;
        this.lockedInRam = lockedInRam;
    }

    /**
     * Maps {@code length} zeroed octets.
     *
     * @param length      octets to map.
     * @param lockInRam   whether to {@code mlock} the whole mapping now.
     * @return the memory.
     * @throws IllegalStateException when the memory cannot be had, or cannot be locked as asked.
     */
    static TableMemory allocate(final long length, final boolean lockInRam)
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
            return new TableMemory(address, length, false, false, false);
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
        return new TableMemory(address, length, true, excluded, lockInRam);
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
     * Returns the memory to the system. The caller zeroes whatever key material it holds first.
     */
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
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
