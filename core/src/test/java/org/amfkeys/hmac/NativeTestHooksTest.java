package org.amfkeys.hmac;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The library in the jar is the production one: no fault-injection code, not even a hidden symbol,
 * and no test variant beside it; the test variant that the fault tests load does have the hook (so
 * that the first check looks where the hook would be). Symbols are read from the ELF file itself,
 * as {@code nm -D} and {@code nm} would list them.
 */
class NativeTestHooksTest
{
    private static final Set<String> HOOKS = Set.of(
        "Java_org_amfkeys_hmac_NativeLibrary_injectFaults", "Java_org_amfkeys_hmac_NativeLibrary_forceBatchPlan");

    /** System property: where the build put the test variant (core/pom.xml). */
    static final String TEST_LIBRARY_PROPERTY = "amfkeys.native.testLibrary";

    /**
     * @return the test variant's path. A build with the native library but without the variant fails
     *     here rather than skipping, so that the fault tests never vanish silently.
     */
    static Path testVariant()
    {
        Assumptions.assumeTrue(NativeLibraryTest.nativeRequired(), "built without the native library (-Dnative.skip)");
        final String path = System.getProperty(TEST_LIBRARY_PROPERTY);
        assertTrue(path != null && !path.isBlank(), TEST_LIBRARY_PROPERTY + " is not set (the Maven build sets it)");
        final Path variant = Path.of(path);
        assertTrue(Files.isRegularFile(variant), variant + " is missing: build native/ first (mvn -pl core -am install)");
        return variant;
    }

    @Test
    void theLibraryInTheJarHasNoTestHook() throws IOException
    {
        final byte[] library;
        try (InputStream in = NativeLibrary.class.getResourceAsStream(NativeLibrary.RESOURCE))
        {
            Assumptions.assumeTrue(in != null || NativeLibraryTest.nativeRequired(), "built with -Dnative.skip");
            assertNotNull(in, NativeLibrary.RESOURCE + " is not on the classpath");
            library = in.readAllBytes();
        }
        final Set<String> dynamic = ElfSymbols.dynamic(library);
        // The reader finds what the library must export: an empty or misread table would pass below.
        assertTrue(dynamic.contains("Java_org_amfkeys_hmac_NativeLibrary_hmacRecords"), dynamic.toString());
        assertTrue(dynamic.contains("Java_org_amfkeys_hmac_NativeLibrary_recordLayout"), dynamic.toString());
        assertEquals(Set.of(), hooks(dynamic), "exported test hooks");
        assertEquals(Set.of(), hooks(ElfSymbols.all(library)), "test hooks in the symbol tables");
        final String directory = NativeLibrary.RESOURCE.substring(0, NativeLibrary.RESOURCE.lastIndexOf('/') + 1);
        assertNull(NativeLibrary.class.getResource(directory + NativeLibrary.TEST_VARIANT), "the test variant is in the jar");
    }

    @Test
    void theTestVariantHasTheHook() throws IOException
    {
        final Set<String> dynamic = ElfSymbols.dynamic(Files.readAllBytes(testVariant()));
        assertTrue(dynamic.containsAll(HOOKS), dynamic.toString());
        assertTrue(dynamic.contains("Java_org_amfkeys_hmac_NativeLibrary_recordLayout"), dynamic.toString());
    }

    private static Set<String> hooks(final Set<String> symbols)
    {
        return symbols.stream()
            .filter(name -> name.toLowerCase(Locale.ROOT).contains("fault") || name.toLowerCase(Locale.ROOT).contains("hook") ||
                name.toLowerCase(Locale.ROOT).contains("force"))
            .collect(Collectors.toSet());
    }
}
