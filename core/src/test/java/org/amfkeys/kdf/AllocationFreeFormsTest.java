package org.amfkeys.kdf;

import org.agrona.concurrent.UnsafeBuffer;
import org.amfkeys.catalog.Derivation;
import org.amfkeys.catalog.DerivationCatalog;
import org.amfkeys.catalog.KnownAnswers;
import org.amfkeys.catalog.TextArguments;
import org.amfkeys.hmac.KeySchedule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.HexFormat;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The forms that write into caller memory give exactly the bytes of the casual form (which the
 * vectors and known answers check), write nothing outside their slot, and the generic derive matches
 * the generic KDF.
 */
class AllocationFreeFormsTest
{
    private static final byte SENTINEL = (byte)0xA5;
    private static final int OFFSET = 7;
    private static final long ONE_OFF_ALLOCATION_BUDGET = 1_024;

    static Stream<KnownAnswers.Case> namedDerivationCases()
    {
        return KnownAnswers.cases().stream().filter(known -> !known.derivation().equals("generic"));
    }

    @Test
    void everyNamedDerivationHasBothForms()
    {
        final Set<String> named = DerivationCatalog.all().stream()
            .map(Derivation::name).filter(name -> !name.equals("generic")).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(named, TypedDerivations.FORMS.keySet());
    }

    @ParameterizedTest
    @MethodSource("namedDerivationCases")
    void bothFormsWriteTheCasualOutputAndNothingElse(final KnownAnswers.Case known)
    {
        try (Kdf kdf = new Kdf())
        {
            final byte[] casual = DerivationCatalog.derive(kdf, known.derivation(), known.arguments());
            assertArrayEquals(known.expected(), casual);
            final TypedDerivations.Forms forms = TypedDerivations.FORMS.get(known.derivation());
            final TypedDerivations.Inputs inputs = new TypedDerivations.Inputs(kdf, known.arguments(), Set.of());

            final byte[] backing = sentinel(casual.length + 2 * OFFSET);
            forms.buffer().derive(inputs, new UnsafeBuffer(backing), OFFSET);
            assertWrittenExactly(casual, backing);

            final byte[] array = sentinel(casual.length + 2 * OFFSET);
            forms.array().derive(inputs, array, OFFSET);
            assertWrittenExactly(casual, array);
        }
    }

    @Test
    void formsWritingIntoCallerMemoryAllocateNothing()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)java.lang.management.ManagementFactory.getThreadMXBean();
        final long thread = Thread.currentThread().getId();
        try (Kdf kdf = new Kdf())
        {
            final List<Runnable> calls = new ArrayList<>();
            for (final KnownAnswers.Case known : namedDerivationCases().toList())
            {
                // Inputs are built once, as an AMF holds them; only the derivation itself runs in the loop.
                final TypedDerivations.Forms forms = TypedDerivations.FORMS.get(known.derivation());
                final TypedDerivations.Inputs inputs = new TypedDerivations.Inputs(kdf, known.arguments(), Set.of());
                final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
                final byte[] array = new byte[64];
                calls.add(() -> forms.buffer().derive(inputs, buffer, 1));
                calls.add(() -> forms.array().derive(inputs, array, 2));
            }
            for (int warm = 0; warm < 2_000; warm++)
            {
                calls.forEach(Runnable::run);
            }
            final long before = threads.getThreadAllocatedBytes(thread);
            for (int round = 0; round < 1_000; round++)
            {
                for (int i = 0; i < calls.size(); i++)
                {
                    calls.get(i).run();
                }
            }
            final long allocated = threads.getThreadAllocatedBytes(thread) - before;
            // One object per call in any single form would be 1000 x 16 octets at least; what the
            // measurement itself costs once stays far below that.
            assertTrue(allocated < ONE_OFF_ALLOCATION_BUDGET,
                allocated + " bytes allocated by " + 1_000 * calls.size() + " derivations");
        }
    }

    @Test
    void genericDeriveMatchesTheGenericKdf()
    {
        try (Kdf kdf = new Kdf())
        {
            final byte[] key = HexFormat.of().parseHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
            final byte[] p0 = {1, 2, 3};
            final KdfInputString s = new KdfInputString().fc(0x42).octets(p0).uint32(0xFFFF_FFFF);
            final byte[] out = sentinel(32 + 2 * OFFSET);
            kdf.derive(kdf.newSchedule(key), s, new UnsafeBuffer(out), OFFSET);
            assertWrittenExactly(kdf.generic(key, 0x42, p0, new byte[] {-1, -1, -1, -1}), out);
        }
    }

    @Test
    void nhChainStepsInPlace()
    {
        try (Kdf kdf = new Kdf())
        {
            final byte[] kamf = HexFormat.of().parseHex("0d67739fdd1e1686a89c2805d49fd095cc97f5d6eb657d91646c68997e76d148");
            final KeySchedule schedule = kdf.newSchedule(kamf);
            final byte[] nh = kdf.kgnb(kamf, 0, org.amfkeys.types.AccessType.THREE_GPP);
            byte[] expected = nh.clone();
            for (int ncc = 1; ncc <= 8; ncc++)
            {
                expected = kdf.nh(kamf, expected);
                kdf.nh(schedule, nh, nh, 0);
                assertArrayEquals(expected, nh, "NCC step " + ncc);
            }
        }
    }

    static byte[] sentinel(final int length)
    {
        final byte[] bytes = new byte[length];
        Arrays.fill(bytes, SENTINEL);
        return bytes;
    }

    private static void assertWrittenExactly(final byte[] expected, final byte[] backing)
    {
        assertArrayEquals(expected, Arrays.copyOfRange(backing, OFFSET, OFFSET + expected.length));
        for (int i = 0; i < backing.length; i++)
        {
            if (i < OFFSET || i >= OFFSET + expected.length)
            {
                assertEquals(SENTINEL, backing[i], "octet " + i + " outside the output was written");
            }
        }
    }

    static TextArguments copy(final TextArguments arguments)
    {
        final TextArguments copy = new TextArguments();
        for (final String name : arguments.names())
        {
            arguments.texts(name).forEach(value -> copy.add(name, value));
        }
        return copy;
    }
}
