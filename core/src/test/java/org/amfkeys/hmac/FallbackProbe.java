package org.amfkeys.hmac;

import org.amfkeys.SelfTest;
import org.amfkeys.context.ContextTable;
import org.amfkeys.context.SecurityContext;
import org.amfkeys.kdf.Kdf;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.util.Arrays;

/**
 * Run in a child JVM by {@link NativeFallbackTest} with the native library missing or refused, a kernel
 * made to fail, or CPU features masked: reports what was picked and whether every key is still right.
 */
public final class FallbackProbe
{
    private FallbackProbe()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final NativeStatus status = HmacEngines.nativeStatus();
        System.out.println("native=" + status.loaded());
        System.out.println("library=" + status.library());
        System.out.println("batch=" + status.batchKernel().map(NativeKernel::token).orElse("none"));
        System.out.println("single=" + status.singleKernel().map(NativeKernel::token).orElse("none"));
        System.out.println("default=" + HmacEngines.newEngine().name());
        // The native engines' lines of `amfkeys selftest`.
        System.out.println("nativeEngines=" + HmacEngines.status().stream()
            .filter(engine -> engine.name().startsWith("native"))
            .map(engine -> engine.name() + " " + engine.usable() + " " + engine.detail())
            .toList());
        System.out.println("selftest=" + (SelfTest.run().ok() ? "PASS" : "FAIL"));
        boolean right;
        try (HmacSha256Engine engine = HmacEngines.newEngine())
        {
            right = keysRight(engine);
        }
        if (status.batchKernel().isPresent())
        {
            try (NativeBatchHmac batch = HmacEngines.newBatchEngine(); HmacRecords records = new HmacRecords(40))
            {
                right &= batchRight(batch, records);
            }
        }
        System.out.println("keys=" + (right ? "RIGHT" : "WRONG"));
        System.out.println("table=" + (locatedReadsRight() ? "RIGHT" : "WRONG"));
    }

    /**
     * The context table's located reads, which ask for their lines with the native prefetch when the
     * library is there and load them otherwise: the same NCC and NH as the probed reads, with right,
     * stale and missing hints alike.
     */
    private static boolean locatedReadsRight()
    {
        final int ues = 1_000;
        try (ContextTable table = new ContextTable(ues); Kdf kdf = new Kdf())
        {
            final SecurityContext context = new SecurityContext();
            final byte[] key = new byte[32];
            final int[] hints = new int[ues];
            final long[] ueIds = new long[ues];
            for (int i = 0; i < ues; i++)
            {
                Arrays.fill(key, (byte)i);
                ueIds[i] = 0x9E3779B97F4A7C15L * i + 1;
                context.clear();
                table.insert(ueIds[i], context.kamf(key, kdf).nextHop(key, 1 + i % 7));
                hints[i] = i % 3 == 0 ? ContextTable.ABSENT : i % 3 == 1 ? table.locate(ueIds[i]) : (i * 31) % table.entries();
            }
            final int[] probed = new int[ues];
            final int[] located = new int[ues];
            final byte[] probedNhs = new byte[32 * ues];
            final byte[] locatedNhs = new byte[32 * ues];
            table.readNextHops(ueIds, ues, probed, probedNhs);
            table.readNextHops(ueIds, hints, ues, located, locatedNhs);
            context.clear();
            return Arrays.equals(probed, located) && Arrays.equals(probedNhs, locatedNhs) && probed[ues - 1] == 1 + (ues - 1) % 7;
        }
    }

    private static boolean keysRight(final HmacSha256Engine engine) throws Exception
    {
        final Mac jdk = Mac.getInstance("HmacSHA256");
        final KeySchedule schedule = new KeySchedule();
        final byte[] key = new byte[32];
        final byte[] s = new byte[100];
        final byte[] mac = new byte[32];
        for (int i = 0; i < 20_000; i++)
        {
            DifferentialTest.fill(i, key, 32, s, 1 + i % 100);
            engine.computeSchedule(key, 0, 32, schedule);
            engine.mac(schedule, s, 0, 1 + i % 100, mac, 0);
            jdk.init(new SecretKeySpec(key, "HmacSHA256"));
            jdk.update(s, 0, 1 + i % 100);
            if (!Arrays.equals(jdk.doFinal(), mac))
            {
                return false;
            }
        }
        return true;
    }

    private static boolean batchRight(final NativeBatchHmac batch, final HmacRecords records) throws Exception
    {
        final Mac jdk = Mac.getInstance("HmacSHA256");
        final byte[] key = new byte[32];
        final byte[] s = new byte[100];
        final byte[] mac = new byte[32];
        for (int round = 0; round < 500; round++)
        {
            final int n = 1 + round % 40;
            for (int j = 0; j < n; j++)
            {
                DifferentialTest.fill(round * 40 + j, key, 32, s, 1 + j);
                records.key(j, key, 0, 32).message(j, s, 0, 1 + j);
            }
            batch.process(records, n);
            for (int j = 0; j < n; j++)
            {
                DifferentialTest.fill(round * 40 + j, key, 32, s, 1 + j);
                jdk.init(new SecretKeySpec(key, "HmacSHA256"));
                jdk.update(s, 0, 1 + j);
                records.mac(j, mac, 0);
                if (!Arrays.equals(jdk.doFinal(), mac))
                {
                    return false;
                }
            }
        }
        return true;
    }
}
