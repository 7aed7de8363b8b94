package dev.bulwark.testsupport;

import java.lang.reflect.AnnotatedElement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * JUnit 5 condition behind {@link RequiresService}: enabled when every declared service answers;
 * otherwise disabled with the reason, or — when {@code BULWARK_REQUIRE_SERVICES=true} — fails.
 */
public final class ServicesExtension implements ExecutionCondition {

    /** One view per test JVM, so each service is probed once. */
    private static final TestServices PROCESS_SERVICES = TestServices.fromEnvironment();

    private final TestServices services;

    /** Uses this process' environment. */
    public ServicesExtension() {
        this(PROCESS_SERVICES);
    }

    ServicesExtension(TestServices services) {
        this.services = services;
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        Set<Service> needed = new LinkedHashSet<>();
        context.getElement().ifPresent(element -> collect(element, needed));
        return decide(needed);
    }

    ConditionEvaluationResult decide(Set<Service> needed) {
        if (needed.isEmpty()) {
            return ConditionEvaluationResult.enabled("no services required");
        }
        List<Availability> down = new ArrayList<>();
        for (Service service : needed) {
            Availability availability = services.probe(service);
            if (!availability.available()) {
                down.add(availability);
            }
        }
        if (down.isEmpty()) {
            return ConditionEvaluationResult.enabled("services reachable: " + needed);
        }
        StringBuilder reason = new StringBuilder("required service(s) missing:");
        for (Availability availability : down) {
            reason.append(' ').append(availability.service()).append(" (").append(availability.detail()).append(')');
        }
        reason.append(". Run 'bash scripts/test-services.sh' as root to install and start them.");
        if (services.servicesRequired()) {
            throw new MissingServiceException(reason
                    + " Failing instead of skipping because " + TestServices.REQUIRE_SERVICES + "=true.");
        }
        return ConditionEvaluationResult.disabled(reason.toString());
    }

    private static void collect(AnnotatedElement element, Set<Service> into) {
        Optional<RequiresService> annotation = AnnotationSupport.findAnnotation(element, RequiresService.class);
        annotation.ifPresent(a -> into.addAll(List.of(a.value())));
    }

    /** Thrown when a required service is missing and skipping is not allowed. */
    public static final class MissingServiceException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        MissingServiceException(String message) {
            super(message);
        }
    }
}
