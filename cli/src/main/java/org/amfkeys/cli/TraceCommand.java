package org.amfkeys.cli;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.agrona.BitUtil;
import org.amfkeys.InvalidParameterException;
import org.amfkeys.context.SecurityContext;
import org.amfkeys.kdf.Kdf;
import org.amfkeys.procedures.AccessStratumChain;
import org.amfkeys.procedures.DeferredProcedure;
import org.amfkeys.procedures.ProcedureNotAllowedException;
import org.amfkeys.sim.RanNode;
import org.amfkeys.sim.SimulatedUe;
import org.amfkeys.sim.UeMirror;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code amfkeys trace}: replays a key-lifecycle scenario on an AMF (or MME), a gNB (or eNB) and a UE
 * mirror, and prints one JSON line per step with each side's keys, so that an engineer chasing a key
 * mismatch sees where the sides part.
 */
@Command(
    name = "trace",
    mixinStandardHelpOptions = true,
    description = {
        "Reads a scenario from standard input and prints one JSON line per step with the state of the",
        "serving AMF (or MME), the gNB (or eNB) and the UE, and whether they are in sync. The UE starts",
        "registered at amf-1 with the scenario's context activated by a NAS SMC, and idle.",
        "",
        "Scenario: {\"kamf\": hex, \"ngksi\": n, \"nas-enc\": alg, \"nas-int\": alg, \"steps\": [...]}",
        "Steps, {\"do\": NAME, parameters} (optional parameters in brackets):",
        "  authenticate            kamf, ngksi: a new native context that a following nas-smc activates",
        "  nas-smc                 [nas-enc, nas-int]",
        "  initial-context-setup   ul-count, [pci, arfcn]",
        "  release                 the UE goes idle",
        "  xn-handover             pci, arfcn (an X2 handover while the UE is in EPS)",
        "  n2-handover             pci, arfcn, [horizontal-kamf, dl-count, to-other-amf]",
        "                          (an S1 handover within the MME while the UE is in EPS)",
        "  inter-mme-handover      pci, earfcn: an S1 handover to mme-2 (or back to mme-1), with the",
        "                          S10 Forward Relocation of TS 33.401 7.2.10 (8)",
        "  mobility-registration   ul-count, horizontal-kamf, outcome: complete | failed",
        "Instead of horizontal-kamf, an AMF change may give the source AMF's policy and the move:",
        "  policy: never | always | when-amf-set-changes | when-secure-storage-not-shared,",
        "  [source-amf-set, target-amf-set (default 1 and 2), shared-secure-storage (default false)];",
        "  the line then shows the decision: \"horizontal-kamf\": {\"derive\", \"reason\"}.",
        "  ue-context-modification [ul-count: the latest SMC Complete's, checked]",
        "  as-key-refresh          intra-cell handover with the usual chaining",
        "  nas-key-refresh         ul-count: idle-mode KAMF' and a NAS SMC with K_AMF_change_flag",
        "  handover-to-eps         pci, earfcn",
        "  idle-to-eps             ul-count (of the TAU)",
        "  handover-to-5gs         pci, arfcn",
        "  idle-to-5gs             ul-count (of the TAU)",
        "  dl-nas                  a downlink NAS message from the serving node",
        "Phases: nas-smc, n2-handover, inter-mme-handover, handover-to-eps, handover-to-5gs,",
        "  ue-context-modification, xn-handover and mobility-registration take",
        "  \"phase\": \"begin\" and later \"phase\": \"end\" with \"outcome\": complete, failure or abort, so",
        "  procedures overlap (nas-smc begin takes \"access\": 3gpp or non-3gpp). A step without a phase",
        "  is begun and ended at once. Ending a procedure that still waits cancels it.",
        "Each line has \"result\": ran, deferred or refused, with \"rule\" (for example",
        "  \"TS 33.501 6.9.5.1 (1)\") when deferred or refused. A deferred procedure that later starts",
        "  gets its own line with \"result\": \"ran\" and \"deferred-from\": the step that asked for it.",
        "A step the state does not allow gets an \"error\" member and changes no side.",
        "Exit status 0 when every step ran and every side ended in sync."})
public final class TraceCommand implements Callable<Integer>
{
    private static final ObjectMapper JSON = new ObjectMapper()
        .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** Longest scenario read: a million steps and more, without reading an endless input into memory. */
    static final int MAX_SCENARIO_OCTETS = 64 * 1024 * 1024;

    @Spec
    private CommandSpec spec;

    public Integer call() throws IOException
    {
        return trace(System.in, spec.commandLine().getOut(), spec.commandLine().getErr());
    }

    /**
     * Reads a scenario and prints its lines.
     *
     * @param in  the scenario.
     * @param out one JSON line per step.
     * @param err what is wrong with a scenario that cannot run.
     * @return 0 when every step ran and every side ended in sync, else 1.
     * @throws IOException when the scenario cannot be read.
     */
    static int trace(final InputStream in, final PrintWriter out, final PrintWriter err) throws IOException
    {
        final byte[] octets = in.readNBytes(MAX_SCENARIO_OCTETS + 1);
        if (octets.length > MAX_SCENARIO_OCTETS)
        {
            err.println("amfkeys trace: the scenario is longer than " + MAX_SCENARIO_OCTETS + " octets; allowed: up to " +
                MAX_SCENARIO_OCTETS + " octets");
            return 1;
        }
        // Strictly UTF-8: the parser would otherwise guess UTF-16 or UTF-32 from the first octets.
        final ByteBuffer input = ByteBuffer.wrap(octets);
        final CharBuffer text = CharBuffer.allocate(octets.length);
        final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder();
        if (utf8.decode(input, text, true).isError() || utf8.flush(text).isError())
        {
            err.println("amfkeys trace: the scenario is not UTF-8 at octet " + (input.position() + 1));
            return 1;
        }
        final JsonNode scenario;
        try
        {
            scenario = JSON.readTree(text.flip().toString());
        }
        catch (final JsonProcessingException ex)
        {
            err.println("amfkeys trace: the scenario is " + MalformedJson.describe(ex));
            return 1;
        }
        if (scenario == null || !scenario.isObject() || !scenario.path("steps").isArray())
        {
            err.println("amfkeys trace: expected {\"kamf\": hex, \"ngksi\": n, \"nas-enc\": alg, \"nas-int\": alg, \"steps\": [...]}");
            return 1;
        }
        final TraceSession session;
        try
        {
            TraceSession.check(scenario);
            session = TraceSession.of(scenario);
        }
        catch (final InvalidParameterException ex)
        {
            err.println("amfkeys trace: " + ex.getMessage());
            return 1;
        }
        try (session)
        {
            final boolean allRan = runSteps(scenario.get("steps"), session, out);
            out.flush();
            return allRan && session.ue().inSync() ? 0 : 1;
        }
    }

    /**
     * Runs each step and prints its line, and a line of its own for a procedure that waited and
     * started at that step.
     *
     * @return whether every step ran (or was deferred) rather than refused.
     */
    private static boolean runSteps(final JsonNode steps, final TraceSession session, final PrintWriter out)
        throws IOException
    {
        boolean allRan = true;
        int index = 0;
        final Map<DeferredProcedure, Integer> waitingSince = new EnumMap<>(DeferredProcedure.class);
        for (final JsonNode step : steps)
        {
            index++;
            final ObjectNode line = JSON.createObjectNode();
            line.put("step", index);
            line.put("do", step.path("do").asText(""));
            if (step.has("phase"))
            {
                line.put("phase", step.path("phase").asText(""));
            }
            DeferredProcedure started = null;
            try
            {
                final TraceSession.Step result = session.run(step);
                if (result.decision() != null)
                {
                    line.putObject("horizontal-kamf").put("derive", result.decision().derive())
                        .put("reason", result.decision().reason());
                }
                if (result.deferredBy() != null)
                {
                    line.put("result", "deferred").put("rule", result.deferredBy().clause());
                    waitingSince.put(result.waiting(), index);
                }
                else
                {
                    line.put("result", "ran");
                }
                started = result.started();
            }
            catch (final ProcedureNotAllowedException | InvalidParameterException ex)
            {
                line.put("result", "refused");
                if (ex instanceof ProcedureNotAllowedException && ((ProcedureNotAllowedException)ex).rule() != null)
                {
                    line.put("rule", ((ProcedureNotAllowedException)ex).rule().clause());
                }
                line.put("error", ex.getMessage());
                allRan = false;
            }
            describe(session.ue(), line);
            out.println(JSON.writeValueAsString(line));
            if (started != null)
            {
                final ObjectNode resumed = JSON.createObjectNode();
                resumed.put("step", index);
                resumed.put("do", started.token());
                resumed.put("result", "ran");
                final Integer from = waitingSince.remove(started);
                if (from != null)
                {
                    resumed.put("deferred-from", from);
                }
                describe(session.ue(), resumed);
                out.println(JSON.writeValueAsString(resumed));
            }
        }
        return allRan;
    }

    /**
     * Adds what each side holds to a step's line: the serving node's context, the RAN node's keys and
     * cell, the UE's keys, and whether they are in sync.
     *
     * @param simulated the UE with its RAN nodes and core network.
     * @param line      the step's line.
     */
    static void describe(final SimulatedUe simulated, final ObjectNode line)
    {
        line.put("system", simulated.serving().chain().system());
        final ObjectNode amf = line.putObject("amf");
        final SecurityContext context = simulated.readServing();
        final byte[] key = new byte[Kdf.KEY_LENGTH];
        final byte[] encryption = new byte[AccessStratumChain.NAS_KEY_LENGTH];
        final byte[] integrity = new byte[AccessStratumChain.NAS_KEY_LENGTH];
        amf.put("node", simulated.servingName());
        context.copyKamf(key, 0);
        amf.put("kamf", hex(key));
        amf.put("ngksi", context.ngKsi());
        simulated.serving().nasKeys(context, encryption, integrity);
        amf.put("knas-enc", hex(encryption));
        amf.put("knas-int", hex(integrity));
        final boolean asActive = (context.contextFlags() & SecurityContext.FLAG_AS_ACTIVE) != 0;
        context.copyNextHop(key, 0);
        putKey(amf, "nh", asActive ? key : null);
        amf.put("ncc", context.ncc());
        amf.put("ul-count", context.uplinkNasCount());
        amf.put("dl-count", context.downlinkNasCount());

        final ObjectNode gnb = line.putObject("gnb");
        final RanNode ran = simulated.ran();
        putKey(gnb, "kgnb", ran == null ? null : ran.key());
        putKey(gnb, "nh", ran == null || !ran.holdsUnusedPair() ? null : ran.unusedNextHop());
        if (ran == null)
        {
            gnb.putNull("ncc");
        }
        else
        {
            gnb.put("ncc", ran.keyNcc());
            if (ran.holdsUnusedPair())
            {
                gnb.put("nh-ncc", ran.unusedNcc());
            }
            gnb.put("pci", ran.pci());
            gnb.put("arfcn", ran.arfcn());
        }

        final ObjectNode ue = line.putObject("ue");
        final UeMirror mirror = simulated.ue();
        putKey(ue, "kamf", mirror.hasCurrent() ? mirror.rootKey() : null);
        ue.put("ngksi", mirror.ngKsi());
        mirror.nasKeys(encryption, integrity);
        ue.put("knas-enc", hex(encryption));
        ue.put("knas-int", hex(integrity));
        putKey(ue, "kgnb", mirror.asActive() ? mirror.kgnb() : null);
        if (mirror.asActive())
        {
            ue.put("ncc", mirror.ncc());
        }
        else
        {
            ue.putNull("ncc");
        }
        ue.put("ul-count", mirror.nextUplinkCount());
        line.put("in-sync", simulated.inSync());
    }

    private static void putKey(final ObjectNode node, final String name, final byte[] key)
    {
        if (key == null)
        {
            node.putNull(name);
        }
        else
        {
            node.put(name, hex(key));
        }
    }

    private static String hex(final byte[] bytes)
    {
        return BitUtil.toHex(bytes).toLowerCase();
    }
}
