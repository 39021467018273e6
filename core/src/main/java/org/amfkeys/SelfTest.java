package org.amfkeys;

import org.amfkeys.catalog.KnownAnswers;
import org.amfkeys.hmac.EngineStatus;
import org.amfkeys.hmac.HmacEngines;
import org.amfkeys.hmac.NativeStatus;
import org.amfkeys.kdf.Kdf;

import java.util.ArrayList;
import java.util.List;

/**
 * The power-on self-test: every HMAC engine against the JDK, then every derivation's known answers on
 * every engine that passed. An embedding AMF may run it at start-up and refuse to serve on failure.
 */
public final class SelfTest
{
    /**
     * The known-answer outcomes on one engine.
     *
     * @param engine   the engine's name.
     * @param outcomes one per derivation.
     */
    public record EngineReport(String engine, List<KnownAnswers.Outcome> outcomes)
    {
        /**
         * @return true when every derivation passed.
         */
        public boolean ok()
        {
            return outcomes.stream().allMatch(KnownAnswers.Outcome::ok);
        }
    }

    /**
     * The whole self-test.
     *
     * @param nativeStatus  the native library, its kernels and their self-tests.
     * @param engines       self-test status of every engine.
     * @param knownAnswers  known-answer outcomes on each usable engine.
     */
    public record Report(NativeStatus nativeStatus, List<EngineStatus> engines, List<EngineReport> knownAnswers)
    {
        /**
         * @return true when at least one engine is usable and every usable engine passed every known
         *     answer: every key amfkeys gives is right.
         */
        public boolean ok()
        {
            return !knownAnswers.isEmpty() && knownAnswers.stream().allMatch(EngineReport::ok);
        }

        /**
         * @return true when, besides {@link #ok()}, every native kernel this CPU can run passed its own
         *     self-test (a failing one is not used, so keys stay right, but it is worth knowing).
         */
        public boolean allPassed()
        {
            return ok() && nativeStatus.kernels().stream().allMatch(kernel -> kernel.usable() || !kernel.supported());
        }
    }

    private SelfTest()
    {
    }

    /**
     * @return the report of a complete self-test.
     */
    public static Report run()
    {
        final List<EngineStatus> engines = HmacEngines.status();
        final List<EngineReport> reports = new ArrayList<>();
        for (final EngineStatus engine : engines)
        {
            if (engine.usable())
            {
                try (Kdf kdf = new Kdf(HmacEngines.newEngine(engine.name())))
                {
                    reports.add(new EngineReport(engine.name(), KnownAnswers.run(kdf)));
                }
            }
        }
        return new Report(HmacEngines.nativeStatus(), engines, reports);
    }
}
