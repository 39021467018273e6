package org.amfkeys.jcstress;

import org.openjdk.jcstress.JCStress;
import org.openjdk.jcstress.Options;
import org.openjdk.jcstress.infra.Status;
import org.openjdk.jcstress.infra.collectors.DiskReadCollector;
import org.openjdk.jcstress.infra.collectors.InProcessCollector;
import org.openjdk.jcstress.infra.collectors.TestResult;

import java.util.Set;
import java.util.TreeSet;

/**
 * Runs the jcstress tests and fails the build (exit status 1) when one of them saw a forbidden
 * outcome, errored, took no samples, or did not run at all. jcstress throws on forbidden outcomes
 * itself; the rest it only reports.
 */
public final class JcstressGate
{
    private JcstressGate()
    {
    }

    /**
     * @param args jcstress's own options.
     * @throws Exception when jcstress cannot run or its results cannot be read.
     */
    public static void main(final String[] args) throws Exception
    {
        final Options options = new Options(args);
        if (!options.parse())
        {
            System.exit(2);
        }
        final JCStress jcstress = new JCStress(options);
        final Set<String> expected = new TreeSet<>(jcstress.getTests());
        jcstress.run();

        final InProcessCollector collector = new InProcessCollector();
        final DiskReadCollector reader = new DiskReadCollector(options.getResultFile(), collector);
        reader.dump();
        reader.close();

        final Set<String> passed = new TreeSet<>();
        final Set<String> failed = new TreeSet<>();
        for (final TestResult result : collector.getTestResults())
        {
            final boolean ok = result.status() == Status.NORMAL && result.grading().isPassed &&
                result.getTotalCount() > 0;
            (ok ? passed : failed).add(result.getName());
        }
        passed.removeAll(failed);
        final Set<String> missing = new TreeSet<>(expected);
        missing.removeAll(passed);
        missing.removeAll(failed);

        System.out.println("jcstress gate: " + passed.size() + " passed, " + failed.size() + " failed, " +
            missing.size() + " did not run, of " + expected.size());
        failed.forEach(name -> System.out.println("  FAILED: " + name));
        missing.forEach(name -> System.out.println("  DID NOT RUN: " + name));
        System.exit(failed.isEmpty() && missing.isEmpty() && !expected.isEmpty() ? 0 : 1);
    }
}
