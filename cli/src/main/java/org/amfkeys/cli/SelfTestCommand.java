package org.amfkeys.cli;

import com.sun.management.HotSpotDiagnosticMXBean;
import org.amfkeys.SelfTest;
import org.amfkeys.catalog.KnownAnswers;
import org.amfkeys.hmac.CpuFeature;
import org.amfkeys.hmac.EngineStatus;
import org.amfkeys.hmac.HmacEngines;
import org.amfkeys.hmac.NativeKernel;
import org.amfkeys.hmac.NativeStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/**
 * {@code amfkeys selftest}: the engines this machine can run, and every derivation's known answers on each.
 */
@Command(
    name = "selftest",
    mixinStandardHelpOptions = true,
    description = {
        "Checks the engines and every derivation against known answers.",
        "Prints the CPU features, the native library and its kernels (and which was chosen), the",
        "HMAC-SHA-256 engines, then runs every derivation's known-answer tests on every engine that",
        "passed its own self-test. Exit status 0 when every self-test passed."})
public final class SelfTestCommand implements Callable<Integer>
{
    private static final List<String> CPU_FEATURES = List.of("sha_ni", "avx2", "avx512f", "avx512bw", "avx512vl", "bmi2");

    @Spec
    private CommandSpec spec;

    public Integer call()
    {
        final PrintWriter out = spec.commandLine().getOut();
        out.println("amfkeys self-test");
        out.println("  cpu:  " + cpu());
        out.println("  java: " + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version") +
            ", SHA intrinsics (UseSHA) " + hotSpotOption("UseSHA").orElse("unknown"));
        out.println();

        final SelfTest.Report report = SelfTest.run();
        final NativeStatus nativeStatus = report.nativeStatus();
        out.println("Native library: " + (nativeStatus.loaded() ? "loaded, " : "not loaded: ") + nativeStatus.library());
        if (nativeStatus.loaded())
        {
            out.println("  CPU features it may use: " +
                nativeStatus.cpuFeatures().stream().map(CpuFeature::token).collect(Collectors.joining(" ")));
            for (final NativeStatus.KernelStatus kernel : nativeStatus.kernels())
            {
                out.printf("  kernel %-8s %-12s %s: %s%n", kernel.kernel().token(),
                    kernel.usable() ? "ok" : kernel.supported() ? "FAIL" : "unsupported", kernel.kernel().description(), kernel.detail());
            }
            out.println("  batch kernel chosen: " + nativeStatus.batchKernel().map(NativeKernel::token).orElse("none") +
                "; single kernel chosen: " + nativeStatus.singleKernel().map(NativeKernel::token).orElse("none"));
        }
        out.println();
        out.println("HMAC-SHA-256 engines, fastest first:");
        for (final EngineStatus engine : report.engines())
        {
            final String state = engine.usable() ? "ok" : engine.detail().startsWith("unavailable: ") ? "off" : "FAIL";
            out.printf("  %-16s %-4s %s: %s%n", engine.name(), state, engine.description(), engine.detail());
        }
        out.println("  default engine: " + defaultEngine());
        out.println();

        out.println("Known-answer tests, per derivation (cases passed on each engine):");
        final List<String> header = new ArrayList<>(List.of("derivation"));
        report.knownAnswers().forEach(engine -> header.add(engine.engine()));
        out.printf("  %-20s%s%n", header.get(0), columns(header.subList(1, header.size())));
        final int derivations = report.knownAnswers().isEmpty() ? 0 : report.knownAnswers().get(0).outcomes().size();
        final List<String> failures = new ArrayList<>();
        for (int i = 0; i < derivations; i++)
        {
            final String name = report.knownAnswers().get(0).outcomes().get(i).derivation();
            final List<String> cells = new ArrayList<>();
            for (final SelfTest.EngineReport engine : report.knownAnswers())
            {
                final KnownAnswers.Outcome outcome = engine.outcomes().get(i);
                cells.add(outcome.ok() ? outcome.passed() + " ok" : "FAIL");
                outcome.failures().forEach(failure -> failures.add(engine.engine() + " " + name + " " + failure));
            }
            out.printf("  %-20s%s%n", name, columns(cells));
        }
        failures.forEach(failure -> out.println("  failed: " + failure));
        out.println();
        if (report.allPassed())
        {
            out.println("result: PASS");
        }
        else if (report.ok())
        {
            out.println("result: FAIL: a native kernel failed its self-test; it is not used and every key above is right");
        }
        else
        {
            out.println("result: FAIL");
        }
        out.flush();
        return report.allPassed() ? 0 : 1;
    }

    private static String columns(final List<String> cells)
    {
        final StringBuilder row = new StringBuilder();
        cells.forEach(cell -> row.append(String.format("%-16s", cell)));
        return row.toString().stripTrailing();
    }

    private static String defaultEngine()
    {
        try
        {
            return HmacEngines.newEngine().name();
        }
        catch (final IllegalStateException | IllegalArgumentException ex)
        {
            // A bad forced engine (an InvalidParameterException) is reported here, beside the engines' results.
            return "none (" + ex.getMessage() + ")";
        }
    }

    private static String cpu()
    {
        try
        {
            final List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
            final String model = field(lines, "model name").orElse(System.getProperty("os.arch"));
            final List<String> flags = Arrays.asList(field(lines, "flags").orElse("").split(" "));
            final List<String> present = CPU_FEATURES.stream().filter(flags::contains).toList();
            return model + ", " + Runtime.getRuntime().availableProcessors() + " cores, features: " +
                (present.isEmpty() ? "none of " + CPU_FEATURES : String.join(" ", present));
        }
        catch (final IOException | RuntimeException ex)
        {
            return System.getProperty("os.arch") + " (no /proc/cpuinfo)";
        }
    }

    private static Optional<String> field(final List<String> cpuinfo, final String name)
    {
        return cpuinfo.stream()
            .filter(line -> line.startsWith(name))
            .map(line -> line.substring(line.indexOf(':') + 1).trim())
            .findFirst();
    }

    private static Optional<String> hotSpotOption(final String name)
    {
        try
        {
            return Optional.of(ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class).getVMOption(name).getValue());
        }
        catch (final RuntimeException | LinkageError ex)
        {
            return Optional.empty();
        }
    }
}
