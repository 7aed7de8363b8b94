package dev.bulwark.testsupport;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Declares the services a test class or method needs. Missing service: the test is skipped
 * with the reason, or fails when {@code BULWARK_REQUIRE_SERVICES=true}.
 *
 * <pre>{@code
 * @RequiresService(Service.POSTGRESQL)
 * class JdbcTokenStoreIT { ... }
 * }</pre>
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@ExtendWith(ServicesExtension.class)
public @interface RequiresService {
    /** The services needed; all must be reachable. */
    Service[] value();
}
