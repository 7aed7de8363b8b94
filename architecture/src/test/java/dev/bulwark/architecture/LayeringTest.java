package dev.bulwark.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The layering of {@code DESIGN.md}: modules meet only through standard types (the one shared
 * dependency is {@code dev.bulwark.core.internal}), and a module's internals never appear in its
 * public API, so that users can't come to depend on them.
 */
class LayeringTest {
    private static final List<String> MODULES = List.of("jwt", "sandbox", "pool", "backup", "alerting", "micrometer");
    private static JavaClasses bulwark;

    @BeforeAll
    static void importMainClasses() {
        bulwark = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.bulwark");
    }

    @Test
    void everyModuleIsImported() {
        for (String m : MODULES) {
            org.assertj.core.api.Assertions.assertThat(bulwark.stream()
                    .anyMatch(c -> c.getPackageName().startsWith("dev.bulwark." + m)))
                    .as("classes of dev.bulwark." + m + " on the test class path").isTrue();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"jwt", "sandbox", "pool", "backup", "alerting", "micrometer"})
    void aModuleDependsOnNoOtherModuleButCore(String module) {
        String[] others = MODULES.stream().filter(m -> !m.equals(module)).map(m -> "dev.bulwark." + m + "..")
                .toArray(String[]::new);
        noClasses().that().resideInAPackage("dev.bulwark." + module + "..")
                .should().dependOnClassesThat().resideInAnyPackage(others)
                .because("modules meet only through standard types (DESIGN.md, principle 1)")
                .check(bulwark);
    }

    @Test
    void coreDependsOnNoModule() {
        noClasses().that().resideInAPackage("dev.bulwark.core..")
                .should().dependOnClassesThat().resideInAnyPackage(MODULES.stream().map(m -> "dev.bulwark." + m + "..")
                        .toArray(String[]::new))
                .check(bulwark);
    }

    @Test
    void noInternalTypeAppearsInAPublicSignature() {
        classes().that().resideInAPackage("dev.bulwark..").and().resideOutsideOfPackage("..internal..")
                .and().arePublic()
                .should(exposeNoInternalType())
                .because("a user can only import the API; an internal type in a public signature would leak it")
                .check(bulwark);
    }

    private static ArchCondition<JavaClass> exposeNoInternalType() {
        DescribedPredicate<JavaClass> internal = DescribedPredicate.describe("internal",
                c -> c.getPackageName().contains(".internal"));
        return new ArchCondition<>("expose no type of an internal package in a public or protected signature") {
            @Override
            public void check(JavaClass c, ConditionEvents events) {
                Set<String> seen = new HashSet<>();
                if (c.getRawSuperclass().map(internal::test).orElse(false)) {
                    report(c, "extends " + c.getRawSuperclass().get().getName(), events, seen);
                }
                c.getRawInterfaces().stream().filter(internal).forEach(i ->
                        report(c, "implements " + i.getName(), events, seen));
                for (JavaCodeUnit u : c.getCodeUnits()) {
                    if (!visible(u.getModifiers())) {
                        continue;
                    }
                    if (internal.test(u.getRawReturnType())) {
                        report(c, u.getFullName() + " returns " + u.getRawReturnType().getName(), events, seen);
                    }
                    u.getRawParameterTypes().stream().filter(internal).forEach(t ->
                            report(c, u.getFullName() + " takes " + t.getName(), events, seen));
                    u.getThrowsClause().getTypes().stream().filter(internal).forEach(t ->
                            report(c, u.getFullName() + " throws " + t.getName(), events, seen));
                    if (u.getReturnType().getAllInvolvedRawTypes().stream().anyMatch(internal)) {
                        report(c, u.getFullName() + " returns a type involving an internal type", events, seen);
                    }
                }
                for (JavaField f : c.getFields()) {
                    if (visible(f.getModifiers()) && f.getType().getAllInvolvedRawTypes().stream().anyMatch(internal)) {
                        report(c, f.getFullName() + " has an internal type", events, seen);
                    }
                }
            }
        };
    }

    private static boolean visible(Set<JavaModifier> modifiers) {
        return modifiers.contains(JavaModifier.PUBLIC) || modifiers.contains(JavaModifier.PROTECTED);
    }

    private static void report(JavaClass c, String what, ConditionEvents events, Set<String> seen) {
        if (seen.add(what)) {
            events.add(SimpleConditionEvent.violated(c, what));
        }
    }
}
