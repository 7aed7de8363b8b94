package dev.bulwark.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every published module is a real JPMS module: it boots on the module path (a child JVM with
 * {@code --module-path}, running a small program against the module's API), exports exactly its API
 * packages, and the JVM refuses its internals to other code. The same jars still work on the class
 * path: every other test in the build uses them that way.
 */
class ModulePathBootTest {

    /** The unqualified exports of each module: its API. Anything else (internal) is refused by the JVM. */
    private static final Map<String, Set<String>> API = Map.of(
            "dev.bulwark.core", Set.of(),
            "dev.bulwark.jwt", Set.of("dev.bulwark.jwt", "dev.bulwark.jwt.jdkhttp", "dev.bulwark.jwt.servlet"),
            "dev.bulwark.sandbox", Set.of("dev.bulwark.sandbox"),
            "dev.bulwark.pool", Set.of("dev.bulwark.pool"),
            "dev.bulwark.backup", Set.of("dev.bulwark.backup", "dev.bulwark.backup.cli"),
            "dev.bulwark.alerting", Set.of("dev.bulwark.alerting"),
            "dev.bulwark.micrometer", Set.of("dev.bulwark.micrometer"));

    /** Test-only jars on this test's class path that a service would not put on its module path. */
    private static final List<String> TEST_ONLY = List.of("junit-", "opentest4j", "apiguardian", "assertj-",
            "archunit", "byte-buddy", "test-classes", "surefire");

    @Test
    void everyModuleHasADescriptorThatExportsExactlyItsApi() {
        Map<String, ModuleDescriptor> found = ModuleFinder.of(modulePath().toArray(Path[]::new)).findAll().stream()
                .map(ModuleReference::descriptor).filter(d -> API.containsKey(d.name()))
                .collect(Collectors.toMap(ModuleDescriptor::name, d -> d));
        assertThat(found.keySet()).containsExactlyInAnyOrderElementsOf(API.keySet());
        found.forEach((name, d) -> {
            assertThat(d.isAutomatic()).as("%s has a module-info (not an automatic module)", name).isFalse();
            Set<String> unqualified = d.exports().stream().filter(e -> !e.isQualified()).map(ModuleDescriptor.Exports::source)
                    .collect(Collectors.toCollection(TreeSet::new));
            assertThat(unqualified).as("unqualified exports of %s", name).containsExactlyInAnyOrderElementsOf(API.get(name));
            assertThat(d.opens()).as("%s opens nothing to everyone", name).allMatch(ModuleDescriptor.Opens::isQualified);
        });
        ModuleDescriptor.Exports core = found.get("dev.bulwark.core").exports().iterator().next();
        assertThat(core.source()).isEqualTo("dev.bulwark.core.internal");
        assertThat(core.targets()).as("core's package goes to Bulwark's modules only")
                .allMatch(t -> t.startsWith("dev.bulwark.")).doesNotContain("dev.bulwark.core");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "PoolSmoke, dev.bulwark.pool",
        "SandboxSmoke, dev.bulwark.sandbox",
        "BackupSmoke, dev.bulwark.backup",
        "AlertingSmoke, dev.bulwark.alerting",
        "JwtSmoke, dev.bulwark.jwt",
        "MicrometerSmoke, dev.bulwark.micrometer"})
    void bootsOnTheModulePath(String program, String module) throws Exception {
        Result r = run(List.of("--module-path", pathString(modulePath()), "--add-modules", module), program);
        assertThat(r.exit).as(r.output).isZero();
        assertThat(r.output).contains("OK " + module + " module " + module);
    }

    @Test
    void internalsAreRefusedOnTheModulePathButNotOnTheClassPath() throws Exception {
        String internal = "dev.bulwark.core.internal.Env";
        Result modular = run(List.of("--module-path", pathString(modulePath()), "--add-modules", "dev.bulwark.core"),
                "InternalSmoke", internal);
        assertThat(modular.output).as(modular.output).contains("REFUSED module dev.bulwark.core");
        // The control: the same reflection from the class path succeeds, so the refusal above is the
        // module system's doing and this test would fail without the module descriptor.
        Result classPath = run(List.of("--class-path", pathString(modulePath())), "InternalSmoke", internal);
        assertThat(classPath.output).as(classPath.output).contains("OPEN unnamed module");
    }

    private record Result(int exit, String output) {
    }

    private static Result run(List<String> options, String program, String... args) throws IOException, InterruptedException {
        Path source = Path.of("src/test/resources/modulepath", program + ".java").toAbsolutePath();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(options);
        command.add(source.toString());
        command.addAll(Arrays.asList(args));
        Path log = Files.createTempFile("modulepath", ".log");
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(program + " did not finish within 120 s: " + Files.readString(log));
            }
            return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /** The jars (or class directories) a service would put on its module path: this test's class path minus test tools. */
    private static List<Path> modulePath() {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> !e.isBlank() && TEST_ONLY.stream().noneMatch(e::contains))
                .map(Path::of).filter(Files::exists).toList();
    }

    private static String pathString(List<Path> paths) {
        return paths.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator));
    }
}
