package org.amfkeys.kdf;

import org.amfkeys.engine.RecordsKernel;
import org.amfkeys.hmac.HmacRecords;
import org.amfkeys.hmac.KeySchedule;
import org.amfkeys.procedures.AccessStratumChain;
import org.amfkeys.types.Abba;
import org.amfkeys.types.AccessType;
import org.amfkeys.types.AlgorithmTypeDistinguisher;
import org.amfkeys.types.MobilityMode;
import org.amfkeys.types.ServingNetworkName;
import org.amfkeys.types.Supi;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * The staged forms of the 5G AKA chain, the algorithm keys, KAMF' and KgNB, computed in batches of every size from
 * 1 to 64 on the native batch kernel and on the direct engine, give exactly the bytes of the computed
 * forms (which the vectors check), on random inputs.
 */
class StagedFormsTest
{
    private static final int MAX_BATCH = 64;
    private static final String[] NETWORKS = {
        "5G:mnc001.mcc001.3gppnetwork.org", "5G:mnc093.mcc208.3gppnetwork.org", "5G:mnc012.mcc310.3gppnetwork.org"};

    @Test
    void everyStagedFormGivesTheComputedFormsBytesAtEveryBatchSize()
    {
        final SplittableRandom random = new SplittableRandom(33501);
        for (final boolean nativeBatch : new boolean[] {true, false})
        {
            try (Kdf kdf = new Kdf(); RecordsKernel kernel = RecordsKernel.open(nativeBatch);
                HmacRecords records = new HmacRecords(MAX_BATCH))
            {
                for (int size = 1; size <= MAX_BATCH; size++)
                {
                    checkBatch(kdf, kernel, records, size, random, kernel.name() + ", batch " + size);
                }
            }
        }
    }

    /** Fills a batch with random derivations of every staged kind, computes it once, checks each. */
    private static void checkBatch(
        final Kdf kdf, final RecordsKernel kernel, final HmacRecords records, final int size, final SplittableRandom random,
        final String where)
    {
        final byte[][] expected = new byte[size][];
        final int[] from = new int[size];
        for (int i = 0; i < size; i++)
        {
            final ServingNetworkName snn = ServingNetworkName.parse(NETWORKS[random.nextInt(NETWORKS.length)]);
            final byte[] ck = bytes(random, Kdf.CK_IK_LENGTH);
            final byte[] ik = bytes(random, Kdf.CK_IK_LENGTH);
            final byte[] key = bytes(random, Kdf.KEY_LENGTH);
            switch (random.nextInt(7))
            {
                case 0 ->
                {
                    final byte[] sqnXorAk = bytes(random, Kdf.SQN_XOR_AK_LENGTH);
                    kdf.stageKausf(ck, ik, snn, sqnXorAk, records, i);
                    expected[i] = kdf.kausf(ck, ik, snn, sqnXorAk);
                }
                case 1 ->
                {
                    final byte[] rand = bytes(random, Kdf.RAND_LENGTH);
                    final byte[] res = bytes(random, Kdf.MIN_RES_LENGTH + random.nextInt(Kdf.MAX_RES_LENGTH - Kdf.MIN_RES_LENGTH + 1));
                    kdf.stageResStar(ck, ik, snn, rand, res, records, i);
                    expected[i] = kdf.resStar(ck, ik, snn, rand, res);
                    from[i] = Kdf.LOW_128_MAC_OFFSET;
                }
                case 2 ->
                {
                    kdf.stageKseaf(key, snn, records, i);
                    expected[i] = kdf.kseaf(key, snn);
                }
                case 3 ->
                {
                    final Supi supi = Supi.parse("imsi-00101" + (1_000_000_000L + random.nextInt(1_000_000_000)));
                    final Abba abba = random.nextBoolean() ? Abba.DEFAULT : Abba.of(bytes(random, 1 + random.nextInt(8)));
                    kdf.stageKamf(key, supi, abba, records, i);
                    expected[i] = kdf.kamf(key, supi, abba);
                }
                case 4 ->
                {
                    final MobilityMode direction = random.nextBoolean() ? MobilityMode.IDLE : MobilityMode.HANDOVER;
                    final long count = random.nextLong(1L << 24);
                    final KeySchedule schedule = new KeySchedule();
                    kdf.computeSchedule(key, schedule);
                    kdf.stageHorizontalKamf(schedule, direction, count, records, i);
                    schedule.clear();
                    expected[i] = kdf.horizontalKamf(key, direction, count);
                }
                case 5 ->
                {
                    final long ulCount = random.nextBoolean() ? AccessStratumChain.HANDOVER_UPLINK_COUNT : random.nextLong(1L << 32);
                    final AccessType access = random.nextBoolean() ? AccessType.THREE_GPP : AccessType.NON_THREE_GPP;
                    if (random.nextBoolean())
                    {
                        kdf.stageKgnb(key, ulCount, access, records, i);
                    }
                    else
                    {
                        final KeySchedule schedule = new KeySchedule();
                        kdf.computeSchedule(key, schedule);
                        kdf.stageKgnb(schedule, ulCount, access, records, i);
                        schedule.clear();
                    }
                    expected[i] = kdf.kgnb(key, ulCount, access);
                }
                default ->
                {
                    final AlgorithmTypeDistinguisher distinguisher =
                        AlgorithmTypeDistinguisher.values()[random.nextInt(AlgorithmTypeDistinguisher.values().length)];
                    final int algorithm = random.nextInt(16);
                    kdf.stageAlgorithmKey(key, distinguisher, algorithm, records, i);
                    expected[i] = kdf.algorithmKey(key, distinguisher, algorithm);
                    from[i] = Kdf.LOW_128_MAC_OFFSET;
                }
            }
        }
        kernel.compute(records, size);
        final byte[] mac = new byte[Kdf.KEY_LENGTH];
        for (int i = 0; i < size; i++)
        {
            records.mac(i, mac, 0);
            assertArrayEquals(expected[i], Arrays.copyOfRange(mac, from[i], Kdf.KEY_LENGTH), where + ", record " + i);
        }
        records.clear(size);
        kdf.wipe();
    }

    private static byte[] bytes(final SplittableRandom random, final int length)
    {
        final byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }
}
