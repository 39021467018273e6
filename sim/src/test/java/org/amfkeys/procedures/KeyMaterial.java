package org.amfkeys.procedures;

import org.agrona.DirectBuffer;

import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;

/**
 * Finds key storage that is not zero in an object the project owns: every byte array and every buffer
 * reachable from it through the project's classes. For tests that a wiped object holds no key.
 */
public final class KeyMaterial
{
    private KeyMaterial()
    {
    }

    /**
     * @param root an object of the project's classes.
     * @return the path of every byte array or buffer reachable from {@code root} that holds an octet
     *         other than zero; empty when all are zero.
     */
    public static List<String> notZeroed(final Object root)
    {
        final List<String> found = new ArrayList<>();
        walk(root.getClass().getSimpleName(), root, new IdentityHashMap<>(), found);
        return found;
    }

    private static void walk(
        final String path, final Object value, final IdentityHashMap<Object, Boolean> seen, final List<String> found)
    {
        if (value == null || seen.put(value, Boolean.TRUE) != null)
        {
            return;
        }
        final Class<?> type = value.getClass();
        if (type == byte[].class)
        {
            for (final byte octet : (byte[])value)
            {
                if (octet != 0)
                {
                    found.add(path);
                    return;
                }
            }
        }
        else if (value instanceof DirectBuffer)
        {
            final DirectBuffer buffer = (DirectBuffer)value;
            for (int i = 0; i < buffer.capacity(); i++)
            {
                if (buffer.getByte(i) != 0)
                {
                    found.add(path);
                    return;
                }
            }
        }
        else if (type.isArray() && !type.getComponentType().isPrimitive())
        {
            for (int i = 0; i < Array.getLength(value); i++)
            {
                walk(path + "[" + i + "]", Array.get(value, i), seen, found);
            }
        }
        else if (type.getName().startsWith("org.amfkeys.") && !(value instanceof Enum))
        {
            for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass())
            {
                for (final Field field : c.getDeclaredFields())
                {
                    if (Modifier.isStatic(field.getModifiers()) || field.getType().isPrimitive())
                    {
                        continue;
                    }
                    field.setAccessible(true);
                    try
                    {
                        walk(path + "." + field.getName(), field.get(value), seen, found);
                    }
                    catch (final IllegalAccessException ex)
                    {
                        throw new AssertionError(ex);
                    }
                }
            }
        }
    }
}
