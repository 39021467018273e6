package org.amfkeys.hmac;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The library's record layout, as it reports it at load, equals {@link HmacRecordDescriptor}; a layout
 * that differs in any value is refused, naming the value, the library's number and Java's.
 */
class NativeRecordLayoutTest
{
    @Test
    void theLibraryReportsTheLayoutJavaUses()
    {
        if (!NativeLibraryTest.nativeRequired())
        {
            return;
        }
        assertTrue(NativeLibrary.status().loaded(), NativeLibrary.status().detail());
        final int[] values = new int[32];
        final int count = NativeLibrary.recordLayout(values);
        assertEquals(NativeLibrary.expectedLayout().length, count);
        assertArrayEquals(NativeLibrary.expectedLayout(), Arrays.copyOf(values, count));
        assertNull(NativeLibrary.layoutMismatch(values, count));

        // A short array gets what fits, and the count still says how many there are.
        final int[] two = new int[2];
        assertEquals(count, NativeLibrary.recordLayout(two));
        assertArrayEquals(Arrays.copyOf(values, 2), two);
    }

    @Test
    void theExpectedLayoutIsTheDescriptors()
    {
        final int[] expected = NativeLibrary.expectedLayout();
        assertEquals(HmacRecordDescriptor.LENGTH, expected[0]);
        assertEquals(HmacRecordDescriptor.MAC_OFFSET, expected[13]);
        assertEquals(HmacSha256Engine.MAC_LENGTH, expected[14]);
        // The fields tile the record: each starts where the one before ends, and the last ends the record.
        int end = 0;
        for (int i = 1; i < RECORD_VALUES; i += 2)
        {
            assertEquals(end, expected[i], "offset " + (i / 2));
            end = expected[i] + expected[i + 1];
        }
        assertEquals(expected[0], end);
        // A chain step's fields follow each other without overlap, and its MAC ends the step.
        assertEquals(ChainStepDescriptor.LENGTH, expected[RECORD_VALUES]);
        end = 0;
        for (int i = RECORD_VALUES + 1; i < expected.length; i += 2)
        {
            assertTrue(expected[i] >= end, "chain step offset " + ((i - RECORD_VALUES) / 2));
            end = expected[i] + expected[i + 1];
        }
        assertEquals(ChainStepDescriptor.MAC_OFFSET, expected[expected.length - 2]);
        assertEquals(ChainStepDescriptor.LENGTH, end);
    }

    static final String DIFFERS = "record layout differs from HmacRecordDescriptor or ChainStepDescriptor: ";

    /** Values of the record's layout, before the chain step's. */
    private static final int RECORD_VALUES = 15;

    @Test
    void anyValueThatDiffersIsNamed()
    {
        final int[] expected = NativeLibrary.expectedLayout();
        assertNull(NativeLibrary.layoutMismatch(expected, expected.length));
        for (int i = 0; i < expected.length; i++)
        {
            final int[] tampered = expected.clone();
            tampered[i] += 4;
            final String reason = NativeLibrary.layoutMismatch(tampered, tampered.length);
            assertNotNull(reason, "value " + i);
            assertTrue(reason.startsWith(DIFFERS), reason);
            assertTrue(reason.endsWith(" is " + tampered[i] + " in the library, " + expected[i] + " in Java"), reason);
        }
    }

    @Test
    void theMacOneWordLaterIsRefused()
    {
        final int[] tampered = NativeLibrary.expectedLayout();
        tampered[13] = HmacRecordDescriptor.MAC_OFFSET + 4;
        assertEquals(DIFFERS + "mac offset is 356 in the library, 352 in Java",
            NativeLibrary.layoutMismatch(tampered, tampered.length));
    }

    @Test
    void everyDifferenceIsListed()
    {
        final int[] tampered = NativeLibrary.expectedLayout();
        tampered[0] = 400;
        tampered[12] = 288;
        assertEquals(DIFFERS + "record length is 400 in the library, 384 in Java, " +
            "message size is 288 in the library, 272 in Java", NativeLibrary.layoutMismatch(tampered, tampered.length));
    }

    @Test
    void aLibraryWithMoreOrFewerValuesIsRefused()
    {
        final int[] expected = NativeLibrary.expectedLayout();
        assertEquals(DIFFERS + "the library reports 28 values, Java expects 26",
            NativeLibrary.layoutMismatch(Arrays.copyOf(expected, 28), 28));
        assertEquals(DIFFERS + "the library reports 13 values, Java expects 26",
            NativeLibrary.layoutMismatch(expected, 13));
    }
}
