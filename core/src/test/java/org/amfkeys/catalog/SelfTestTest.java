package org.amfkeys.catalog;

import org.amfkeys.SelfTest;
import org.amfkeys.hmac.CorruptingEngine;
import org.amfkeys.hmac.HmacEngines;
import org.amfkeys.hmac.HmacSha256Engine;
import org.amfkeys.kdf.Kdf;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SelfTestTest
{
    @Test
    void everyDerivationHasKnownAnswersAndTheyPassOnEveryEngine()
    {
        final Set<String> covered = KnownAnswers.cases().stream().map(KnownAnswers.Case::derivation).collect(Collectors.toSet());
        assertEquals(DerivationCatalog.all().stream().map(Derivation::name).collect(Collectors.toSet()), covered);

        final SelfTest.Report report = SelfTest.run();
        assertTrue(report.ok(), report.toString());
        assertEquals(HmacEngines.status().stream().filter(org.amfkeys.hmac.EngineStatus::usable).count(),
            report.knownAnswers().size());
        for (final SelfTest.EngineReport engine : report.knownAnswers())
        {
            assertEquals(DerivationCatalog.all().size(), engine.outcomes().size());
        }
    }

    @Test
    void aWrongEngineFailsEveryDerivation()
    {
        final HmacSha256Engine wrong = new CorruptingEngine(length -> true);
        try (Kdf kdf = new Kdf(wrong))
        {
            final List<KnownAnswers.Outcome> outcomes = KnownAnswers.run(kdf);
            assertFalse(outcomes.isEmpty());
            for (final KnownAnswers.Outcome outcome : outcomes)
            {
                assertFalse(outcome.ok(), outcome.derivation());
                assertTrue(outcome.failures().get(0).endsWith("wrong output"), outcome.toString());
            }
        }
    }
}
