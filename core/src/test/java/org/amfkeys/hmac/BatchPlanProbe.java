package org.amfkeys.hmac;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Run in a child JVM by {@link NativeFallbackTest} with the test variant of the library and one batch
 * plan forced: every batch size from 1 to 67 (two chunks and a part of a third), with key schedules,
 * raw keys of 0 to 64 octets, a mix of both and raw keys mostly in equal neighbouring pairs, S of 0 to
 * 272 octets, on the AVX-512 kernel, against the JDK. Prints the plan the library runs and whether
 * every MAC was right.
 */
public final class BatchPlanProbe
{
    private BatchPlanProbe()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final NativeStatus status = HmacEngines.nativeStatus();
        System.out.println("native=" + status.loaded() + " " + status.library());
        final int[] plans = new int[NativeLibrary.BATCH_CHUNK_KINDS.size() * NativeLibrary.BATCH_CHUNK];
        NativeLibrary.batchPlans(plans);
        System.out.println("plans=" + Arrays.toString(plans));
        final Mac jdk = Mac.getInstance("HmacSHA256");
        final SplittableRandom random = new SplittableRandom(33501);
        final KeySchedule schedule = new KeySchedule();
        final int maxCount = 67;
        final byte[][] keys = new byte[maxCount][];
        final byte[][] messages = new byte[maxCount][];
        final byte[] mac = new byte[32];
        boolean right = true;
        try (NativeBatchHmac batch = (NativeBatchHmac)HmacEngines.newEngine(HmacEngines.NATIVE_BATCH + "/avx512");
            HmacRecords records = new HmacRecords(maxCount))
        {
            for (int count = 1; count <= maxCount; count++)
            {
                for (int mode = 0; mode < 4; mode++)
                {
                    for (int i = 0; i < count; i++)
                    {
                        final boolean scheduled = mode == 0 || mode == 2 && random.nextBoolean();
                        // Mode 3: raw keys in equal neighbouring pairs, but now and then a pair that differs.
                        final boolean pairsPrevious = mode == 3 && (i & 1) == 1 && random.nextInt(8) != 0;
                        keys[i] = pairsPrevious ? keys[i - 1].clone() :
                            new byte[scheduled ? 32 : random.nextInt(HmacRecordDescriptor.MAX_KEY_LENGTH + 1)];
                        messages[i] = new byte[random.nextInt(HmacRecordDescriptor.MAX_MESSAGE_LENGTH + 1)];
                        if (!pairsPrevious)
                        {
                            random.nextBytes(keys[i]);
                        }
                        random.nextBytes(messages[i]);
                        if (scheduled)
                        {
                            batch.computeSchedule(keys[i], 0, keys[i].length, schedule);
                            records.schedule(i, schedule);
                        }
                        else
                        {
                            records.key(i, keys[i], 0, keys[i].length);
                        }
                        records.message(i, messages[i], 0, messages[i].length);
                    }
                    batch.process(records, count);
                    for (int i = 0; i < count; i++)
                    {
                        // SecretKeySpec refuses an empty key; HMAC pads keys with zeros, so 64 zeros is the same key.
                        jdk.init(new SecretKeySpec(keys[i].length == 0 ? new byte[64] : keys[i], "HmacSHA256"));
                        records.mac(i, mac, 0);
                        if (!Arrays.equals(jdk.doFinal(messages[i]), mac))
                        {
                            System.out.println("wrong=" + count + " records, mode " + mode + ", record " + i);
                            right = false;
                        }
                    }
                }
            }
        }
        System.out.println("keys=" + (right ? "RIGHT" : "WRONG"));
    }
}
