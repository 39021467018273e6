package org.amfkeys.hmac;

import org.agrona.concurrent.UnsafeBuffer;
import org.amfkeys.InvalidParameterException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Key chain steps read their key schedule and P0 where they live and give KDF(key, FC || P0 || 0x00 0x20)
 * as the JDK's HMAC does, on every kernel and the Java engines, for every batch size; whatever a step
 * points at is left unchanged; a step a kernel would refuse is rejected by name with nothing computed.
 */
class ChainStepsTest
{
    /** Octets each context takes in the test's "slots": a schedule, then P0 at an odd offset. */
    private static final int SLOT = 160;
    private static final int INPUT_AT = 67;

    @Test
    void everyKernelAndJavaEngineMatchTheJdkForEveryBatchSize() throws Exception
    {
        final int maxCount = 67;
        final SplittableRandom random = new SplittableRandom(33501);
        final UnsafeBuffer slots = new UnsafeBuffer(ByteBuffer.allocateDirect(300 * SLOT));
        final Mac jdk = Mac.getInstance("HmacSHA256");
        final HmacSha256Engine java = HmacEngines.newEngine(HmacEngines.JAVA_PORTABLE);
        try (ChainSteps steps = new ChainSteps(300))
        {
            for (final int count : counts(maxCount))
            {
                final byte[][] expected = fill(random, slots, steps, count, jdk, java);
                final byte[] before = new byte[slots.capacity()];
                for (final NativeKernel kernel : NativeKernel.values())
                {
                    if (!HmacEngines.nativeStatus().loaded() || !NativeLibrary.kernelSupported(kernel.id()))
                    {
                        continue;
                    }
                    slots.getBytes(0, before);
                    try (NativeBatchHmac engine = new NativeBatchHmac("native-batch", kernel))
                    {
                        engine.processSteps(steps, count);
                    }
                    assertMacs(expected, steps, count, kernel + ", " + count + " steps");
                    assertUnchanged(before, slots, kernel + ", " + count + " steps");
                    steps.clear(count);
                    fill(random, slots, steps, count, jdk, java, expected);
                }
                steps.computeOn(java, count);
                assertMacs(expected, steps, count, "java, " + count + " steps");
                steps.clear(count);
            }
        }
        java.close();
    }

    private static int[] counts(final int maxCount)
    {
        final int[] counts = new int[maxCount + 2];
        for (int i = 0; i <= maxCount; i++)
        {
            counts[i] = i;
        }
        counts[maxCount + 1] = 300;
        return counts;
    }

    private static byte[][] fill(
        final SplittableRandom random, final UnsafeBuffer slots, final ChainSteps steps, final int count, final Mac jdk,
        final HmacSha256Engine java) throws Exception
    {
        final byte[][] expected = new byte[count][];
        fill(random, slots, steps, count, jdk, java, expected);
        return expected;
    }

    /** Fresh keys, P0 and FCs in the slots, each step set over them, and what the JDK derives from them. */
    private static void fill(
        final SplittableRandom random, final UnsafeBuffer slots, final ChainSteps steps, final int count, final Mac jdk,
        final HmacSha256Engine java, final byte[][] expected) throws Exception
    {
        final byte[] key = new byte[32];
        final byte[] input = new byte[ChainStepDescriptor.INPUT_LENGTH];
        final KeySchedule computed = new KeySchedule();
        for (int i = 0; i < count; i++)
        {
            random.nextBytes(key);
            random.nextBytes(input);
            final int fc = i % 3 == 0 ? 0x6F : i % 3 == 1 ? 0x12 : random.nextInt(256);
            java.computeSchedule(key, 0, key.length, computed);
            slots.putBytes(i * SLOT, computed.buffer(), computed.offset(), KeyScheduleDescriptor.LENGTH);
            slots.putBytes(i * SLOT + INPUT_AT, input);
            steps.step(i, new KeySchedule(slots, i * SLOT), slots, i * SLOT + INPUT_AT, fc);
            jdk.init(new SecretKeySpec(key, "HmacSHA256"));
            final byte[] s = new byte[ChainStepDescriptor.MESSAGE_LENGTH];
            s[0] = (byte)fc;
            System.arraycopy(input, 0, s, 1, input.length);
            s[s.length - 2] = 0;
            s[s.length - 1] = 32;
            expected[i] = jdk.doFinal(s);
        }
    }

    private static void assertMacs(final byte[][] expected, final ChainSteps steps, final int count, final String what)
    {
        final UnsafeBuffer mac = new UnsafeBuffer(new byte[32]);
        for (int i = 0; i < count; i++)
        {
            assertEquals(HmacRecordDescriptor.STATUS_OK, steps.status(i), what + ": status of step " + i);
            steps.mac(i, mac, 0);
            assertArrayEquals(expected[i], mac.byteArray(), what + ": step " + i);
        }
    }

    private static void assertUnchanged(final byte[] before, final UnsafeBuffer slots, final String what)
    {
        final byte[] after = new byte[slots.capacity()];
        slots.getBytes(0, after);
        assertArrayEquals(before, after, what + ": a kernel wrote where a step only reads");
    }

    @Test
    void stepsAKernelWouldRefuseAreRejectedByNameWithNothingComputed()
    {
        final UnsafeBuffer slots = new UnsafeBuffer(ByteBuffer.allocateDirect(4 * SLOT));
        final UnsafeBuffer heap = new UnsafeBuffer(new byte[SLOT]);
        final KeySchedule computed = new KeySchedule(slots, 0);
        final HmacSha256Engine java = HmacEngines.newEngine(HmacEngines.JAVA_PORTABLE);
        java.computeSchedule(new byte[32], 0, 32, computed);
        try (ChainSteps steps = new ChainSteps(2))
        {
            assertEquals("schedule", refused(() -> steps.step(0, null, slots, INPUT_AT, 0x6F)));
            assertEquals("schedule", refused(() -> steps.step(0, new KeySchedule(slots, SLOT), slots, INPUT_AT, 0x6F)));
            final KeySchedule onHeap = new KeySchedule();
            java.computeSchedule(new byte[32], 0, 32, onHeap);
            assertEquals("schedule", refused(() -> steps.step(0, onHeap, slots, INPUT_AT, 0x6F)));
            assertEquals("input", refused(() -> steps.step(0, computed, null, INPUT_AT, 0x6F)));
            assertEquals("input", refused(() -> steps.step(0, computed, heap, INPUT_AT, 0x6F)));
            assertEquals("input-offset", refused(() -> steps.step(0, computed, slots, -1, 0x6F)));
            assertEquals("input-offset", refused(() -> steps.step(0, computed, slots, slots.capacity() - 31, 0x6F)));
            assertEquals("fc", refused(() -> steps.step(0, computed, slots, INPUT_AT, 256)));
            assertEquals("fc", refused(() -> steps.step(0, computed, slots, INPUT_AT, -1)));
            assertEquals("step", refused(() -> steps.step(2, computed, slots, INPUT_AT, 0x6F)));
            assertEquals("count", refused(() -> steps.computeOn(java, 3)));
            assertEquals("step[0]", refused(() -> steps.computeOn(java, 1)), "a step never set");

            steps.step(0, computed, slots, INPUT_AT, 0x6F).step(1, computed, slots, slots.capacity() - 32, 0x12);
            assertEquals(ChainStepDescriptor.STATUS_NOT_COMPUTED, steps.status(1), "set, not computed");
            // The schedule cleared where it lives after the step was set: refused, as the kernel would, with nothing computed.
            computed.clear();
            assertEquals("step[0].schedule", refused(() -> steps.computeOn(java, 2)));
            if (HmacEngines.nativeStatus().batchKernel().isPresent())
            {
                try (NativeBatchHmac engine = HmacEngines.newBatchEngine())
                {
                    assertEquals("step[0].schedule", refused(() -> engine.processSteps(steps, 2)));
                    assertEquals("steps", refused(() -> engine.processSteps(null, 1)));
                }
            }
            final UnsafeBuffer mac = new UnsafeBuffer(new byte[32]);
            assertThrows(IllegalStateException.class, () -> steps.mac(1, mac, 0), "no MAC computed");
            assertEquals("out-offset", refused(() -> steps.mac(1, mac, 1)));
            assertEquals("ChainSteps[capacity=2]", steps.toString());
        }
        java.close();
    }

    @Test
    void clearZeroesTheMacsAndCloseRefusesEveryUse()
    {
        final UnsafeBuffer slots = new UnsafeBuffer(ByteBuffer.allocateDirect(SLOT));
        final KeySchedule computed = new KeySchedule(slots, 0);
        final HmacSha256Engine java = HmacEngines.newEngine(HmacEngines.JAVA_PORTABLE);
        java.computeSchedule(new byte[] {1, 2, 3}, 0, 3, computed);
        final ChainSteps steps = new ChainSteps(1);
        steps.step(0, computed, slots, INPUT_AT, 0x6F);
        steps.computeOn(java, 1);
        final UnsafeBuffer mac = new UnsafeBuffer(new byte[32]);
        steps.mac(0, mac, 0);
        assertEquals(false, Arrays.equals(new byte[32], mac.byteArray()), "computed");
        steps.clear(1);
        assertThrows(IllegalStateException.class, () -> steps.mac(0, mac, 0), "cleared: no MAC to take");
        final UnsafeBuffer step = new UnsafeBuffer(steps.address(), ChainStepDescriptor.LENGTH);
        for (int i = 0; i < ChainStepDescriptor.LENGTH; i++)
        {
            if (i < ChainStepDescriptor.STATUS_OFFSET || i >= ChainStepDescriptor.STATUS_OFFSET + 4)
            {
                assertEquals(0, step.getByte(i), "octet " + i + " of a cleared step");
            }
        }
        assertEquals("step[0]", refused(() -> steps.computeOn(java, 1)), "a cleared step is one never set");
        steps.close();
        steps.close();
        assertThrows(IllegalStateException.class, () -> steps.step(0, computed, slots, INPUT_AT, 0x6F));
        assertThrows(IllegalStateException.class, () -> steps.mac(0, mac, 0));
        java.close();
    }

    /**
     * A step never set, cleared, or whose buffer was wrapped elsewhere since it was set never reaches the
     * library: its addresses could name memory that is gone. The library itself refuses an address of
     * 0, and a refused call computes no step: a step it passed still reads as not computed, and no MAC
     * is given out for it.
     */
    @Test
    void stepsOverMemoryThatMayBeGoneNeverReachTheLibraryAndNothingUncomputedIsTaken()
    {
        Assumptions.assumeTrue(HmacEngines.nativeStatus().batchKernel().isPresent());
        final UnsafeBuffer slots = new UnsafeBuffer(ByteBuffer.allocateDirect(2 * SLOT));
        final UnsafeBuffer moved = new UnsafeBuffer(ByteBuffer.allocateDirect(SLOT));
        final HmacSha256Engine java = HmacEngines.newEngine(HmacEngines.JAVA_PORTABLE);
        final KeySchedule first = new KeySchedule(slots, 0);
        final KeySchedule second = new KeySchedule(slots, SLOT);
        java.computeSchedule(new byte[] {1}, 0, 1, first);
        java.computeSchedule(new byte[] {2}, 0, 1, second);
        final UnsafeBuffer mac = new UnsafeBuffer(new byte[32]);
        try (ChainSteps steps = new ChainSteps(2); NativeBatchHmac engine = HmacEngines.newBatchEngine())
        {
            assertEquals(ChainStepDescriptor.STATUS_NOT_COMPUTED, steps.status(0), "a new step");
            assertEquals("step[0]", refused(() -> engine.processSteps(steps, 1)), "never set");
            assertThrows(IllegalStateException.class, () -> steps.mac(0, mac, 0), "no MAC before one is computed");
            for (final NativeKernel kernel : NativeKernel.values())
            {
                if (NativeLibrary.kernelSupported(kernel.id()))
                {
                    assertEquals(NativeLibrary.ERROR_RECORDS, NativeLibrary.chainSteps(kernel.id(), steps.address(), 2),
                        kernel + ": a step of address 0 is refused, not read through");
                }
            }

            final UnsafeBuffer rewrapped = new UnsafeBuffer(slots, 0, slots.capacity());
            steps.step(0, new KeySchedule(rewrapped, 0), rewrapped, INPUT_AT, 0x6F);
            rewrapped.wrap(moved);
            assertEquals("step[0]", refused(() -> engine.processSteps(steps, 1)), "its buffer now wraps other memory");
            assertEquals("step[0]", refused(() -> steps.computeOn(java, 1)));

            steps.step(0, first, slots, INPUT_AT, 0x6F).step(1, second, slots, SLOT + INPUT_AT, 0x6F);
            second.clear();
            assertEquals(NativeLibrary.ERROR_RECORDS, NativeLibrary.chainSteps(NativeKernel.OPENSSL.id(), steps.address(), 2));
            assertEquals(ChainStepDescriptor.STATUS_NOT_COMPUTED, steps.status(0), "passed the checks, never computed");
            assertEquals(HmacRecordDescriptor.STATUS_BAD_SCHEDULE, steps.status(1));
            assertThrows(IllegalStateException.class, () -> steps.mac(0, mac, 0), "no MAC of a refused call");

            engine.processSteps(steps, 1);
            assertEquals(HmacRecordDescriptor.STATUS_OK, steps.status(0));
            steps.clear(2);
            assertEquals(ChainStepDescriptor.STATUS_NOT_COMPUTED, steps.status(0), "cleared");
            assertThrows(IllegalStateException.class, () -> steps.mac(0, mac, 0), "no MAC once cleared");
        }
        java.close();
    }

    private static String refused(final org.junit.jupiter.api.function.Executable call)
    {
        return assertThrows(InvalidParameterException.class, call).parameter();
    }
}
