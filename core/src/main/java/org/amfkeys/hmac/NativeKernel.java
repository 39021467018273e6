package org.amfkeys.hmac;

import java.util.EnumSet;
import java.util.Set;

/**
 * The SHA-256 kernels of the native library ({@code AMFKEYS_KERNEL_*} in {@code amfkeys_native.h}),
 * in the order the native batch engine prefers them.
 */
public enum NativeKernel
{
    /** AVX-512 multi-buffer: 16 lanes per register, two groups interleaved. */
    AVX512(2, "avx512", "AVX-512 multi-buffer, 2 x 16 lanes interleaved", EnumSet.of(CpuFeature.AVX512F, CpuFeature.AVX512BW)),
    /** The SHA extensions, two lanes interleaved. */
    SHA_NI(1, "sha-ni", "SHA extensions, 2 lanes interleaved", EnumSet.of(CpuFeature.SSE41, CpuFeature.SHA_NI)),
    /** OpenSSL's SHA-256 block function: any CPU. */
    OPENSSL(0, "openssl", "OpenSSL's SHA-256 block function", EnumSet.noneOf(CpuFeature.class));

    private final int id;
    private final String token;
    private final String description;
    private final Set<CpuFeature> requires;

    NativeKernel(final int id, final String token, final String description, final Set<CpuFeature> requires)
    {
        this.id = id;
        this.token = token;
        this.description = description;
        this.requires = requires;
    }

    /**
     * @return the kernel's number in the native library.
     */
    public int id()
    {
        return id;
    }

    /**
     * @return the kernel's name, as {@value NativeLibrary#KERNEL_PROPERTY} takes it.
     */
    public String token()
    {
        return token;
    }

    /**
     * @return what the kernel computes with.
     */
    public String description()
    {
        return description;
    }

    /**
     * @return the CPU features it needs.
     */
    public Set<CpuFeature> requires()
    {
        return requires;
    }

    /**
     * @param token a kernel's name.
     * @return the kernel.
     * @throws org.amfkeys.InvalidParameterException naming {@code kernel} and the kernels when none has that name.
     */
    public static NativeKernel parse(final String token)
    {
        final NativeKernel kernel = find(token);
        if (kernel == null)
        {
            throw new org.amfkeys.InvalidParameterException(
                "kernel", org.amfkeys.InvalidParameterException.quote(token) + " is unknown", tokens());
        }
        return kernel;
    }

    /**
     * @param token a kernel's name, or null.
     * @return the kernel, or null when none has that name.
     */
    static NativeKernel find(final String token)
    {
        for (final NativeKernel kernel : values())
        {
            if (kernel.token.equals(token))
            {
                return kernel;
            }
        }
        return null;
    }

    /**
     * @return every kernel's name, for messages, e.g. {@code avx512, sha-ni, openssl}.
     */
    static String tokens()
    {
        final StringBuilder tokens = new StringBuilder();
        for (final NativeKernel kernel : values())
        {
            tokens.append(tokens.length() == 0 ? "" : ", ").append(kernel.token);
        }
        return tokens.toString();
    }
}
