package org.amfkeys.kdf;

import org.agrona.concurrent.UnsafeBuffer;
import org.amfkeys.InvalidParameterException;
import org.amfkeys.catalog.Derivation;
import org.amfkeys.catalog.DerivationCatalog;
import org.amfkeys.catalog.KnownAnswers;
import org.amfkeys.catalog.Parameter;
import org.amfkeys.catalog.TextArguments;
import org.amfkeys.hmac.KeySchedule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every parameter of every derivation, given a value outside its allowed range or form (or left
 * out), is rejected with an {@link InvalidParameterException} that names the parameter and the allowed
 * range, without key bytes, on the catalog path and both allocation-free forms, and nothing is
 * written to the caller's output.
 */
class BadInputTest
{
    private static final Map<String, List<String>> BAD_TEXT = Map.of(
        "snn", List.of("5G:mnc01.mcc001.3gppnetwork.org", "4G:mnc001.mcc001.3gppnetwork.org",
            "5G:mnc001.mcc001.3gppnetwork.org:0000007ed9d", "5G:mnc001.mcc001.3gppnetwork.org:ABC", ""),
        "supi", List.of("imsi-1234", "imsi-1234567890123456", "imsi-00101x", "nai-no-realm", "nai-user@", "suci-0-001-01", ""),
        "mcc", List.of("01", "0011", "a01"),
        "mnc", List.of("1", "0001", "x1"),
        "donor-cu-ip", List.of("example.com", "256.0.0.1", "1.2.3"),
        "node-du-ip", List.of("localhost", "::g", ""),
        "network-name", List.of(""));

    private static final Map<String, int[]> BAD_LENGTHS = Map.of(
        "res", new int[] {0, 3, 17},
        "abba", new int[] {0, 256},
        "af-id", new int[] {0, 65536},
        "sor-header", new int[] {0},
        "upu-data", new int[] {0},
        "sor-container", new int[] {0});

    static Stream<Arguments> mutations()
    {
        final List<Arguments> mutations = new ArrayList<>();
        for (final KnownAnswers.Case known : KnownAnswers.cases())
        {
            final Derivation derivation = DerivationCatalog.find(known.derivation()).orElseThrow();
            for (final Parameter parameter : derivation.parameters())
            {
                for (final String bad : badValues(derivation, parameter, known.arguments()))
                {
                    mutations.add(Arguments.of(known.derivation() + " line " + known.line(), known, parameter, bad));
                }
                if (parameter.required())
                {
                    mutations.add(Arguments.of(known.derivation() + " line " + known.line(), known, parameter, null));
                }
            }
        }
        return mutations.stream();
    }

    @ParameterizedTest(name = "{0}: {2} = {3}")
    @MethodSource("mutations")
    void rejectedNamingTheParameterWithNothingWritten(
        final String label, final KnownAnswers.Case known, final Parameter parameter, final String bad)
    {
        final TextArguments arguments = AllocationFreeFormsTest.copy(known.arguments()).remove(parameter.name());
        if (bad != null)
        {
            arguments.add(parameter.name(), bad);
        }

        try (Kdf kdf = new Kdf())
        {
            final InvalidParameterException casual = assertThrows(
                InvalidParameterException.class, () -> DerivationCatalog.derive(kdf, known.derivation(), arguments));
            assertNamesParameterAndRange(casual, parameter.name(), known.arguments());

            final TypedDerivations.Forms forms = TypedDerivations.FORMS.get(known.derivation());
            if (forms == null)
            {
                return;
            }
            // Keys the typed API takes as a schedule are exercised as an empty (never computed)
            // schedule; their length is checked when the schedule is computed (see below).
            final boolean scheduled = forms.keys().contains(parameter.name()) && bad != null;
            final TypedDerivations.Inputs inputs = scheduled ?
                new TypedDerivations.Inputs(kdf, known.arguments(), Set.of(parameter.name())) :
                new TypedDerivations.Inputs(kdf, arguments, Set.of());
            final Set<String> typedNames = typedParameterNames(known, parameter.name());

            final byte[] backing = AllocationFreeFormsTest.sentinel(64);
            final InvalidParameterException buffer = assertThrows(
                InvalidParameterException.class, () -> forms.buffer().derive(inputs, new UnsafeBuffer(backing), 3));
            assertNamesOneOf(buffer, typedNames, known.arguments());
            assertUntouched(backing);

            final byte[] array = AllocationFreeFormsTest.sentinel(64);
            final InvalidParameterException direct = assertThrows(
                InvalidParameterException.class, () -> forms.array().derive(inputs, array, 3));
            assertNamesOneOf(direct, typedNames, known.arguments());
            assertUntouched(array);
        }
    }

    /**
     * A schedule never computed, cleared, or left with only its inner state is refused by name, with
     * nothing written.
     */
    @Test
    void aScheduleThatIsNotComputedIsRejectedNamingTheKey()
    {
        try (Kdf kdf = new Kdf())
        {
            final KeySchedule half = kdf.newSchedule(new byte[32]);
            half.buffer().setMemory(half.offset() + org.amfkeys.hmac.KeyScheduleDescriptor.OUTER_STATE_OFFSET,
                org.amfkeys.hmac.KeyScheduleDescriptor.STATE_LENGTH, (byte)0);
            final KeySchedule cleared = kdf.newSchedule(new byte[32]);
            cleared.clear();
            for (final KeySchedule schedule : new KeySchedule[] {new KeySchedule(), cleared, half})
            {
                final byte[] out = AllocationFreeFormsTest.sentinel(32);
                final InvalidParameterException ex = assertThrows(InvalidParameterException.class,
                    () -> kdf.kgnb(schedule, 0, org.amfkeys.types.AccessType.THREE_GPP, out, 0));
                assertEquals("kamf", ex.parameter());
                assertEquals("kamf: schedule not computed (never computed, cleared or half-written); " +
                    "allowed: a schedule filled by Kdf.computeSchedule", ex.getMessage());
                assertUntouched(out);
            }
        }
    }

    @Test
    void scheduleOfAWrongLengthKeyIsRejected()
    {
        try (Kdf kdf = new Kdf())
        {
            for (final int length : new int[] {0, 16, 31, 33})
            {
                final InvalidParameterException ex = assertThrows(
                    InvalidParameterException.class, () -> kdf.newSchedule(new byte[length]));
                assertEquals("key", ex.parameter());
                assertEquals("32 octets", ex.allowed());
            }
        }
    }

    @Test
    void outputTooSmallOrBadOffsetIsRejectedBeforeAnythingIsWritten()
    {
        try (Kdf kdf = new Kdf())
        {
            final var schedule = kdf.newSchedule(new byte[32]);
            final byte[] small = AllocationFreeFormsTest.sentinel(40);
            for (final int offset : new int[] {-1, 9, 40})
            {
                final InvalidParameterException ex = assertThrows(InvalidParameterException.class,
                    () -> kdf.kgnb(schedule, 0, org.amfkeys.types.AccessType.THREE_GPP, new UnsafeBuffer(small), offset));
                assertEquals("out-offset", ex.parameter());
                assertEquals("0..8", ex.allowed());
                assertThrows(InvalidParameterException.class,
                    () -> kdf.kgnb(schedule, 0, org.amfkeys.types.AccessType.THREE_GPP, small, offset));
            }
            assertUntouched(small);
        }
    }

    @Test
    void outputTooSmallIsNamedAndExpandableBuffersGrow()
    {
        try (Kdf kdf = new Kdf())
        {
            final var schedule = kdf.newSchedule(new byte[32]);
            final InvalidParameterException small = assertThrows(InvalidParameterException.class,
                () -> kdf.kgnb(schedule, 0, org.amfkeys.types.AccessType.THREE_GPP, new byte[16], 0));
            assertEquals("out: length 16 octets; allowed: at least 32 octets", small.getMessage());
            final org.agrona.ExpandableArrayBuffer grows = new org.agrona.ExpandableArrayBuffer(0);
            kdf.kgnb(schedule, 0, org.amfkeys.types.AccessType.THREE_GPP, grows, 5);
            assertTrue(grows.capacity() >= 37);
            final byte[] written = new byte[32];
            grows.getBytes(5, written);
            org.junit.jupiter.api.Assertions.assertArrayEquals(
                kdf.kgnb(new byte[32], 0, org.amfkeys.types.AccessType.THREE_GPP), written);
        }
    }

    @Test
    void genericDeriveRefusesAnInputStringNeverStarted()
    {
        try (Kdf kdf = new Kdf())
        {
            final byte[] out = AllocationFreeFormsTest.sentinel(32);
            final InvalidParameterException ex = assertThrows(InvalidParameterException.class,
                () -> kdf.derive(kdf.newSchedule(new byte[32]), new KdfInputString(), new UnsafeBuffer(out), 0));
            assertEquals("s", ex.parameter());
            assertUntouched(out);
        }
    }

    @Test
    void unknownParameterNamesThatLookLikeKeysAreNotShown()
    {
        try (Kdf kdf = new Kdf())
        {
            final String key = "00112233445566778899aabbccddeeff";
            final InvalidParameterException ex = assertThrows(InvalidParameterException.class,
                () -> DerivationCatalog.derive(kdf, key, new TextArguments()));
            assertFalse(ex.getMessage().contains("00112233"), ex.getMessage());
            final InvalidParameterException param = assertThrows(InvalidParameterException.class,
                () -> DerivationCatalog.derive(kdf, "nh", new TextArguments().add(key, "1")));
            assertEquals("parameter: a value of 32 characters is not a parameter of nh; allowed: kamf, sync-input", param.getMessage());
        }
    }

    @Test
    void kamfFromKasmeRefusesTheInputOfTheOtherMode()
    {
        try (Kdf kdf = new Kdf())
        {
            final String key = "00".repeat(32);
            final InvalidParameterException idle = assertThrows(InvalidParameterException.class,
                () -> DerivationCatalog.derive(kdf, "kamf-from-kasme",
                    new TextArguments().add("kasme", key).add("mode", "idle").add("count", "1").add("nh", key)));
            assertEquals("nh", idle.parameter());
            final InvalidParameterException handover = assertThrows(InvalidParameterException.class,
                () -> DerivationCatalog.derive(kdf, "kamf-from-kasme",
                    new TextArguments().add("kasme", key).add("mode", "handover").add("count", "1").add("nh", key)));
            assertEquals("count", handover.parameter());
            final InvalidParameterException missing = assertThrows(InvalidParameterException.class,
                () -> DerivationCatalog.derive(kdf, "kamf-from-kasme", new TextArguments().add("kasme", key).add("mode", "idle")));
            assertEquals("count", missing.parameter());
        }
    }

    @Test
    void unknownDerivationAndUnknownParameterAreNamed()
    {
        try (Kdf kdf = new Kdf())
        {
            final InvalidParameterException unknown = assertThrows(InvalidParameterException.class,
                () -> DerivationCatalog.derive(kdf, "kgnb2", new TextArguments()));
            assertEquals("derive", unknown.parameter());
            assertTrue(unknown.allowed().contains("kgnb"));
            final InvalidParameterException extra = assertThrows(InvalidParameterException.class,
                () -> DerivationCatalog.derive(kdf, "nh", new TextArguments().add("kamf", "00".repeat(32))
                    .add("sync-input", "00".repeat(32)).add("ncc", "1")));
            assertEquals("ncc", extra.parameter());
            assertEquals("kamf, sync-input", extra.allowed());
        }
    }

    private static List<String> badValues(final Derivation derivation, final Parameter parameter, final TextArguments valid)
    {
        final List<String> values = new ArrayList<>();
        switch (parameter.kind())
        {
            case OCTETS ->
            {
                if (!valid.has(parameter.name()) && !BAD_LENGTHS.containsKey(parameter.name()))
                {
                    return values;
                }
                final int[] lengths = derivation.name().equals("generic") ? new int[] {0} :
                    BAD_LENGTHS.containsKey(parameter.name()) ? BAD_LENGTHS.get(parameter.name()) :
                    fixedLengthNeighbours(valid, parameter.name());
                for (final int length : lengths)
                {
                    values.add(pattern(length));
                }
            }
            case INTEGER ->
            {
                if (!valid.has(parameter.name()))
                {
                    return values;
                }
                values.add(Long.toString(parameter.min() - 1));
                values.add(Long.toString(parameter.max() + 1));
                values.add("twelve");
                if (derivation.name().equals("kng-ran-star") && valid.text("target").equals("ng-enb"))
                {
                    values.add(parameter.name().equals("pci") ? "504" : "262144");
                }
                if (derivation.name().equals("generic"))
                {
                    values.add("255");
                }
            }
            case CHOICE -> values.add("bogus");
            case TEXT -> values.addAll(BAD_TEXT.getOrDefault(parameter.name(), List.of()));
            case OCTETS_LIST -> values.add(pattern(65536));
            default -> throw new IllegalStateException(parameter.kind().toString());
        }
        return values;
    }

    private static int[] fixedLengthNeighbours(final TextArguments valid, final String name)
    {
        final int length = valid.octets(name).length;
        return length > 1 ? new int[] {0, length - 1, length + 1} : new int[] {0, length + 1};
    }

    private static Set<String> typedParameterNames(final KnownAnswers.Case known, final String name)
    {
        // The typed API calls an ng-eNB's frequency what it is, an EARFCN; the command line keeps "arfcn".
        return known.derivation().equals("kng-ran-star") && name.equals("arfcn") &&
            known.arguments().text("target").equals("ng-enb") ? Set.of("arfcn", "earfcn") : Set.of(name);
    }

    private static void assertNamesOneOf(
        final InvalidParameterException ex, final Set<String> parameters, final TextArguments valid)
    {
        final String named = parameters.stream().filter(ex.parameter()::startsWith).findFirst()
            .orElseThrow(() -> new AssertionError("names " + ex.parameter() + ", expected one of " + parameters));
        assertNamesParameterAndRange(ex, named, valid);
    }

    private static void assertNamesParameterAndRange(
        final InvalidParameterException ex, final String parameter, final TextArguments valid)
    {
        assertTrue(ex.parameter().startsWith(parameter), "names " + ex.parameter() + ", expected " + parameter);
        assertFalse(ex.allowed().isBlank());
        assertTrue(ex.getMessage().startsWith(ex.parameter() + ": "), ex.getMessage());
        assertTrue(ex.getMessage().endsWith("allowed: " + ex.allowed()), ex.getMessage());
        for (final String name : valid.names())
        {
            for (final String value : valid.texts(name))
            {
                if (value.length() >= 32 && value.matches("[0-9a-f]+"))
                {
                    assertFalse(ex.getMessage().toLowerCase().contains(value), "message shows the octets of " + name);
                }
            }
        }
    }

    private static void assertUntouched(final byte[] backing)
    {
        for (int i = 0; i < backing.length; i++)
        {
            assertEquals((byte)0xA5, backing[i], "octet " + i + " written despite the error");
        }
    }

    private static String pattern(final int length)
    {
        final byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++)
        {
            bytes[i] = (byte)(i * 7 + 1);
        }
        return HexFormat.of().formatHex(bytes);
    }
}
