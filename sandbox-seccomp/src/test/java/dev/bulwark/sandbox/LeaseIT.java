package dev.bulwark.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.testsupport.Poll;
import dev.bulwark.testsupport.RequiresService;
import dev.bulwark.testsupport.Service;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * Every run ends whatever happens to its JVM (the deadline is enforced inside the container), and
 * containers are reaped by their lease, never by a process id that only means something on one host.
 */
@RequiresService(Service.DOCKER)
class LeaseIT {

    private static final SandboxSettings SETTINGS = SandboxSettings.builder().memoryBytes(96L * 1024 * 1024).pids(32)
            .timeout(Duration.ofSeconds(20)).outputLimitBytes(64 * 1024).build();

    static String docker(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("docker"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return p.exitValue() == 0 ? out : "ERROR " + out;
    }

    private static String containerOf(String owner, String status) {
        try {
            return docker("ps", "-aq", "--no-trunc", "--filter", "label=" + DockerSandboxRuntime.OWNER + "=" + owner,
                    "--filter", "status=" + status);
        } catch (Exception e) {
            return "";
        }
    }

    /**
     * The program sleeps; in the attack cases it first tries to switch the deadline off from inside
     * (SIGSTOP to its watchdog, or a rewrite of the watchdog's deadline through /proc/ppid/mem:
     * review 2026-11-27 session 16, S1). Both worked while the watchdog ran under the engine's init
     * as a dumpable process.
     */
    @ParameterizedTest
    @CsvSource({"cold,sleep", "warm,sleep", "cold,sigstop", "warm,sigstop", "cold,mem", "warm,mem"})
    void aRunWhoseJvmIsKilledStillStopsAtItsDeadline(String path, String attack) throws Exception {
        String owner = "kill9-" + UUID.randomUUID();
        long limitSeconds = 10;
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                LeaseChild.class.getName(), owner, path, Long.toString(limitSeconds), attack)
                .redirectErrorStream(true).redirectOutput(new File(System.getProperty("java.io.tmpdir"),
                        "lease-child-" + path + "-" + attack + ".log")).start();
        java.util.concurrent.atomic.AtomicReference<String> run = new java.util.concurrent.atomic.AtomicReference<>();
        try {
            Poll.until(Duration.ofSeconds(60), "the child's program running under the deadline's watchdog", () -> {
                for (String c : containerOf(owner, "running").lines().toList()) {
                    if (watched(c)) {
                        run.set(c);
                        return true;
                    }
                }
                return false;
            });
            child.destroyForcibly(); // SIGKILL: no shutdown hook, no close(), no kill from the JVM
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();

            String container = run.get();
            Poll.until(Duration.ofSeconds(limitSeconds + DockerSandboxRuntime.DEADLINE_SLACK.toSeconds() + 20),
                    "the orphaned run stopped by its in-container deadline", () -> !containerOf(owner, "exited").isEmpty());
            JsonNode state = SandboxIT.JSON.readTree(docker("inspect", "-f", "{{json .State}}", container));
            Duration ran = Duration.between(Instant.parse(state.get("StartedAt").asText()),
                    Instant.parse(state.get("FinishedAt").asText()));
            String output = docker("logs", container);
            assertThat(state.get("ExitCode").asInt()).as("container %s, state %s, output: %s", container, state,
                    output).isEqualTo(137);
            if (!attack.equals("sleep")) {
                assertThat(output).as("the attack ran").containsAnyOf("sent SIGSTOP", "rewritten", "attack failed");
            }
            assertThat(ran).as("stopped at the deadline (limit + slack), not when the JVM died")
                    .isBetween(Duration.ofSeconds(limitSeconds), Duration.ofSeconds(limitSeconds + 20));
            JsonNode labels = SandboxIT.JSON.readTree(docker("inspect", "-f", "{{json .Config.Labels}}", container));
            assertThat(labels.get(DockerSandboxRuntime.LEASE).asLong())
                    .as("every container carries a lease").isGreaterThan(Instant.now().getEpochSecond());
        } finally {
            child.destroyForcibly();
            for (String c : containerOf(owner, "exited").lines().toList()) {
                docker("rm", "-f", c);
            }
            for (String c : containerOf(owner, "running").lines().toList()) {
                docker("rm", "-f", c);
            }
            // the warm pool's replacement, when the JVM died between its create and its start
            for (String c : containerOf(owner, "created").lines().toList()) {
                docker("rm", "-f", c);
            }
        }
    }

    /**
     * The run has begun: the in-container deadline's watchdog has forked the program, so two
     * python3 processes run under the init (a warm one shows only its bootstrap before its run,
     * the start-up probe only one).
     */
    private static boolean watched(String id) {
        try {
            return docker("top", id).lines().filter(l -> l.contains("python3") && !l.contains("docker-init")).count() >= 2;
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    void aReplicaWhoseProcessIsNotVisibleHereKeepsItsLiveRun() throws Exception {
        // runtime A: a replica in another PID namespace (its owner PID does not exist on this host)
        ExecutorService caller = Executors.newSingleThreadExecutor();
        try (DockerSandboxRuntime replica = DockerSandboxRuntime.builder(SETTINGS).owner("999999999-other-host").build()) {
            replica.check();
            Future<SandboxResult> live = caller.submit(() -> replica.run(SandboxRequest.python(
                    "import time\ntime.sleep(3)\nprint('done')", "")));
            Poll.until(Duration.ofSeconds(30), "the replica's run is running",
                    () -> !containerOf("999999999-other-host", "running").isEmpty());

            // runtime B, on the same engine, starts (and reaps) while A's run is live
            try (DockerSandboxRuntime here = DockerSandboxRuntime.create(SETTINGS)) {
                here.check();
                here.reapOrphans();
            }
            SandboxResult r = live.get(60, TimeUnit.SECONDS);
            assertThat(r.stdout()).as(r.stderr()).isEqualTo("done\n");
            assertThat(r.succeeded()).isTrue();
        } finally {
            caller.shutdownNow();
        }
    }

    @Test
    void anExpiredLeaseIsReapedEvenWhenItsOwnerProcessIsAliveAndALiveLeaseIsKept() throws Exception {
        long now = Instant.now().getEpochSecond();
        String expired = docker("create", "--network", "none", "--label", DockerSandboxRuntime.LABEL + "=true",
                "--label", DockerSandboxRuntime.OWNER + "=" + ProcessHandle.current().pid() + "-alive",
                "--label", DockerSandboxRuntime.LEASE + "=" + (now - 10), SETTINGS.image(), "true");
        String live = docker("create", "--network", "none", "--label", DockerSandboxRuntime.LABEL + "=true",
                "--label", DockerSandboxRuntime.OWNER + "=999999999-gone-here",
                "--label", DockerSandboxRuntime.LEASE + "=" + (now + 600), SETTINGS.image(), "true");
        String volume = docker("volume", "create", "--label", DockerSandboxRuntime.LABEL + "=true",
                "--label", DockerSandboxRuntime.LEASE + "=" + (now - 10));
        try (DockerSandboxRuntime runtime = DockerSandboxRuntime.create(SETTINGS)) {
            assertThat(runtime.reapOrphans()).isGreaterThanOrEqualTo(1);

            assertThat(docker("inspect", "-f", "{{.Id}}", expired)).startsWith("ERROR");
            assertThat(docker("volume", "inspect", volume)).startsWith("ERROR");
            assertThat(docker("inspect", "-f", "{{.Id}}", live)).isEqualTo(live);
        } finally {
            docker("rm", "-f", live);
        }
    }
}
