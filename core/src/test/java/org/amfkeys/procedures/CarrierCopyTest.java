package org.amfkeys.procedures;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A copy of a carrier a simulation keeps across steps (a handover command, a deferred start with its
 * context transfer) is the whole carrier: every field, set to a value other than its default, reads
 * back the same from the copy. Found by reflection, so a field added later without its copy fails.
 */
class CarrierCopyTest
{
    @Test
    void aCopyOfAHandoverCommandHasEveryField() throws IllegalAccessException
    {
        assertWholeCopy(HandoverCommand::new, HandoverCommand::copyFrom);
    }

    @Test
    void aCopyOfAContextTransferHasEveryField() throws IllegalAccessException
    {
        assertWholeCopy(UeContextTransfer::new, UeContextTransfer::copyFrom);
    }

    @Test
    void aCopyOfADeferredStartHasEveryFieldItsTransfersIncluded() throws IllegalAccessException
    {
        assertWholeCopy(DeferredStart::new, DeferredStart::copyFrom);
    }

    private static <T> void assertWholeCopy(final Supplier<T> fresh, final BiConsumer<T, T> copy)
        throws IllegalAccessException
    {
        final T original = fresh.get();
        final int filled = fill(original, 1);
        final T copied = fresh.get();

        copy.accept(copied, original);

        assertTrue(filled >= 3, filled + " fields");
        assertEquals(describe(original), describe(copied));
        assertEquals(describe(fresh.get()), describe(fresh.get()), "a fresh one is not the filled one");
        assertTrue(!describe(fresh.get()).equals(describe(copied)), "every field was set away from its default");
    }

    /**
     * Sets every field reachable through the procedures' own classes to a value other than its default.
     *
     * @return how many fields it set.
     */
    private static int fill(final Object object, final int seed) throws IllegalAccessException
    {
        int filled = 0;
        for (final Field field : fields(object.getClass()))
        {
            final Class<?> type = field.getType();
            final int value = seed + filled + 2;
            if (type == boolean.class)
            {
                field.setBoolean(object, true);
            }
            else if (type == int.class)
            {
                field.setInt(object, value);
            }
            else if (type == long.class)
            {
                field.setLong(object, 1_000L + value);
            }
            else if (type == byte[].class)
            {
                Arrays.fill((byte[])field.get(object), (byte)value);
            }
            else if (type == String.class)
            {
                field.set(object, "reason " + value);
            }
            else if (type.isEnum())
            {
                final Object[] constants = type.getEnumConstants();
                field.set(object, constants[constants.length - 1]);
            }
            else if (type.getPackageName().startsWith("org.amfkeys."))
            {
                filled += fill(field.get(object), value * 31);
                continue;
            }
            else
            {
                throw new AssertionError("no value for " + field);
            }
            filled++;
        }
        return filled;
    }

    private static String describe(final Object object) throws IllegalAccessException
    {
        final StringBuilder description = new StringBuilder(object.getClass().getSimpleName()).append('{');
        for (final Field field : fields(object.getClass()))
        {
            final Object value = field.get(object);
            description.append(field.getName()).append('=');
            if (value instanceof byte[])
            {
                description.append(Arrays.toString((byte[])value));
            }
            else if (value != null && !field.getType().isEnum() && field.getType().getPackageName().startsWith("org.amfkeys."))
            {
                description.append(describe(value));
            }
            else
            {
                description.append(value);
            }
            description.append(", ");
        }
        return description.append('}').toString();
    }

    private static List<Field> fields(final Class<?> type)
    {
        return Arrays.stream(type.getDeclaredFields()).filter(field -> !Modifier.isStatic(field.getModifiers()))
            .peek(field -> field.setAccessible(true)).toList();
    }
}
