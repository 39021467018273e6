package org.amfkeys.procedures;

import org.agrona.DirectBuffer;
import org.amfkeys.context.ContextCursor;
import org.amfkeys.context.ContextTable;
import org.amfkeys.context.SecurityContext;
import org.amfkeys.kdf.Kdf;
import org.amfkeys.sim.PhasedProcedure;
import org.amfkeys.sim.RanNode;
import org.amfkeys.sim.SimulatedCore;
import org.amfkeys.sim.SimulatedUe;
import org.amfkeys.sim.UeMirror;

import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What must hold of one {@link SimulatedUe} and every node of its {@link SimulatedCore}, for tests that
 * run random sequences of procedures: a fingerprint of the whole state of every side (to show that a
 * refused step changed nothing, or that a restore brought every side back), and the invariants of a
 * UE with nothing in flight (every side agrees, only the serving node holds the UE, and no table keeps
 * a root key the UE has retired).
 * <p>
 * The fingerprint walks the objects of the UE, its RAN nodes and its procedures in flight by
 * reflection, so a field added later is covered without anyone remembering to; scratch memory that
 * holds nothing between steps is left out by name.
 */
public final class SimulationInvariants
{
    private static final Map<Class<?>, Set<String>> SCRATCH = Map.of(
        SimulatedUe.class, Set.of("core", "observer", "snapshot", "rootKey", "networkKey", "networkEncryption",
            "networkIntegrity", "ueEncryption", "ueIntegrity", "startedDeferred", "refusedDeferred"),
        UeMirror.class, Set.of("kdf", "scratch", "scratchSchedule", "kdpBoundKamf"),
        RanNode.class, Set.of("kdf", "derived", "intraCell"));

    /** Walked only by identity: shared machinery, not the UE's state. */
    private static final Set<Class<?>> OPAQUE = Set.of(
        Kdf.class, ContextTable.class, ContextCursor.class, SimulatedCore.class, AmfProcedures.class, MmeProcedures.class);

    private static final Map<Class<?>, List<Field>> FIELDS = new HashMap<>();

    private final SimulatedUe ue;
    private final CoreNetworkProcedures[] nodes;
    private final SecurityContext snapshot = new SecurityContext();
    private final Set<ByteBuffer> everHeld = new HashSet<>();
    private final Set<ByteBuffer> retiredChecked = new HashSet<>();

    /**
     * @param ue   the UE.
     * @param core the core network it moves through.
     */
    public SimulationInvariants(final SimulatedUe ue, final SimulatedCore core)
    {
        this.ue = ue;
        final List<CoreNetworkProcedures> all = new ArrayList<>();
        for (int i = 0; i < SimulatedCore.AMFS; i++)
        {
            all.add(core.amf(i));
        }
        for (int i = 0; i < core.mmes(); i++)
        {
            all.add(core.mme(i));
        }
        this.nodes = all.toArray(new CoreNetworkProcedures[0]);
    }

    // ---------------------------------------------------------------------------------------------
    // Fingerprint
    // ---------------------------------------------------------------------------------------------

    /**
     * @return a hash of the state of every side: the UE model, its RAN nodes, the procedures in flight,
     *         and the UE's context in every node's table.
     */
    public long fingerprint()
    {
        final Walk walk = new Walk(null);
        walk.object(ue);
        tables(walk);
        return walk.hash;
    }

    /**
     * @return the same state as {@link #fingerprint()}, one {@code path=value} per line, to show a difference.
     */
    public List<String> describe()
    {
        final Walk walk = new Walk(new ArrayList<>());
        walk.object(ue);
        tables(walk);
        return walk.lines;
    }

    private void tables(final Walk walk)
    {
        for (int i = 0; i < nodes.length; i++)
        {
            if (nodes[i].read(ue.ueId(), snapshot))
            {
                final DirectBuffer buffer = snapshot.buffer();
                for (int at = 0; at < org.amfkeys.context.SecurityContextDescriptor.LENGTH; at += Long.BYTES)
                {
                    walk.value(walk.lines == null ? null : "node" + i + "@" + at, buffer.getLong(snapshot.offset() + at));
                }
            }
            else
            {
                walk.value(walk.lines == null ? null : "node" + i, -1);
            }
        }
        snapshot.clear();
    }

    /**
     * Hashes (and, when describing, lists) every value reachable from the UE, depth first, each object once.
     */
    private static final class Walk
    {
        final List<String> lines;
        final IdentityHashMap<Object, Integer> seen = new IdentityHashMap<>();
        long hash = 0x9E3779B97F4A7C15L;

        Walk(final List<String> lines)
        {
            this.lines = lines;
        }

        void value(final String path, final long value)
        {
            final long h = (hash ^ value) * 0xff51afd7ed558ccdL;
            hash = h ^ (h >>> 29);
            if (lines != null)
            {
                lines.add(path + "=" + value);
            }
        }

        void object(final Object root)
        {
            walk(lines == null ? null : root.getClass().getSimpleName(), root, root.getClass());
        }

        private void walk(final String path, final Object value, final Class<?> declared)
        {
            if (value == null)
            {
                // A lazily made part is the same state as its fresh default.
                final Object fresh = declared.getDeclaringClass() == SimulatedUe.class ? freshInstance(declared) : null;
                if (fresh == null)
                {
                    value(path, 0x6E756C6CL);
                    return;
                }
                walk(path, fresh, declared);
                return;
            }
            final Class<?> type = value.getClass();
            if (type == Long.class || type == Integer.class || type == Short.class || type == Byte.class)
            {
                value(path, ((Number)value).longValue());
            }
            else if (type == Boolean.class)
            {
                value(path, (Boolean)value ? 1 : 0);
            }
            else if (type == Character.class)
            {
                value(path, (Character)value);
            }
            else if (type == Double.class || type == Float.class)
            {
                value(path, Double.doubleToLongBits(((Number)value).doubleValue()));
            }
            else if (type.isEnum() || type.getSuperclass() != null && type.getSuperclass().isEnum())
            {
                value(path, ((Enum<?>)value).ordinal() + 1);
            }
            else if (type == String.class)
            {
                value(path, value.hashCode());
            }
            else if (type == byte[].class)
            {
                final byte[] bytes = (byte[])value;
                long h = bytes.length;
                for (final byte b : bytes)
                {
                    h = h * 31 + b;
                }
                hash = (hash ^ h) * 0xff51afd7ed558ccdL;
                if (lines != null)
                {
                    lines.add(path + "=" + java.util.HexFormat.of().formatHex(bytes));
                }
            }
            else if (type.isArray())
            {
                final int length = Array.getLength(value);
                value(path == null ? null : path + ".length", length);
                for (int i = 0; i < length; i++)
                {
                    walk(path == null ? null : path + "[" + i + "]", Array.get(value, i), type.getComponentType());
                }
            }
            else if (value instanceof DirectBuffer)
            {
                final DirectBuffer buffer = (DirectBuffer)value;
                for (int at = 0; at + Long.BYTES <= buffer.capacity(); at += Long.BYTES)
                {
                    value(path == null ? null : path + "@" + at, buffer.getLong(at));
                }
            }
            else if (OPAQUE.contains(type) || !type.getName().startsWith("org.amfkeys."))
            {
                identity(path, value);
            }
            else
            {
                final Integer first = seen.putIfAbsent(value, seen.size());
                if (first != null)
                {
                    value(path == null ? null : path + "->#", first);
                    return;
                }
                for (final Field field : fields(type))
                {
                    try
                    {
                        walk(path == null ? null : path + "." + field.getName(), field.get(value), field.getType());
                    }
                    catch (final IllegalAccessException ex)
                    {
                        throw new AssertionError(ex);
                    }
                }
            }
        }

        /** Shared machinery counts by which one it is, so that a step switching nodes shows. */
        private void identity(final String path, final Object value)
        {
            final Integer first = seen.putIfAbsent(value, seen.size());
            value(path == null ? null : path + "=>" + value.getClass().getSimpleName(), first == null ? seen.size() - 1 : first);
        }
    }

    private static Object freshInstance(final Class<?> type)
    {
        try
        {
            final var constructor = type.getDeclaredConstructor();
            constructor.setAccessible(true);
            return constructor.newInstance();
        }
        catch (final NoSuchMethodException | InstantiationException | IllegalAccessException | InvocationTargetException ex)
        {
            return null;
        }
    }

    /**
     * @param type a class whose instances the fingerprint walks.
     * @return the fields of {@code type} (and its superclasses) the fingerprint covers: all but static and
     *         scratch ones, made accessible.
     */
    static synchronized List<Field> fields(final Class<?> type)
    {
        return FIELDS.computeIfAbsent(type, t ->
        {
            final List<Field> fields = new ArrayList<>();
            for (Class<?> c = t; c != null && c != Object.class; c = c.getSuperclass())
            {
                final Set<String> scratch = SCRATCH.getOrDefault(c, Set.of());
                final Set<String> unmatched = new HashSet<>(scratch);
                for (final Field field : c.getDeclaredFields())
                {
                    unmatched.remove(field.getName());
                    if (!Modifier.isStatic(field.getModifiers()) && !scratch.contains(field.getName()) && !field.isSynthetic())
                    {
                        field.setAccessible(true);
                        fields.add(field);
                    }
                }
                // A name that matches no field is stale: its field was renamed, and is walked now under
                // the new name.
                if (!unmatched.isEmpty())
                {
                    throw new AssertionError(c.getSimpleName() + " has no fields " + unmatched + " to leave out");
                }
            }
            return fields;
        });
    }

    // ---------------------------------------------------------------------------------------------
    // Invariants of a UE with nothing in flight
    // ---------------------------------------------------------------------------------------------

    /**
     * @return whether any phased procedure of the UE is in flight or waits.
     */
    public boolean anythingInFlight()
    {
        for (final PhasedProcedure procedure : PhasedProcedure.values())
        {
            if (ue.inFlight(procedure))
            {
                return true;
            }
        }
        return false;
    }

    /**
     * Checks a UE with nothing in flight: UE, RAN node and serving node agree; no other node holds the
     * UE; and no table holds a root key the UE held before and has retired since.
     *
     * @return null when all hold, else what does not.
     */
    public String quiescentViolation()
    {
        if (!ue.inSync())
        {
            return "UE, RAN node and " + ue.servingName() + " are not in sync";
        }
        final CoreNetworkProcedures serving = ue.serving();
        for (final CoreNetworkProcedures node : nodes)
        {
            if (node != serving && node.read(ue.ueId(), snapshot))
            {
                snapshot.clear();
                return "a node other than the serving " + ue.servingName() + " still holds the UE";
            }
        }
        final ByteBuffer current = ByteBuffer.wrap(ue.ue().rootKey().clone());
        everHeld.add(current);
        final SecurityContext context = ue.readServing();
        final byte[] oldKeyForAs = new byte[Kdf.KEY_LENGTH];
        if ((context.contextFlags() & SecurityContext.FLAG_OLD_KEY_FOR_AS) != 0)
        {
            context.copyNonCurrentKamf(oldKeyForAs, 0);
        }
        for (final ByteBuffer key : everHeld)
        {
            if (key.equals(current) || key.equals(ByteBuffer.wrap(oldKeyForAs)) || retiredChecked.contains(key))
            {
                continue;
            }
            for (final CoreNetworkProcedures node : nodes)
            {
                if (node.table().slotsContain(key.array()))
                {
                    return "a table still holds a root key the UE retired";
                }
            }
            retiredChecked.add(key);
        }
        return null;
    }

    /**
     * @return a value of the same type that differs from {@code value}, for a test that changes one
     *         field at a time.
     */
    static Object otherValue(final Object value)
    {
        if (value instanceof Boolean)
        {
            return !(Boolean)value;
        }
        if (value instanceof Integer)
        {
            return (Integer)value + 1;
        }
        if (value instanceof Long)
        {
            return (Long)value + 1;
        }
        if (value instanceof Enum)
        {
            final Object[] constants = ((Enum<?>)value).getDeclaringClass().getEnumConstants();
            return constants[(((Enum<?>)value).ordinal() + 1) % constants.length];
        }
        throw new AssertionError("no other value for a " + value.getClass().getSimpleName());
    }
}
