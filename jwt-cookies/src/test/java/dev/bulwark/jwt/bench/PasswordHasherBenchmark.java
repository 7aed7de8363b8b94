package dev.bulwark.jwt.bench;

import dev.bulwark.jwt.Argon2idPasswordHasher;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Time per Argon2id hash with the default (OWASP) parameters, and verification of a known user's
 * hash against an unknown user's (dummy hash): the two must cost the same, or the login's timing
 * tells which user names exist.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 4, time = 2)
@Fork(1)
public class PasswordHasherBenchmark {

    private Argon2idPasswordHasher hasher;
    private String stored;

    @Setup
    public void setUp() {
        hasher = Argon2idPasswordHasher.ofDefaults();
        stored = hasher.hash("correct horse battery staple");
        hasher.verify("warm-up", null); // the dummy hash is made once, at the first unknown user
    }

    @Benchmark
    public String argon2idHashDefaults() {
        return hasher.hash("correct horse battery staple");
    }

    @Benchmark
    public boolean argon2idVerifyKnownUser() {
        return hasher.verify("a wrong guess", stored);
    }

    @Benchmark
    public boolean argon2idVerifyUnknownUser() {
        return hasher.verify("a wrong guess", null);
    }
}
