package org.amfkeys;

import org.amfkeys.context.Claims;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.amfkeys.context.ContextBatch;
import org.amfkeys.context.ContextCursor;
import org.amfkeys.context.ContextTable;
import org.amfkeys.context.SecurityContext;
import org.amfkeys.hmac.HmacEngines;
import org.amfkeys.hmac.HmacRecords;
import org.amfkeys.hmac.HmacSha256Engine;
import org.amfkeys.hmac.KeySchedule;
import org.amfkeys.kdf.Kdf;
import org.amfkeys.kdf.KdfInputString;
import org.amfkeys.procedures.AmfProcedures;
import org.amfkeys.procedures.HorizontalKamfBatch;
import org.amfkeys.procedures.IdleHorizontalKamfBatch;
import org.amfkeys.procedures.InitialContextSetupBatch;
import org.amfkeys.procedures.KeylessStepBatch;
import org.amfkeys.procedures.HorizontalKamfPolicy;
import org.amfkeys.procedures.MmeProcedures;
import org.amfkeys.procedures.NextHopBatch;
import org.amfkeys.procedures.UeContextTransfer;
import org.amfkeys.procedures.keychange.Guami;
import org.amfkeys.procedures.keychange.KeyChangeOptions;
import org.amfkeys.procedures.keychange.KeyChangeProcedures;
import org.amfkeys.procedures.keychange.KeyDerivationParameter;
import org.amfkeys.procedures.keychange.NasAlgorithmPriorities;
import org.amfkeys.types.Abba;
import org.amfkeys.types.AccessNetworkIdentity;
import org.amfkeys.types.AfId;
import org.amfkeys.types.IpAddress;
import org.amfkeys.types.KdfParameter;
import org.amfkeys.types.PlmnId;
import org.amfkeys.types.ServingNetworkName;
import org.amfkeys.types.Supi;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The rule for the whole public API: only documented exception types reach a caller.
 * <ul>
 *     <li>Every public method of a closed {@link Kdf}, {@link HmacRecords}, {@link ContextCursor},
 *     {@link AmfProcedures}, {@link MmeProcedures} and {@link KeyChangeProcedures} throws an
 *     {@link IllegalStateException} saying it is closed (the methods are found by reflection, so a new
 *     one is covered too), and closing again does nothing.</li>
 *     <li>A null for any reference parameter of the public methods and constructors of the KDF, HMAC,
 *     type and context classes and of the procedures, with the other arguments valid, is an
 *     {@link InvalidParameterException} naming a parameter, or a documented outcome (an optional value
 *     left out, or an {@link IllegalStateException} for the object's state), never a
 *     NullPointerException or an index exception.</li>
 *     <li>A buffer too short for what is written to or read from it is reported by its length, not by
 *     a range of offsets that goes negative.</li>
 * </ul>
 */
class PublicApiContractTest
{
    private static final Set<String> USABLE_WHEN_CLOSED = Set.of("close", "isClosed", "toString");

    @Test
    void everyPublicMethodOfAClosedObjectThrowsIllegalStateException() throws Exception
    {
        try (ContextTable table = new ContextTable(16))
        {
            final List<AutoCloseable> closed = List.of(
                new Kdf(), new HmacRecords(2), new ContextCursor(new Kdf()), new AmfProcedures(table, new Kdf()),
                new MmeProcedures(table, new Kdf()), new KeyChangeProcedures(table, new Kdf(), KeyChangeOptions.all()),
                new NextHopBatch(new AmfProcedures(table, new Kdf()), 4), new HorizontalKamfBatch(new AmfProcedures(table, new Kdf()), 4),
                new InitialContextSetupBatch(new AmfProcedures(table, new Kdf()), new ContextBatch(table, 4)),
                new IdleHorizontalKamfBatch(new AmfProcedures(table, new Kdf()), new ContextBatch(table, 4)));
            int checked = 0;
            for (final AutoCloseable object : closed)
            {
                object.close();
                object.close();
                for (final Method method : publicMethods(object.getClass()))
                {
                    if (Modifier.isStatic(method.getModifiers()) || USABLE_WHEN_CLOSED.contains(method.getName()))
                    {
                        continue;
                    }
                    final Throwable thrown = invoke(object, method, validArguments(method.getParameterTypes(), -1));
                    if (!(thrown instanceof IllegalStateException) || !thrown.getMessage().endsWith("is closed"))
                    {
                        fail(describe(method) + " on a closed " + object.getClass().getSimpleName() + " gave " + thrown, thrown);
                    }
                    checked++;
                }
                assertTrue(object.toString().length() > 0);
            }
            assertTrue(checked > 150, checked + " methods checked");
        }
    }

    @Test
    void aClosedCursorNeverReachesASlotAndLeavesItUnlocked()
    {
        try (ContextTable table = new ContextTable(16); Kdf kdf = new Kdf())
        {
            final byte[] kamf = new byte[32];
            kamf[0] = 1;
            table.insert(7, new SecurityContext().kamf(kamf, kdf));
            final ContextCursor cursor = new ContextCursor(new Kdf());
            cursor.close();
            final IllegalStateException ex = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> Claims.update(table, 7, cursor, context -> context.downlinkNasCount(5)));
            assertEquals("ContextCursor is closed", ex.getMessage());
            try (ContextCursor open = new ContextCursor(new Kdf()))
            {
                assertTrue(Claims.update(table, 7, open, context -> context.downlinkNasCount(6)), "the slot was unlocked");
            }
            assertEquals(6, table.downlinkNasCount(7));
        }
    }

    @Test
    void aNullForAnyReferenceParameterIsAnInvalidParameterException() throws Exception
    {
        try (ContextTable table = new ContextTable(64))
        {
            final List<Supplier<Object>> instances = List.of(
                Kdf::new, KdfInputString::new, KeySchedule::new, () -> new HmacRecords(2), SecurityContext::new,
                () -> new AmfProcedures(table, new Kdf()), () -> new MmeProcedures(table, new Kdf()),
                () -> new KeyChangeProcedures(table, new Kdf(), KeyChangeOptions.all()),
                () -> new NextHopBatch(new AmfProcedures(table, new Kdf()), 4),
                () -> new HorizontalKamfBatch(new AmfProcedures(table, new Kdf()), 4), () -> new ContextBatch(table, 4),
                () -> new KeylessStepBatch(new AmfProcedures(table, new Kdf()), new ContextBatch(table, 4)),
                () -> new InitialContextSetupBatch(new AmfProcedures(table, new Kdf()), new ContextBatch(table, 4)),
                () -> new IdleHorizontalKamfBatch(new AmfProcedures(table, new Kdf()), new ContextBatch(table, 4)),
                UeContextTransfer::new);
            final List<Class<?>> staticsOnly = List.of(
                Abba.class, AccessNetworkIdentity.class, AfId.class, IpAddress.class, PlmnId.class,
                ServingNetworkName.class, Supi.class, org.amfkeys.types.NgKsi.class, org.amfkeys.types.NasCount.class,
                org.amfkeys.types.TextEncoding.class, HmacEngines.class, KeyDerivationParameter.class,
                NasAlgorithmPriorities.class);
            final List<String> failures = new ArrayList<>();
            int checked = 0;
            for (final Supplier<Object> instance : instances)
            {
                final Class<?> type = instance.get().getClass();
                final List<Executable> executables = new ArrayList<>(publicMethods(type));
                executables.addAll(Arrays.asList(type.getConstructors()));
                checked += fuzz(executables, instance, failures);
            }
            for (final Class<?> type : staticsOnly)
            {
                final List<Executable> executables = new ArrayList<>();
                for (final Method method : publicMethods(type))
                {
                    if (Modifier.isStatic(method.getModifiers()))
                    {
                        executables.add(method);
                    }
                }
                checked += fuzz(executables, () -> null, failures);
            }
            assertEquals(List.of(), failures);
            assertTrue(checked > 200, checked + " nulls tried");
        }
    }

    @Test
    void aShortBufferIsReportedByItsLength()
    {
        try (Kdf kdf = new Kdf())
        {
            final KeySchedule kamf = kdf.newSchedule(new byte[32]);
            final SecurityContext context = new SecurityContext();
            final List<org.junit.jupiter.api.function.Executable> calls = List.of(
                () -> context.copyNextHop(new byte[8], 0),
                () -> context.copyKamf(new byte[8], 0),
                () -> context.copyNonCurrentKamf(new byte[8], 0),
                () -> kdf.nh(kamf, new UnsafeBuffer(new byte[8]), 0, new UnsafeBuffer(new byte[32]), 0),
                () -> kdf.computeSchedule(new UnsafeBuffer(new byte[8]), 0, new KeySchedule()),
                () -> kdf.kgnb(kamf, 0, org.amfkeys.types.AccessType.THREE_GPP, new byte[8], 0),
                () -> kdf.kgnb(kamf, 0, org.amfkeys.types.AccessType.THREE_GPP, new UnsafeBuffer(new byte[8]), 0),
                () -> new KeySchedule(new UnsafeBuffer(new byte[8]), 0),
                () -> new SecurityContext(new UnsafeBuffer(new byte[8]), 0),
                () -> new KdfInputString().fc(0x10).octets(new byte[8], 0, 32));
            for (final org.junit.jupiter.api.function.Executable call : calls)
            {
                final InvalidParameterException ex = org.junit.jupiter.api.Assertions.assertThrows(
                    InvalidParameterException.class, call);
                assertTrue(ex.getMessage().matches("[a-z-]+: length 8 octets; allowed: at least (32|64|[0-9]+) octets"),
                    ex.getMessage());
            }
            assertEquals("nh: length 8 octets; allowed: at least 32 octets",
                org.junit.jupiter.api.Assertions.assertThrows(InvalidParameterException.class,
                    () -> context.copyNextHop(new byte[8], 0)).getMessage());
            assertEquals("nh-offset: 9 is out of range; allowed: 0..8", org.junit.jupiter.api.Assertions.assertThrows(
                InvalidParameterException.class, () -> context.copyNextHop(new byte[40], 9)).getMessage());
        }
    }

    private static int fuzz(final List<Executable> executables, final Supplier<Object> instance, final List<String> failures)
        throws Exception
    {
        int checked = 0;
        for (final Executable executable : executables)
        {
            final Class<?>[] types = executable.getParameterTypes();
            for (int i = 0; i < types.length; i++)
            {
                if (types[i].isPrimitive())
                {
                    continue;
                }
                final Object target = instance.get();
                final Throwable thrown = invoke(target, executable, validArguments(types, i));
                if (target instanceof AutoCloseable)
                {
                    ((AutoCloseable)target).close();
                }
                checked++;
                if (thrown != null && !(thrown instanceof InvalidParameterException) &&
                    !(thrown instanceof IllegalStateException))
                {
                    failures.add(describe(executable) + " with argument " + i + " null gave " + thrown);
                }
            }
        }
        return checked;
    }

    private static List<Method> publicMethods(final Class<?> type)
    {
        final List<Method> methods = new ArrayList<>();
        for (final Method method : type.getMethods())
        {
            if (method.getDeclaringClass() != Object.class && !method.isSynthetic() && !method.isBridge())
            {
                methods.add(method);
            }
        }
        methods.sort(Comparator.comparing(PublicApiContractTest::describe));
        return methods;
    }

    private static Throwable invoke(final Object target, final Executable executable, final Object[] arguments)
    {
        try
        {
            if (executable instanceof Method)
            {
                ((Method)executable).invoke(target, arguments);
            }
            else
            {
                ((Constructor<?>)executable).newInstance(arguments);
            }
            return null;
        }
        catch (final InvocationTargetException ex)
        {
            return ex.getCause();
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new AssertionError(describe(executable), ex);
        }
    }

    private static String describe(final Executable executable)
    {
        final StringBuilder text = new StringBuilder(executable.getDeclaringClass().getSimpleName())
            .append('.').append(executable instanceof Constructor ? "<init>" : executable.getName()).append('(');
        for (final Class<?> type : executable.getParameterTypes())
        {
            text.append(type.getSimpleName()).append(',');
        }
        return text.append(')').toString();
    }

    /**
     * Arguments a call accepts as far as their form goes (the right lengths where one length serves,
     * computed schedules, parsed identities), with null at {@code nullAt}.
     */
    private static Object[] validArguments(final Class<?>[] types, final int nullAt)
    {
        final Object[] arguments = new Object[types.length];
        for (int i = 0; i < types.length; i++)
        {
            arguments[i] = i == nullAt ? null : valid(types[i]);
        }
        return arguments;
    }

    private static Object valid(final Class<?> type)
    {
        if (type == int.class)
        {
            return 0;
        }
        if (type == long.class)
        {
            return 0L;
        }
        if (type == boolean.class)
        {
            return false;
        }
        if (type == byte[].class)
        {
            return new byte[32];
        }
        if (type == byte[][].class)
        {
            return new byte[][] {new byte[1]};
        }
        if (type == long[].class)
        {
            return new long[] {1};
        }
        if (type == int[].class)
        {
            return new int[] {1};
        }
        if (type == String.class)
        {
            return "a";
        }
        if (type.isEnum())
        {
            return type.getEnumConstants()[0];
        }
        if (type == KeySchedule.class)
        {
            try (Kdf kdf = new Kdf())
            {
                return kdf.newSchedule(new byte[32]);
            }
        }
        if (type == MutableDirectBuffer.class || type == DirectBuffer.class || type == UnsafeBuffer.class)
        {
            return new UnsafeBuffer(new byte[512]);
        }
        if (type == Kdf.class)
        {
            return new Kdf();
        }
        if (type == KdfInputString.class)
        {
            return new KdfInputString().fc(0x10);
        }
        if (type == ServingNetworkName.class)
        {
            return ServingNetworkName.parse("5G:mnc001.mcc001.3gppnetwork.org");
        }
        if (type == Supi.class)
        {
            return Supi.parse("imsi-001010123456789");
        }
        if (type == Abba.class || type == KdfParameter.class)
        {
            return Abba.DEFAULT;
        }
        if (type == PlmnId.class)
        {
            return PlmnId.of("001", "01");
        }
        if (type == AfId.class)
        {
            return AfId.of(new byte[] {1});
        }
        if (type == IpAddress.class)
        {
            return IpAddress.parse("ip", "10.0.0.1");
        }
        if (type == AccessNetworkIdentity.class)
        {
            return AccessNetworkIdentity.of("WLAN");
        }
        if (type == Guami.class)
        {
            return new Guami(PlmnId.of("001", "01"), 1, 4, 1);
        }
        if (type == Guami[].class)
        {
            return new Guami[] {new Guami(PlmnId.of("001", "01"), 1, 4, 1)};
        }
        if (type == KeyDerivationParameter.class)
        {
            return KeyDerivationParameter.version(1);
        }
        if (type == NasAlgorithmPriorities.class)
        {
            return NasAlgorithmPriorities.of(new int[] {1}, new int[] {1});
        }
        if (type == KeyChangeOptions.class)
        {
            return KeyChangeOptions.all();
        }
        if (type == HorizontalKamfPolicy.class)
        {
            return HorizontalKamfPolicy.always();
        }
        if (type == org.amfkeys.procedures.AmfChange.class)
        {
            return new org.amfkeys.procedures.AmfChange(org.amfkeys.procedures.AmfChange.Kind.N2_HANDOVER, 1, 2, false);
        }
        if (type == ContextTable.class)
        {
            return new ContextTable(4);
        }
        if (type == HmacRecords.class)
        {
            return new HmacRecords(4);
        }
        if (type == org.amfkeys.procedures.CoreNetworkProcedures.class || type == AmfProcedures.class)
        {
            return new AmfProcedures(new ContextTable(4), new Kdf());
        }
        if (type == ContextBatch.class)
        {
            return new ContextBatch(new ContextTable(4), 4);
        }
        if (type == HmacSha256Engine.class)
        {
            return HmacEngines.newEngine();
        }
        try
        {
            return type.getConstructor().newInstance();
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new AssertionError("no valid value for " + type, ex);
        }
    }
}
