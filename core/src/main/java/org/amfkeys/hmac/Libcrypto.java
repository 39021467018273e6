package org.amfkeys.hmac;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;

/**
 * The system's OpenSSL libcrypto for JNA direct mapping: the one place that knows its names.
 */
public final class Libcrypto
{
    /** Names tried in order: the linker's name, then the sonames of OpenSSL 3 and 1.1. */
    private static final String[] NAMES = {"crypto", "libcrypto.so.3", "libcrypto.so.1.1"};

    private Libcrypto()
    {
    }

    /**
     * Binds the {@code static native} methods of the calling class to libcrypto; call it from that class's
     * static initialiser.
     *
     * @throws LinkageError when no libcrypto can be loaded, with the last loader's reason.
     */
    public static void register()
    {
        final Class<?> caller = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE).getCallerClass();
        LinkageError failure = null;
        for (final String name : NAMES)
        {
            try
            {
                Native.register(caller, NativeLibrary.getInstance(name));
                return;
            }
            catch (final LinkageError ex)
            {
                failure = ex;
            }
        }
        throw failure != null ? failure : new UnsatisfiedLinkError("libcrypto not found");
    }
}
