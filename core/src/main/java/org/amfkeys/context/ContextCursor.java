package org.amfkeys.context;

import org.agrona.concurrent.UnsafeBuffer;
import org.amfkeys.kdf.Kdf;

import java.util.Objects;

/**
 * One thread's working state for the {@link ContextTable} operations that change a slot in place: a
 * {@link SecurityContext} flyweight pointed at the locked slot, the {@link Kdf} that derives under the
 * lock, and room to restore the slot if an update fails. Give each thread its own; the table itself is
 * shared.
 */
public final class ContextCursor implements AutoCloseable
{
    private final Kdf kdf;
    private final UnsafeBuffer slot = new UnsafeBuffer(0L, 0);
    private final SecurityContext context = new SecurityContext();
    private final UnsafeBuffer backup = new UnsafeBuffer(new byte[SecurityContextDescriptor.LENGTH]);
    private final byte[] detachedSlot = new byte[SecurityContextDescriptor.LENGTH];

    /**
     * @param kdf derives NH and key schedules under the slot lock; used by this cursor's thread only.
     */
    public ContextCursor(final Kdf kdf)
    {
        this.kdf = Objects.requireNonNull(kdf, "kdf");
    }

    /**
     * @return the KDF this cursor derives with.
     */
    public Kdf kdf()
    {
        return kdf;
    }

    SecurityContext wrapSlot(final long address)
    {
        slot.wrap(address, SecurityContextDescriptor.LENGTH);
        return context.wrap(slot, 0);
    }

    /**
     * Takes the flyweight off the slot once the lock is gone: the context handed to an update refuses
     * every use, and the buffer under it (and under the key schedule flyweight it lent) no longer
     * points into the table, whose memory may be freed later.
     */
    void detach()
    {
        slot.wrap(detachedSlot);
        context.detach();
    }

    void saveSlot()
    {
        backup.putBytes(0, slot, 0, SecurityContextDescriptor.LENGTH);
    }

    void restoreSlot()
    {
        slot.putBytes(0, backup, 0, SecurityContextDescriptor.LENGTH);
    }

    void clearBackup()
    {
        backup.setMemory(0, SecurityContextDescriptor.LENGTH, (byte)0);
    }

    /**
     * Zeroes the cursor's copies of key material and its KDF's scratch memory.
     */
    public void close()
    {
        clearBackup();
        kdf.close();
    }

    public String toString()
    {
        return "ContextCursor[kdf=" + kdf.engineName() + "]";
    }
}
