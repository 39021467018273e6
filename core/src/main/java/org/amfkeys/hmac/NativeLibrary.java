package org.amfkeys.hmac;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Locale;

/**
 * The JNI library {@code libamfkeys.so}: loaded once, from the path in {@value #LIBRARY_PROPERTY} or
 * from the classpath (extracted to a private temporary file, deleted as soon as it is mapped).
 * Addresses go in, nothing is pinned or copied; callers validate before they call.
 * <p>
 * At load the library reports its record layout, and a library whose records differ from
 * {@link HmacRecordDescriptor} is not used: it would read keys and write MACs in the wrong places.
 * Fault injection ({@value #FAULT_PROPERTY}) exists only in the test variant of the library,
 * {@code libamfkeys-test.so}, built with the CMake option {@code AMFKEYS_TEST_HOOKS}; the library in
 * the jar has no such entry point.
 */
final class NativeLibrary
{
    /** System property: path of the library to load instead of the one on the classpath. */
    static final String LIBRARY_PROPERTY = "amfkeys.native.library";

    /** System property: the kernel the native engines must use (avx512, sha-ni, openssl). */
    static final String KERNEL_PROPERTY = "amfkeys.native.kernel";

    /** System property: CPU features to treat as absent, e.g. {@code avx512f} (for tests). */
    static final String CPU_MASK_PROPERTY = "amfkeys.native.cpuMask";

    /**
     * System property: kernels whose results are corrupted on purpose, so their self-test fails, and
     * {@value #LAYOUT_FAULT}, a misreported record layout (for tests; needs the test variant).
     */
    static final String FAULT_PROPERTY = "amfkeys.native.fault";

    /**
     * System property: the way every chunk of an AVX-512 batch is computed, one of {@link #BATCH_PLANS},
     * instead of the one measured fastest at load (for tests, so that every way is checked on every
     * machine; needs the test variant).
     */
    static final String BATCH_PLAN_PROPERTY = "amfkeys.native.batchPlan";

    /**
     * The ways the AVX-512 kernel computes a chunk of up to 32 lanes, by their code in the library:
     * 16-lane groups, SHA-NI pairs, one group and SHA-NI for the rest.
     */
    static final List<String> BATCH_PLANS = List.of("groups", "sha-ni", "group-and-sha-ni");

    /** Most lanes of a chunk, the unit a plan is chosen for: two 16-lane groups. */
    static final int BATCH_CHUNK = 32;

    /**
     * The kinds of chunk a plan is measured for, in the library's order: mostly key schedules, mostly raw
     * keys, mostly raw keys in equal neighbouring pairs (two keys derived from one, which the SHA-NI
     * kernel schedules once).
     */
    static final List<String> BATCH_CHUNK_KINDS = List.of("schedules", "raw keys", "raw keys in pairs");

    /** The fault that makes the test variant misreport the MAC's offset ({@code AMFKEYS_FAULT_LAYOUT}). */
    static final String LAYOUT_FAULT = "layout";

    static final String RESOURCE = "/org/amfkeys/hmac/native/linux-x86_64/libamfkeys.so";

    /** The test variant's file name: never in the jar, only loaded through {@value #LIBRARY_PROPERTY}. */
    static final String TEST_VARIANT = "libamfkeys-test.so";

    private static final int LAYOUT_FAULT_BIT = 1 << 8;

    /**
     * What the library reports by {@link #recordLayout}, in its order: the record's length, then the
     * offset and size of each field. The sizes of the ints are their Java size: both sides read them
     * as 4 octets.
     */
    private static final String[] LAYOUT_NAMES =
    {
        "record length",
        "flags offset", "flags size",
        "key length offset", "key length size",
        "message length offset", "message length size",
        "status offset", "status size",
        "key offset", "key size",
        "message offset", "message size",
        "mac offset", "mac size",
        "chain step length",
        "chain step schedule offset", "chain step schedule size",
        "chain step input offset", "chain step input size",
        "chain step fc offset", "chain step fc size",
        "chain step status offset", "chain step status size",
        "chain step mac offset", "chain step mac size",
    };

    private static final int[] LAYOUT =
    {
        HmacRecordDescriptor.LENGTH,
        HmacRecordDescriptor.FLAGS_OFFSET, Integer.BYTES,
        HmacRecordDescriptor.KEY_LENGTH_OFFSET, Integer.BYTES,
        HmacRecordDescriptor.MESSAGE_LENGTH_OFFSET, Integer.BYTES,
        HmacRecordDescriptor.STATUS_OFFSET, Integer.BYTES,
        HmacRecordDescriptor.KEY_OFFSET, HmacRecordDescriptor.MAX_KEY_LENGTH,
        HmacRecordDescriptor.MESSAGE_OFFSET, HmacRecordDescriptor.MAX_MESSAGE_LENGTH,
        HmacRecordDescriptor.MAC_OFFSET, HmacSha256Engine.MAC_LENGTH,
        ChainStepDescriptor.LENGTH,
        ChainStepDescriptor.SCHEDULE_OFFSET, Long.BYTES,
        ChainStepDescriptor.INPUT_OFFSET, Long.BYTES,
        ChainStepDescriptor.FC_OFFSET, Integer.BYTES,
        ChainStepDescriptor.STATUS_OFFSET, Integer.BYTES,
        ChainStepDescriptor.MAC_OFFSET, HmacSha256Engine.MAC_LENGTH,
    };

    /**
     * How loading went.
     *
     * @param loaded  true when the library is loaded, checked, and its entry points can be called.
     * @param refused true when a library was loaded but is not used (its record layout differs, or a
     *                setting needs an entry point it lacks): a broken build or setup, worth a warning.
     * @param detail  where it came from, or why it is not used (and, when it was loaded, where from).
     */
    record Status(boolean loaded, boolean refused, String detail)
    {
    }

    private static final Status STATUS = load();

    private NativeLibrary()
    {
    }

    static Status status()
    {
        return STATUS;
    }

    private static Status load()
    {
        final String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        final String arch = System.getProperty("os.arch", "");
        if (!os.contains("linux") || !(arch.equals("amd64") || arch.equals("x86_64")))
        {
            return new Status(false, false, "no native library for " + os + "/" + arch);
        }
        final String source;
        try
        {
            final String configured = System.getProperty(LIBRARY_PROPERTY);
            if (configured != null && !configured.isBlank())
            {
                System.load(Path.of(configured).toAbsolutePath().toString());
                source = configured;
            }
            else
            {
                source = extractAndLoad();
            }
        }
        catch (final IOException | RuntimeException | LinkageError ex)
        {
            return new Status(false, false, ex.getClass().getSimpleName() + ": " + ex.getMessage());
        }
        try
        {
            // Faults first: the layout fault must be in place before the layout is checked.
            final String faultRefused = injectRequestedFaults();
            if (faultRefused != null)
            {
                return new Status(false, true, faultRefused + " (" + source + ")");
            }
            final String planRefused = forceRequestedPlan();
            if (planRefused != null)
            {
                return new Status(false, true, planRefused + " (" + source + ")");
            }
            final String mismatch = layoutMismatch();
            if (mismatch != null)
            {
                return new Status(false, true, mismatch + " (" + source + ")");
            }
            maskCpuFeatures(CpuFeature.parse(System.getProperty(CPU_MASK_PROPERTY)));
            return new Status(true, false, source + " (" + opensslVersion() + ")");
        }
        catch (final RuntimeException | LinkageError ex)
        {
            // A bad test setting or a missing entry point: the library stays unused, and no stack trace reaches users.
            return new Status(false, true, ex.getClass().getSimpleName() + ": " + ex.getMessage() + " (" + source + ")");
        }
    }

    private static String extractAndLoad() throws IOException
    {
        try (InputStream in = NativeLibrary.class.getResourceAsStream(RESOURCE))
        {
            if (in == null)
            {
                throw new IOException("libamfkeys.so is not on the classpath (built with -Dnative.skip?)");
            }
            final Path file = Files.createTempFile("amfkeys-", ".so",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try
            {
                Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
                System.load(file.toAbsolutePath().toString());
            }
            finally
            {
                // Mapped now: the file is no longer needed, and nothing is left behind in /tmp.
                Files.deleteIfExists(file);
            }
            return "classpath " + RESOURCE;
        }
    }

    /**
     * Injects the faults {@value #FAULT_PROPERTY} asks for; nothing is called when it is not set, so
     * the library in the jar, which has no such entry point, is never asked.
     *
     * @return null, or why the library is not used: an unknown fault, or faults asked of a library
     *     without test hooks.
     */
    private static String injectRequestedFaults()
    {
        final String requested = System.getProperty(FAULT_PROPERTY);
        if (requested == null || requested.isBlank())
        {
            return null;
        }
        int faults = 0;
        for (final String token : requested.split(","))
        {
            final String fault = token.trim();
            final NativeKernel kernel = NativeKernel.find(fault);
            if (kernel == null && !LAYOUT_FAULT.equals(fault))
            {
                return FAULT_PROPERTY + ": " + org.amfkeys.InvalidParameterException.quote(fault) +
                    " is unknown; allowed: " + NativeKernel.tokens() + ", " + LAYOUT_FAULT;
            }
            faults |= kernel == null ? LAYOUT_FAULT_BIT : 1 << kernel.id();
        }
        try
        {
            injectFaults(faults);
            return null;
        }
        catch (final UnsatisfiedLinkError ex)
        {
            // Refused rather than ignored: a fault test that ran on unfaulted kernels would pass for nothing.
            return needsTestVariant(FAULT_PROPERTY);
        }
    }

    /** @return why a test property cannot be honoured by a library that has no test hooks. */
    private static String needsTestVariant(final String property)
    {
        return property + " needs the test variant of the library (" + TEST_VARIANT + ", built with AMFKEYS_TEST_HOOKS), " +
            "and this one has no test hooks";
    }

    /** @return null, or why the library is not used: an unknown plan, or a plan asked of a library without test hooks. */
    private static String forceRequestedPlan()
    {
        final String requested = System.getProperty(BATCH_PLAN_PROPERTY);
        if (requested == null || requested.isBlank())
        {
            return null;
        }
        final int plan = BATCH_PLANS.indexOf(requested.trim());
        if (plan < 0)
        {
            return BATCH_PLAN_PROPERTY + ": " + org.amfkeys.InvalidParameterException.quote(requested) + " is unknown; allowed: " +
                String.join(", ", BATCH_PLANS);
        }
        try
        {
            forceBatchPlan(plan);
            return null;
        }
        catch (final UnsatisfiedLinkError ex)
        {
            return needsTestVariant(BATCH_PLAN_PROPERTY);
        }
    }

    /**
     * @return null when the loaded library's records are laid out as {@link HmacRecordDescriptor}
     *     says, else what differs.
     */
    private static String layoutMismatch()
    {
        final int[] values = new int[LAYOUT.length + 1];
        final int count;
        try
        {
            count = recordLayout(values);
        }
        catch (final UnsatisfiedLinkError ex)
        {
            return "the library does not report its record layout (built from older sources than this jar?)";
        }
        return layoutMismatch(values, count);
    }

    /**
     * Compares a record layout, as the library reports it, with {@link HmacRecordDescriptor}.
     *
     * @param values what the library wrote: the record's length, then each field's offset and size.
     * @param count  how many values the library has (more than {@code values} holds when it has more).
     * @return null when they agree, else every value that differs, with the library's and Java's number.
     */
    static String layoutMismatch(final int[] values, final int count)
    {
        if (count != LAYOUT.length)
        {
            return "record layout differs from HmacRecordDescriptor or ChainStepDescriptor: the library reports " + count +
                " values, Java expects " + LAYOUT.length;
        }
        final StringBuilder differences = new StringBuilder();
        for (int i = 0; i < LAYOUT.length; i++)
        {
            if (values[i] != LAYOUT[i])
            {
                differences.append(differences.length() == 0 ? "" : ", ")
                    .append(LAYOUT_NAMES[i]).append(" is ").append(values[i]).append(" in the library, ")
                    .append(LAYOUT[i]).append(" in Java");
            }
        }
        return differences.length() == 0 ? null : "record layout differs from HmacRecordDescriptor or ChainStepDescriptor: " + differences;
    }

    /** @return a copy of the layout Java expects, in the order {@link #recordLayout} reports it (for tests). */
    static int[] expectedLayout()
    {
        return LAYOUT.clone();
    }

    /**
     * @param addresses where {@code count} addresses are, 8 octets each.
     * @param count     how many.
     */
    static native void prefetch(long addresses, int count);

    /** @return CPU feature bits this process may use (detected, less the masked ones). */
    static native int cpuFeatures();

    /** @param masked CPU feature bits to treat as absent. */
    static native void maskCpuFeatures(int masked);

    /** @return true when the kernel exists and the CPU (after masking) can run it. */
    static native boolean kernelSupported(int kernel);

    /**
     * Only in the test variant: the library in the jar throws {@link UnsatisfiedLinkError}.
     *
     * @param faults bit per kernel id whose results are to be corrupted, and the layout fault's bit.
     */
    static native void injectFaults(int faults);

    /**
     * @param values filled with the record's length, then each field's offset and size, as much as fits.
     * @return how many values the library has.
     */
    static native int recordLayout(int[] values);

    /**
     * @param values filled with the plan ({@link #BATCH_PLANS} index) of each chunk size 1..32 for each of
     *               {@link #BATCH_CHUNK_KINDS}, one kind after another, as measured at load.
     * @return how many values the library has.
     */
    static native int batchPlans(int[] values);

    /**
     * @return the plans measured at load, as runs of chunk sizes, e.g. {@code schedules: sha-ni 1-32;
     *     raw keys: sha-ni 1-13, groups 14-16, group-and-sha-ni 17-32; raw keys in pairs: sha-ni 1-32}.
     */
    static String describeBatchPlans()
    {
        final int[] plans = new int[BATCH_CHUNK_KINDS.size() * BATCH_CHUNK];
        return batchPlans(plans) == plans.length ? describeBatchPlans(plans) : "partial batches: no plans reported";
    }

    /**
     * @param plans as {@link #batchPlans} fills them.
     * @return them as runs of chunk sizes.
     */
    static String describeBatchPlans(final int[] plans)
    {
        final int chunk = BATCH_CHUNK;
        final StringBuilder text = new StringBuilder("partial batches by size, measured at load: ");
        for (int mode = 0; mode < BATCH_CHUNK_KINDS.size(); mode++)
        {
            text.append(mode == 0 ? "" : "; ").append(BATCH_CHUNK_KINDS.get(mode)).append(": ");
            int start = 1;
            for (int lanes = 1; lanes <= chunk; lanes++)
            {
                final int plan = plans[mode * chunk + lanes - 1];
                if (lanes == chunk || plans[mode * chunk + lanes] != plan)
                {
                    text.append(start > 1 ? ", " : "").append(planName(plan)).append(' ').append(start);
                    text.append(lanes > start ? "-" + lanes : "");
                    start = lanes + 1;
                }
            }
        }
        return text.toString();
    }

    private static String planName(final int plan)
    {
        return plan >= 0 && plan < BATCH_PLANS.size() ? BATCH_PLANS.get(plan) : "plan " + plan;
    }

    /** Test variant only: every AVX-512 chunk computed by {@code plan}, an index of {@link #BATCH_PLANS}. */
    static native void forceBatchPlan(int plan);

    /** {@link #hmacRecords} refused a record (its status says why) and computed none. */
    static final int ERROR_RECORDS = -102;

    /**
     * Checks every record, writing its status, then computes them all, or none if one is refused.
     *
     * @return {@code count}; {@link #ERROR_RECORDS}; another negative code when the kernel is unknown or unsupported.
     */
    static native int hmacRecords(int kernel, long records, int count);

    /**
     * Checks every chain step ({@link ChainStepDescriptor}), writing its status, then computes them all,
     * or none if one is refused.
     *
     * @return {@code count}; {@link #ERROR_RECORDS}; another negative code when the kernel is unknown or unsupported.
     */
    static native int chainSteps(int kernel, long steps, int count);

    /** @return records computed by OpenSSL's one-shot HMAC() (raw keys only). */
    static native int opensslHmacRecords(long records, int count);

    /** @return 0, or a negative code. */
    static native int schedule(int kernel, long key, int length, long schedule);

    /** {@link #mac} was given a schedule never computed (a chaining value of zeros) and computed nothing. */
    static final int ERROR_SCHEDULE = -103;

    /** @return 0; {@link #ERROR_SCHEDULE}; another negative code. */
    static native int mac(int kernel, long schedule, long message, int length, long mac);

    /** @return 0, or a negative code. */
    static native int macPair(int kernel, long schedule, long first, int firstLength, long second, int secondLength, long macs);

    static native int sha256(int kernel, long message, int length, long digest);

    /** @return OpenSSL's version string. */
    static native String opensslVersion();
}
