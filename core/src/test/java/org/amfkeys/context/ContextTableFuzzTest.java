package org.amfkeys.context;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import org.amfkeys.InvalidParameterException;
import org.amfkeys.kdf.Kdf;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzzes the context table's public API with sequences of calls, hostile arguments among them (nulls,
 * short buffers, counts out of range, callbacks that throw, lock again or keep the context they were
 * lent, a close in the middle), against a model of what the table holds. Only the documented
 * exceptions may come out ({@link InvalidParameterException}, {@link IllegalStateException} and its
 * {@link ContextTableFullException}), a refused call changes nothing, and every read agrees with the model.
 * <p>
 * The normal build runs the inputs kept under {@code ContextTableFuzzTestInputs}; {@code JAZZER_FUZZ=1}
 * fuzzes (see the README).
 */
class ContextTableFuzzTest
{
    private static final long SEED = 0x5EED_F022L;
    private static final int UES = 12;
    private static final int OPERATIONS = 15;
    private static final Kdf KDF = new Kdf();
    private static final ContextCursor CURSOR = new ContextCursor(new Kdf());

    @FuzzTest(maxDuration = "10m")
    void tableApi(final FuzzedDataProvider data)
    {
        final long capacity = data.consumeLong(1, 16);
        final double loadFactor = data.pickValue(new double[] {0.25, 0.5, 0.75, 0.9});
        final ContextTable table = new ContextTable(capacity, loadFactor, false);
        final Map<Long, byte[]> model = new HashMap<>();
        final SecurityContext scratch = new SecurityContext();
        boolean closed = false;
        try
        {
            while (data.remainingBytes() > 0)
            {
                final int operation = data.consumeInt(0, OPERATIONS);
                final long ueId = data.consumeLong(0, UES);
                if (closed)
                {
                    assertThrows(IllegalStateException.class, () -> anyUse(table, ueId), "a closed table refuses use");
                    continue;
                }
                switch (operation)
                {
                    case 0 -> insert(table, model, capacity, ueId, data.consumeBoolean());
                    case 1 -> assertEquals(model.remove(ueId) != null, table.delete(ueId));
                    case 2 -> readBack(table, model, ueId, scratch);
                    case 3 -> readNextHop(table, model, ueId, data);
                    case 4 -> readNextHops(table, model, data);
                    case 5 -> advanceNextHop(table, model, ueId);
                    case 6 -> takeDownlinkNasCount(table, model, ueId);
                    case 7 -> acceptUplinkNasCount(table, model, ueId, data.consumeLong(-2, (1L << 24) + 2));
                    case 8 -> hostileUpdate(table, model, ueId, data.consumeInt(0, 5));
                    case 9 -> swap(table, model, ueId);
                    case 10 -> conditionalDelete(table, model, ueId, data.consumeBoolean());
                    case 11 -> nullsAndShortBuffers(table, model, ueId, data);
                    case 13 -> claim(table, model, ueId, data);
                    case 12 ->
                    {
                        table.close();
                        closed = true;
                    }
                    default -> assertEquals(model.size(), table.size());
                }
                if (!closed)
                {
                    assertEquals(model.size(), table.size());
                }
            }
            if (!closed)
            {
                for (final Map.Entry<Long, byte[]> ue : model.entrySet())
                {
                    readBack(table, model, ue.getKey(), scratch);
                }
            }
        }
        finally
        {
            table.close();
        }
    }

    private static void anyUse(final ContextTable table, final long ueId)
    {
        table.readNextHops(new long[] {ueId}, 1, new int[1], new byte[32]);
    }

    private static void insert(
        final ContextTable table, final Map<Long, byte[]> model, final long capacity, final long ueId, final boolean empty)
    {
        final SecurityContext context = Contexts.random(new SecurityContext(), SEED, ueId, KDF);
        if (empty)
        {
            context.clear();
            assertThrows(InvalidParameterException.class, () -> table.insert(ueId, context), "a context with no key");
            return;
        }
        if (!model.containsKey(ueId) && model.size() == capacity)
        {
            assertThrows(ContextTableFullException.class, () -> table.insert(ueId, context));
            return;
        }
        final boolean inserted = table.insert(ueId, context);
        assertEquals(!model.containsKey(ueId), inserted);
        if (inserted)
        {
            model.put(ueId, bytes(context));
        }
    }

    private static void readBack(final ContextTable table, final Map<Long, byte[]> model, final long ueId, final SecurityContext into)
    {
        into.clear();
        final boolean found = table.read(ueId, into);
        assertEquals(model.containsKey(ueId), found);
        if (found)
        {
            assertArrayEquals(model.get(ueId), bytes(into), "UE " + ueId + " holds what the model says");
        }
    }

    private static void readNextHop(
        final ContextTable table, final Map<Long, byte[]> model, final long ueId, final FuzzedDataProvider data)
    {
        final byte[] nh = new byte[data.consumeInt(0, 40)];
        final int at = data.consumeInt(-1, 9);
        if (nh.length < 32 || at < 0 || at > nh.length - 32)
        {
            assertThrows(InvalidParameterException.class, () -> table.readNextHop(ueId, nh, at));
            return;
        }
        final int ncc = table.readNextHop(ueId, nh, at);
        final byte[] expected = model.get(ueId);
        if (expected == null)
        {
            assertEquals(ContextTable.ABSENT, ncc);
            return;
        }
        final SecurityContext context = new SecurityContext(new org.agrona.concurrent.UnsafeBuffer(expected.clone()), 0);
        assertEquals(context.ncc(), ncc);
        final byte[] expectedNh = new byte[32];
        context.copyNextHop(expectedNh, 0);
        assertArrayEquals(expectedNh, Arrays.copyOfRange(nh, at, at + 32));
    }

    private static void readNextHops(final ContextTable table, final Map<Long, byte[]> model, final FuzzedDataProvider data)
    {
        final long[] ueIds = new long[data.consumeInt(0, 6)];
        for (int i = 0; i < ueIds.length; i++)
        {
            ueIds[i] = data.consumeLong(0, UES);
        }
        final int count = data.consumeInt(-1, ueIds.length + 1);
        final int[] nccs = new int[data.consumeInt(0, 6)];
        final byte[] nhs = new byte[data.consumeInt(0, 6) * 32];
        if (count < 0 || count > ueIds.length || nccs.length < count || nhs.length < 32L * count)
        {
            assertThrows(InvalidParameterException.class, () -> table.readNextHops(ueIds, count, nccs, nhs));
            return;
        }
        table.readNextHops(ueIds, count, nccs, nhs);
        for (int i = 0; i < count; i++)
        {
            final byte[] expected = model.get(ueIds[i]);
            assertEquals(expected == null ? ContextTable.ABSENT : new SecurityContext(
                new org.agrona.concurrent.UnsafeBuffer(expected.clone()), 0).ncc(), nccs[i]);
        }
    }

    private static void advanceNextHop(final ContextTable table, final Map<Long, byte[]> model, final long ueId)
    {
        final byte[] before = model.get(ueId);
        final int ncc = table.advanceNextHop(ueId, CURSOR);
        if (before == null)
        {
            assertEquals(ContextTable.ABSENT, ncc);
            return;
        }
        final SecurityContext expected = new SecurityContext(new org.agrona.concurrent.UnsafeBuffer(before.clone()), 0);
        assertEquals(expected.advanceNextHop(KDF), ncc);
        model.put(ueId, bytes(expected));
        readBack(table, model, ueId, new SecurityContext());
    }

    private static void takeDownlinkNasCount(final ContextTable table, final Map<Long, byte[]> model, final long ueId)
    {
        final byte[] before = model.get(ueId);
        if (before == null)
        {
            assertEquals(ContextTable.ABSENT, table.takeDownlinkNasCount(ueId));
            return;
        }
        final SecurityContext expected = new SecurityContext(new org.agrona.concurrent.UnsafeBuffer(before.clone()), 0);
        assertEquals(expected.downlinkNasCount(), table.takeDownlinkNasCount(ueId));
        expected.downlinkNasCount(expected.downlinkNasCount() + 1);
        model.put(ueId, bytes(expected));
    }

    private static void acceptUplinkNasCount(final ContextTable table, final Map<Long, byte[]> model, final long ueId, final long count)
    {
        if (count < 0 || count > SecurityContext.MAX_NAS_COUNT)
        {
            assertThrows(InvalidParameterException.class, () -> table.acceptUplinkNasCount(ueId, count));
            return;
        }
        final byte[] before = model.get(ueId);
        final long next = table.acceptUplinkNasCount(ueId, count);
        if (before == null)
        {
            assertEquals(ContextTable.ABSENT, next);
            return;
        }
        final SecurityContext expected = new SecurityContext(new org.agrona.concurrent.UnsafeBuffer(before.clone()), 0);
        if (count < expected.uplinkNasCount())
        {
            assertEquals(ContextTable.REPLAYED, next);
            return;
        }
        if (count == SecurityContext.MAX_NAS_COUNT)
        {
            assertEquals(ContextTable.EXHAUSTED, next, "the last COUNT is never accepted");
            return;
        }
        assertEquals(count + 1, next);
        expected.uplinkNasCount(count + 1);
        model.put(ueId, bytes(expected));
    }

    /**
     * An update whose callback changes the context, then does one hostile thing: throws, locks again,
     * reads its own UE back, or keeps the context for later.
     */
    private static void hostileUpdate(final ContextTable table, final Map<Long, byte[]> model, final long ueId, final int kind)
    {
        final AtomicReference<SecurityContext> kept = new AtomicReference<>();
        final java.util.function.Consumer<SecurityContext> update = context ->
        {
            context.ueSecurityCapabilities(0x5A5A);
            switch (kind)
            {
                case 0 -> throw new IllegalStateException("refused by the callback");
                case 1 -> table.advanceNextHop(ueId, CURSOR);
                case 2 -> table.read(ueId, new SecurityContext());
                case 3 -> Claims.update(table, (ueId + 1) % UES, CURSOR, other -> other.ueSecurityCapabilities(1));
                default -> kept.set(context);
            }
        };
        if (!model.containsKey(ueId))
        {
            assertFalse(Claims.update(table, ueId, CURSOR, update));
            return;
        }
        if (kind <= 3)
        {
            assertThrows(IllegalStateException.class, () -> Claims.update(table, ueId, CURSOR, update));
            readBack(table, model, ueId, new SecurityContext());
            return;
        }
        assertTrue(Claims.update(table, ueId, CURSOR, update));
        assertThrows(IllegalStateException.class, () -> kept.get().ueSecurityCapabilities(1), "a kept context is detached");
        final SecurityContext expected = new SecurityContext(new org.agrona.concurrent.UnsafeBuffer(model.get(ueId).clone()), 0);
        expected.ueSecurityCapabilities(0x5A5A);
        model.put(ueId, bytes(expected));
        readBack(table, model, ueId, new SecurityContext());
    }

    /**
     * A claim that changes the context, then ends by commit, by abort after scribbling over the whole
     * slot, by a delete, or by a call that would lock again (refused) and an abort.
     */
    private static void claim(final ContextTable table, final Map<Long, byte[]> model, final long ueId, final FuzzedDataProvider data)
    {
        final SecurityContext context = table.tryClaim(ueId, CURSOR);
        if (!model.containsKey(ueId))
        {
            assertNull(context);
            assertFalse(CURSOR.hasClaim());
            return;
        }
        final int count = data.consumeInt(0, (int)SecurityContext.MAX_NAS_COUNT);
        context.downlinkNasCount(count);
        switch (data.consumeInt(0, 3))
        {
            case 0 ->
            {
                table.commit(CURSOR);
                final SecurityContext expected = new SecurityContext(new org.agrona.concurrent.UnsafeBuffer(model.get(ueId).clone()), 0);
                expected.downlinkNasCount(count);
                model.put(ueId, bytes(expected));
            }
            case 1 ->
            {
                final byte[] noise = data.consumeBytes(SecurityContextDescriptor.LENGTH);
                context.buffer().putBytes(context.offset(), noise);
                table.abort(CURSOR);
            }
            case 2 ->
            {
                table.commitDelete(CURSOR);
                model.remove(ueId);
            }
            default ->
            {
                assertThrows(IllegalStateException.class, () -> table.tryClaim((ueId + 1) % UES, CURSOR));
                assertThrows(IllegalStateException.class, () -> table.takeDownlinkNasCount(ueId));
                table.abort(CURSOR);
            }
        }
        assertFalse(CURSOR.hasClaim());
        if (model.containsKey(ueId))
        {
            readBack(table, model, ueId, new SecurityContext());
        }
        else
        {
            assertFalse(table.contains(ueId));
        }
    }

    private static void swap(final ContextTable table, final Map<Long, byte[]> model, final long ueId)
    {
        final byte[] before = model.get(ueId);
        if (before == null)
        {
            assertFalse(Claims.swap(table, ueId, CURSOR));
            return;
        }
        final SecurityContext expected = new SecurityContext(new org.agrona.concurrent.UnsafeBuffer(before.clone()), 0);
        if (!expected.hasNonCurrent())
        {
            assertThrows(IllegalStateException.class, () -> Claims.swap(table, ueId, CURSOR));
        }
        else
        {
            assertTrue(Claims.swap(table, ueId, CURSOR));
            expected.swapCurrentAndNonCurrent(KDF);
            model.put(ueId, bytes(expected));
        }
        readBack(table, model, ueId, new SecurityContext());
    }

    private static void conditionalDelete(final ContextTable table, final Map<Long, byte[]> model, final long ueId, final boolean allow)
    {
        final java.util.function.Consumer<SecurityContext> precondition = context ->
        {
            if (!allow)
            {
                throw new IllegalStateException("refused by the precondition");
            }
        };
        if (!model.containsKey(ueId))
        {
            assertFalse(Claims.delete(table, ueId, CURSOR, precondition));
        }
        else if (allow)
        {
            assertTrue(Claims.delete(table, ueId, CURSOR, precondition));
            model.remove(ueId);
        }
        else
        {
            assertThrows(IllegalStateException.class, () -> Claims.delete(table, ueId, CURSOR, precondition));
            readBack(table, model, ueId, new SecurityContext());
        }
    }

    private static void nullsAndShortBuffers(
        final ContextTable table, final Map<Long, byte[]> model, final long ueId, final FuzzedDataProvider data)
    {
        switch (data.consumeInt(0, 6))
        {
            case 0 -> assertThrows(InvalidParameterException.class, () -> table.insert(ueId, null));
            case 1 -> assertThrows(InvalidParameterException.class, () -> table.read(ueId, null));
            case 2 -> assertThrows(InvalidParameterException.class, () -> table.tryClaim(ueId, null));
            case 3 -> assertThrows(InvalidParameterException.class, () -> table.commit(null));
            case 4 -> assertThrows(InvalidParameterException.class, () -> table.readNextHops(null, 0, new int[0], new byte[0]));
            case 5 -> assertThrows(InvalidParameterException.class, () -> table.advanceNextHops(new long[1], 1, CURSOR, null));
            default -> assertThrows(InvalidParameterException.class, () -> table.abort(null));
        }
        readBack(table, model, ueId, new SecurityContext());
    }

    private static byte[] bytes(final SecurityContext context)
    {
        final byte[] bytes = new byte[SecurityContextDescriptor.LENGTH];
        context.buffer().getBytes(context.offset(), bytes);
        return bytes;
    }
}
