/**
 * Test infrastructure shared by Bulwark's integration tests: tells whether a service a test
 * needs (Docker engine, PostgreSQL, Alertmanager, promtool, Chromium) is reachable.
 *
 * <p>Annotate a test class with {@link dev.bulwark.testsupport.RequiresService}. When a service
 * is missing the test is skipped with the reason, unless {@code BULWARK_REQUIRE_SERVICES=true}
 * (as in CI), in which case it fails. {@code scripts/test-services.sh} provisions them all.
 */
package dev.bulwark.testsupport;
