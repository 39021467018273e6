package org.amfkeys.cli;

import org.amfkeys.catalog.Derivation;
import org.amfkeys.catalog.DerivationCatalog;
import org.amfkeys.catalog.KnownAnswers;
import org.amfkeys.catalog.Parameter;
import org.amfkeys.hmac.HmacEngines;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeriveCommandTest
{
    private static final String KAMF = "fe9e89b2129b66d7244a2ae944c1cab16984654b06859f1d7ccef0616ae67682";

    @Test
    void everyKnownAnswerFromTheCommandLine()
    {
        for (final KnownAnswers.Case known : KnownAnswers.cases())
        {
            final List<String> args = new ArrayList<>(List.of("derive", known.derivation()));
            for (final String name : known.arguments().names())
            {
                for (final String value : known.arguments().texts(name))
                {
                    args.add("--" + name + "=" + value);
                }
            }
            final Cli.Result result = Cli.run(args.toArray(new String[0]));
            assertEquals(0, result.exitCode(), known + " " + result.err());
            assertEquals(HexFormat.of().formatHex(known.expected()) + "\n", result.out(), "line " + known.line());
        }
    }

    @Test
    void invalidValueExitsWithStatus1NamingParameterAndRange()
    {
        final Cli.Result result = Cli.run("derive", "kgnb", "--kamf", KAMF, "--ul-count", "4294967296", "--access", "3gpp");
        assertEquals(1, result.exitCode());
        assertEquals("", result.out());
        assertEquals("amfkeys derive kgnb: ul-count: 4294967296 is out of range; allowed: 0..4294967295\n", result.err());

        final Cli.Result shortKey = Cli.run("derive", "kgnb", "--kamf", KAMF.substring(2), "--ul-count", "1", "--access", "3gpp");
        assertEquals(1, shortKey.exitCode());
        assertTrue(shortKey.err().contains("kamf: length 31 octets; allowed: 32 octets"), shortKey.err());
        assertFalse(shortKey.err().contains(KAMF.substring(2, 20)), "the key is echoed");
    }

    @Test
    void commandLinesPicocliRejectsNeverEchoKeys()
    {
        for (final String[] args : List.of(
            new String[] {"derive", "kgnbx", "--kamf", KAMF, "--ul-count", "0"},
            new String[] {"derive", "kgnb", "--kamf", KAMF, "--ul-count", "0", "--access", "3gpp", "--nh", KAMF},
            new String[] {"derive", "kgnb", "--kamf", KAMF, "--ul-count", "0", "--access", "3gpp", KAMF},
            new String[] {"derive", "kgnb", "--ul-count", KAMF, "--access", "3gpp", "--kamf", KAMF},
            new String[] {"derive", "kgnb", "--kamf", KAMF, "--ul-count", "0", "--access", KAMF}))
        {
            final Cli.Result result = Cli.run(args);
            assertTrue(result.exitCode() != 0, String.join(" ", args));
            assertFalse((result.out() + result.err()).contains(KAMF.substring(0, 16)), result.err());
            assertFalse(result.err().isBlank());
        }
    }

    @Test
    void usageErrorsShowDecimalNumbersButNoKey()
    {
        final Cli.Result number = Cli.run("derive", "kgnb", "--kamf", KAMF, "--ul-count", "0", "--access", "3gpp", "16777215");
        assertEquals(2, number.exitCode());
        assertTrue(number.err().contains("'16777215'"), number.err());
        final Cli.Result key = Cli.run("derive", "kgnb", "--kamf", KAMF, "--ul-count", "0", "--access", "3gpp", KAMF);
        assertTrue(key.err().contains("'<redacted>'"), key.err());
    }

    @Test
    void batchLineWithTrailingDataIsAnErrorNotHalfAnswered()
    {
        final String good = "{\"derive\":\"kgnb\",\"kamf\":\"" + KAMF + "\",\"ul-count\":0,\"access\":\"3gpp\"}";
        final Cli.Result result = Cli.runWithInput(good + " " + good + "\n" + good + "xyz\n", "derive", "--batch");
        final String[] lines = result.out().split("\n");
        assertEquals(2, lines.length);
        assertTrue(lines[0].startsWith("{\"error\":\"request: malformed JSON"), lines[0]);
        assertTrue(lines[1].startsWith("{\"error\":\"request: malformed JSON"), lines[1]);
        assertEquals(1, result.exitCode());
        final Cli.Result keyAsName = Cli.runWithInput("{\"derive\":\"kgnb\",\"" + KAMF + "\":1}\n", "derive", "--batch");
        assertFalse(keyAsName.out().contains(KAMF.substring(0, 16)), keyAsName.out());
    }

    /**
     * A bogus forced HMAC engine used to end the tool with a stack trace; it is one line naming the
     * property and the engines usable here, for one derivation and for a batch alike.
     */
    @Test
    void bogusForcedEngineIsOneLineNamingTheProperty()
    {
        final String previous = System.getProperty(HmacEngines.ENGINE_PROPERTY);
        System.setProperty(HmacEngines.ENGINE_PROPERTY, "bogus");
        try
        {
            final Cli.Result one = Cli.run("derive", "kgnb", "--kamf", KAMF, "--ul-count", "1", "--access", "3gpp");
            final Cli.Result batch = Cli.runWithInput("{\"derive\":\"kgnb\",\"kamf\":\"" + KAMF +
                "\",\"ul-count\":0,\"access\":\"3gpp\"}\n", "derive", "--batch");
            for (final Cli.Result result : List.of(one, batch))
            {
                assertEquals(1, result.exitCode(), result.err());
                assertEquals(1, result.err().lines().count(), result.err());
                assertTrue(result.err().contains("amfkeys.hmac.engine: 'bogus' is no HMAC engine; allowed: "), result.err());
                assertTrue(result.err().contains(HmacEngines.JAVA_INTRINSIC), result.err());
            }
        }
        finally
        {
            if (previous == null)
            {
                System.clearProperty(HmacEngines.ENGINE_PROPERTY);
            }
            else
            {
                System.setProperty(HmacEngines.ENGINE_PROPERTY, previous);
            }
        }
    }

    @Test
    void aMalformedLineIsDescribedByWhereItBreaksNeverByTheParsersMessage()
    {
        final Cli.Result result = Cli.runWithInput(String.join("\n",
            "{\"derive\":kgnb}",
            "{\"derive\":\"kgnb\",\"kamf\":\"" + KAMF + "\",\"ul-count\":0,\"access\":3gpp}",
            "{\"derive\":\"kgnb\",\"derive\":\"kgnb\"}",
            "{} {\"kamf\":\"" + KAMF + "\"}",
            "{\"derive\":\"kgnb\",\r\"kamf\":" + KAMF + "}"), "derive", "--batch");
        assertEquals(String.join("\n",
            "{\"error\":\"request: malformed JSON at line 1, column 11; allowed: one JSON object per line\"}",
            "{\"error\":\"request: malformed JSON at line 1, column 115; allowed: one JSON object per line\"}",
            "{\"error\":\"request: malformed JSON at line 1, column 26; allowed: one JSON object per line\"}",
            "{\"error\":\"request: malformed JSON at line 1, column 4; allowed: one JSON object per line\"}",
            "{\"error\":\"request: malformed JSON at line 2, column 8; allowed: one JSON object per line\"}") + "\n", result.out());
    }

    @Test
    void usageErrorsExitWithStatus2()
    {
        assertEquals(2, Cli.run("derive", "kgnb", "--kamf", KAMF).exitCode());
        assertEquals(2, Cli.run("derive").exitCode());
        assertEquals(2, Cli.run("derive", "no-such-key").exitCode());
    }

    @Test
    void helpOnEveryCommand()
    {
        for (final String[] command : List.of(new String[] {"--help"}, new String[] {"selftest", "--help"},
            new String[] {"derive", "--help"}, new String[] {"bench", "--help"}))
        {
            final Cli.Result result = Cli.run(command);
            assertEquals(0, result.exitCode(), String.join(" ", command));
            assertTrue(result.out().startsWith("Usage: amfkeys"), result.out());
        }
        final String deriveHelp = Cli.run("derive", "--help").out();
        for (final Derivation derivation : DerivationCatalog.all())
        {
            assertTrue(deriveHelp.contains("  " + derivation.name() + " "), derivation.name());
            final Cli.Result help = Cli.run("derive", derivation.name(), "--help");
            assertEquals(0, help.exitCode(), derivation.name());
            assertTrue(help.out().contains(derivation.clause()), derivation.name());
            for (final Parameter parameter : derivation.parameters())
            {
                assertTrue(help.out().contains("--" + parameter.name()), derivation.name() + " --" + parameter.name());
            }
        }
    }

    @Test
    void batchAnswersEveryLineInOrderAndReportsBadOnes()
    {
        final String good = "{\"derive\":\"kgnb\",\"kamf\":\"" + KAMF + "\",\"ul-count\":0,\"access\":\"3gpp\"}";
        final String input = String.join("\n",
            good,
            "{\"derive\":\"kgnb\",\"kamf\":\"" + KAMF + "\",\"ul-count\":\"0\",\"access\":\"3gpp\"}",
            "{\"derive\":\"kgnb\",\"kamf\":\"" + KAMF + "\",\"ul-count\":1.5,\"access\":\"3gpp\"}",
            "{\"derive\":\"kgnb\",\"kamf\":" + KAMF.substring(0, 20) + ",\"ul-count\":0}",
            "{\"derive\":\"kgnb\",\"kamf\":\"" + KAMF + "\",\"kamf\":\"" + KAMF + "\",\"ul-count\":0,\"access\":\"3gpp\"}",
            "{\"derive\":\"kgnb\",\"kamf\":\"" + KAMF + "\",\"ul-count\":0,\"access\":\"3gpp\",\"ncc\":1}",
            "{\"derive\":\"generic\",\"key\":\"00\",\"fc\":66,\"param\":[\"01\"]}",
            "{\"derive\":\"generic\",\"key\":\"00\",\"fc\":66,\"params\":[\"01\",2]}",
            "[]",
            "",
            "{\"kamf\":\"00\"}",
            "{\"derive\":\"kgnb3\"}",
            good) + "\n";
        final Cli.Result result = Cli.runWithInput(input, "derive", "--batch");
        final String[] lines = result.out().split("\n", -1);
        assertEquals(14, lines.length, result.out());
        assertEquals("", lines[13]);
        assertEquals("{\"out\":\"fee31d895d0c54570cc2995de588567d7e5dec7c3878b139612c36d6e8547b21\"}", lines[0]);
        assertEquals("{\"error\":\"ul-count: not an integer JSON number; allowed: 0..4294967295\"}", lines[1]);
        assertEquals(lines[1], lines[2]);
        assertEquals("{\"error\":\"request: malformed JSON at line 1, column 25; allowed: one JSON object per line\"}", lines[3]);
        assertFalse(lines[3].contains(KAMF.substring(0, 12)), "the key is echoed: " + lines[3]);
        assertTrue(lines[4].startsWith("{\"error\":\"request: malformed JSON"), lines[4]);
        assertEquals("{\"error\":\"ncc: not a parameter of kgnb; allowed: kamf, ul-count, access\"}", lines[5]);
        assertEquals("{\"error\":\"param: not a parameter of generic; allowed: key, fc, params\"}", lines[6]);
        assertEquals("{\"error\":\"params: not an array of strings; allowed: an array of hexadecimal strings\"}", lines[7]);
        assertEquals("{\"error\":\"request: not a JSON object; allowed: one JSON object per line\"}", lines[8]);
        assertEquals(lines[8], lines[9]);
        assertTrue(lines[10].startsWith("{\"error\":\"derive: missing"), lines[10]);
        assertTrue(lines[11].startsWith("{\"error\":\"derive: 'kgnb3' is not a derivation"), lines[11]);
        assertEquals(lines[0], lines[12]);
        assertEquals(1, result.exitCode());
    }

    @Test
    void batchOfGoodLinesExitsWith0()
    {
        final String good = "{\"derive\":\"kgnb\",\"kamf\":\"" + KAMF + "\",\"ul-count\":4294967295,\"access\":\"non-3gpp\"}";
        final Cli.Result result = Cli.runWithInput(good + "\n" + good, "derive", "--batch");
        assertEquals(0, result.exitCode());
        assertEquals(2, result.out().split("\n").length);
        assertEquals(0, Cli.runWithInput("", "derive", "--batch").exitCode());
    }

    @Test
    void selftestPasses()
    {
        final Cli.Result result = Cli.run("selftest");
        assertEquals(0, result.exitCode(), result.out());
        assertTrue(result.out().contains("java-intrinsic   ok"), result.out());
        assertTrue(result.out().endsWith("result: PASS\n"), result.out());
    }
}
