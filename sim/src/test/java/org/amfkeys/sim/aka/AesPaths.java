package org.amfkeys.sim.aka;

import java.util.List;
import java.util.function.Supplier;

/**
 * Every AES-128 path MILENAGE can run on, for tests that run each of them.
 */
final class AesPaths
{
    private AesPaths()
    {
    }

    /**
     * @return a factory of each path.
     */
    static List<Supplier<Aes128>> all()
    {
        return NativeAes128.availability() == null ? List.of(JdkAes128::new, NativeAes128::new) : List.of(JdkAes128::new);
    }
}
