package dev.bulwark.jwt;

import dev.bulwark.core.internal.Env;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * {@link PasswordHasher} with Argon2id (RFC 9106) through BouncyCastle, encoded in the PHC string
 * format {@code $argon2id$v=19$m=<KiB>,t=<iterations>,p=<lanes>$<salt>$<hash>} (unpadded
 * base64), the format of the reference implementation, libsodium, Spring Security and
 * argon2-cffi. Defaults are OWASP's first recommendation: 19 MiB, 2 iterations, 1 lane, 16-byte
 * salt, 32-byte hash. Needs {@code org.bouncycastle:bcprov-jdk18on} on the class path.
 *
 * <pre>{@code
 * PasswordHasher hasher = Argon2idPasswordHasher.fromEnvironment();   // JWT_ARGON2_* or the defaults
 * }</pre>
 */
public final class Argon2idPasswordHasher implements PasswordHasher {

    /** Default memory in KiB ({@code JWT_ARGON2_MEMORY_KIB}): 19 MiB, OWASP's recommendation with t=2. */
    public static final int DEFAULT_MEMORY_KIB = 19_456;
    /** Default iterations ({@code JWT_ARGON2_ITERATIONS}). */
    public static final int DEFAULT_ITERATIONS = 2;
    /** Default lanes ({@code JWT_ARGON2_PARALLELISM}). */
    public static final int DEFAULT_PARALLELISM = 1;
    /** Default most hashes computed at once ({@code JWT_ARGON2_MAX_CONCURRENT}): the available processors. */
    public static final int DEFAULT_MAX_CONCURRENT = Runtime.getRuntime().availableProcessors();
    /** Default wait for a hash slot before {@link PasswordHasherBusyException} ({@code JWT_ARGON2_MAX_WAIT_MILLIS}). */
    public static final Duration DEFAULT_MAX_WAIT = Duration.ofSeconds(1);
    private static final int MAX_CONCURRENT = 1024;
    private static final long MAX_WAIT_MILLIS = 60_000;
    /** Salt length in bytes (RFC 9106 recommends 16). */
    public static final int SALT_BYTES = 16;
    /** Hash length in bytes. */
    public static final int HASH_BYTES = 32;
    private static final int MAX_MEMORY_KIB = 4 * 1024 * 1024;
    private static final int MAX_ITERATIONS = 100;
    private static final int MAX_PARALLELISM = 64;
    /** Largest memory a stored hash may demand at verification: 1 GiB (and at most 8x the configured memory). */
    private static final int VERIFY_MAX_MEMORY_KIB = 1024 * 1024;
    /** Largest iterations a stored hash may demand at verification (and at most 10x the configured). */
    private static final int VERIFY_MAX_ITERATIONS = 10;
    /** Largest lanes a stored hash may demand at verification. */
    private static final int VERIFY_MAX_PARALLELISM = 16;
    /** Longest encoded hash read: longer input is refused before decoding. */
    private static final int MAX_ENCODED = 512;
    private static final Pattern PHC = Pattern.compile(
            "\\$argon2id\\$v=(\\d+)\\$m=(\\d{1,10}),t=(\\d{1,10}),p=(\\d{1,10})\\$([A-Za-z0-9+/]{11,})\\$([A-Za-z0-9+/]{16,})");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final int memoryKiB;
    private final int iterations;
    private final int parallelism;
    private final int maxConcurrent;
    private final Duration maxWait;
    /** One permit per hash computed at once: each holds {@code memoryKiB} of heap. */
    private final Semaphore permits;
    /** A hash of a random password with the current parameters, for unknown users; made at construction. */
    private final String dummy;

    private Argon2idPasswordHasher(Builder b) {
        this.memoryKiB = b.memoryKiB;
        this.iterations = b.iterations;
        this.parallelism = b.parallelism;
        this.maxConcurrent = b.maxConcurrent;
        this.maxWait = b.maxWait;
        this.permits = new Semaphore(b.maxConcurrent, true);
        // Eagerly: no first unknown-user check pays a second hash, no race between first calls.
        byte[] random = new byte[18];
        RANDOM.nextBytes(random);
        this.dummy = hash(Base64.getEncoder().encodeToString(random));
    }

    /**
     * The hasher with OWASP's recommended parameters (m=19456 KiB, t=2, p=1).
     *
     * @return the hasher
     * @throws IllegalStateException when BouncyCastle is not on the class path
     */
    public static Argon2idPasswordHasher ofDefaults() {
        return builder().build();
    }

    /**
     * A builder, every parameter at its default.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder holding this hasher's parameters.
     *
     * @return the builder
     */
    public Builder toBuilder() {
        return new Builder().memoryKiB(memoryKiB).iterations(iterations).parallelism(parallelism)
                .maxConcurrent(maxConcurrent).maxWait(maxWait);
    }

    /**
     * Reads {@code JWT_ARGON2_MEMORY_KIB}, {@code JWT_ARGON2_ITERATIONS},
     * {@code JWT_ARGON2_PARALLELISM}, {@code JWT_ARGON2_MAX_CONCURRENT} and
     * {@code JWT_ARGON2_MAX_WAIT_MILLIS} (a JVM system property of the same name wins).
     *
     * @return the hasher
     * @throws IllegalArgumentException naming the variable when one is invalid
     */
    public static Argon2idPasswordHasher fromEnvironment() {
        return fromEnvironment(Env.system("JWT_"));
    }

    /**
     * Reads the parameters from the given variables; unset ones keep their defaults.
     *
     * @param env variable name to value
     * @return the hasher
     * @throws IllegalArgumentException naming the variable when one is invalid
     */
    public static Argon2idPasswordHasher fromEnvironment(Map<String, String> env) {
        Env r = Env.of(env);
        Builder b = builder();
        r.integer("JWT_ARGON2_MEMORY_KIB", 8, MAX_MEMORY_KIB).ifPresent(b::memoryKiB);
        r.integer("JWT_ARGON2_ITERATIONS", 1, MAX_ITERATIONS).ifPresent(b::iterations);
        r.integer("JWT_ARGON2_PARALLELISM", 1, MAX_PARALLELISM).ifPresent(b::parallelism);
        r.integer("JWT_ARGON2_MAX_CONCURRENT", 1, MAX_CONCURRENT).ifPresent(b::maxConcurrent);
        r.longValue("JWT_ARGON2_MAX_WAIT_MILLIS", 0, MAX_WAIT_MILLIS).map(Duration::ofMillis).ifPresent(b::maxWait);
        return b.build();
    }

    /** Memory cost in KiB. */
    public int memoryKiB() {
        return memoryKiB;
    }

    /** Number of passes over the memory. */
    public int iterations() {
        return iterations;
    }

    /** Number of lanes. */
    public int parallelism() {
        return parallelism;
    }

    /** Most hashes computed at once; more wait up to {@link #maxWait()}, then get {@link PasswordHasherBusyException}. */
    public int maxConcurrent() {
        return maxConcurrent;
    }

    /** How long a hash or verification waits for a slot. */
    public Duration maxWait() {
        return maxWait;
    }

    @Override
    public String hash(CharSequence password) {
        Objects.requireNonNull(password, "password");
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        byte[] bytes = utf8(password);
        if (bytes == null) {
            throw new IllegalArgumentException("password is not well-formed UTF-16 (a lone surrogate): it has no UTF-8 "
                    + "encoding, so it cannot be hashed; refuse it when the password is set");
        }
        byte[] hash = limited(bytes, salt, memoryKiB, iterations, parallelism, HASH_BYTES);
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        return "$argon2id$v=19$m=" + memoryKiB + ",t=" + iterations + ",p=" + parallelism + "$" + b64.encodeToString(salt)
                + "$" + b64.encodeToString(hash);
    }

    @Override
    public boolean verify(CharSequence password, String encoded) {
        Objects.requireNonNull(password, "password");
        Parsed p = parse(encoded == null ? dummyHash() : encoded);
        if (p.memoryKiB > verifyMaxMemoryKiB() || p.iterations > verifyMaxIterations()
                || p.parallelism > verifyMaxParallelism()) {
            throw new IllegalArgumentException("Argon2id hash demands m=" + p.memoryKiB + " KiB, t=" + p.iterations + ", p="
                    + p.parallelism + ", over what this hasher computes at verification (m <= " + verifyMaxMemoryKiB()
                    + " KiB, t <= " + verifyMaxIterations() + ", p <= " + verifyMaxParallelism()
                    + ": 8x the memory up to 1 GiB, 10x the iterations up to 10, of JWT_ARGON2_*); not computed, "
                    + "never a match: reset that password, or raise JWT_ARGON2_MEMORY_KIB / JWT_ARGON2_ITERATIONS");
        }
        byte[] bytes = utf8(password);
        if (bytes == null) {
            return false; // a lone surrogate: no hash was made of it, so it matches none
        }
        byte[] actual = limited(bytes, p.salt, p.memoryKiB, p.iterations, p.parallelism, p.hash.length);
        return encoded != null && MessageDigest.isEqual(actual, p.hash);
    }

    /**
     * {@link #derive} holding a permit, so that at most {@code maxConcurrent} hashes (each holding
     * its memory) run at once; a caller that gets none within {@code maxWait} is told so.
     */
    private byte[] limited(byte[] bytes, byte[] salt, int m, int t, int p, int length) {
        boolean acquired;
        try {
            acquired = permits.tryAcquire(maxWait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            Arrays.fill(bytes, (byte) 0);
            throw new PasswordHasherBusyException(maxConcurrent, maxWait);
        }
        if (!acquired) {
            Arrays.fill(bytes, (byte) 0);
            throw new PasswordHasherBusyException(maxConcurrent, maxWait);
        }
        try {
            return derive(bytes, salt, m, t, p, length);
        } finally {
            permits.release();
        }
    }

    /** The permits, for tests that hold them. */
    Semaphore permits() {
        return permits;
    }

    /** Memory cap at verification: 8x the configured memory, at most 1 GiB, never below the configured. */
    private int verifyMaxMemoryKiB() {
        return Math.max(memoryKiB, (int) Math.min(VERIFY_MAX_MEMORY_KIB, 8L * memoryKiB));
    }

    /** Iterations cap at verification: 10x the configured, at most 10, never below the configured. */
    private int verifyMaxIterations() {
        return Math.max(iterations, Math.min(VERIFY_MAX_ITERATIONS, 10 * iterations));
    }

    /** Lanes cap at verification. */
    private int verifyMaxParallelism() {
        return Math.max(parallelism, VERIFY_MAX_PARALLELISM);
    }

    @Override
    public boolean needsRehash(String encoded) {
        Parsed p = parse(encoded);
        return p.memoryKiB != memoryKiB || p.iterations != iterations || p.parallelism != parallelism
                || p.salt.length < SALT_BYTES || p.hash.length != HASH_BYTES;
    }

    /** The dummy hash checked for unknown users (made when the hasher was built). */
    String dummyHash() {
        return dummy;
    }

    private record Parsed(int memoryKiB, int iterations, int parallelism, byte[] salt, byte[] hash) {
    }

    private static Parsed parse(String encoded) {
        Objects.requireNonNull(encoded, "encoded");
        Matcher m = encoded.length() > MAX_ENCODED ? null : PHC.matcher(encoded);
        if (m == null || !m.matches()) {
            throw new IllegalArgumentException("not an Argon2id hash in the PHC string format "
                    + "($argon2id$v=19$m=<KiB>,t=<iterations>,p=<lanes>$<salt>$<hash>, unpadded base64): '"
                    + (encoded.startsWith("$") ? encoded.substring(0, Math.min(encoded.length(), 12)) + "...'"
                            : "(" + encoded.length() + " characters)'"));
        }
        if (!"19".equals(m.group(1))) {
            throw new IllegalArgumentException("Argon2id hash of version v=" + m.group(1) + "; only v=19 (0x13) is supported");
        }
        long mem = Long.parseLong(m.group(2));
        long t = Long.parseLong(m.group(3));
        long p = Long.parseLong(m.group(4));
        if (p < 1 || p > MAX_PARALLELISM || t < 1 || t > MAX_ITERATIONS || mem < 8 * p || mem > MAX_MEMORY_KIB) {
            throw new IllegalArgumentException("Argon2id hash parameters out of range: m=" + mem + " (8*p.." + MAX_MEMORY_KIB
                    + "), t=" + t + " (1.." + MAX_ITERATIONS + "), p=" + p + " (1.." + MAX_PARALLELISM + ")");
        }
        byte[] salt;
        byte[] hash;
        try {
            salt = Base64.getDecoder().decode(m.group(5));
            hash = Base64.getDecoder().decode(m.group(6));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Argon2id hash: salt or hash is not unpadded base64", e);
        }
        if (salt.length < 8 || hash.length < 12 || hash.length > 128) {
            throw new IllegalArgumentException("Argon2id hash: salt of " + salt.length + " bytes (at least 8) or hash of "
                    + hash.length + " bytes (12..128)");
        }
        return new Parsed((int) mem, (int) t, (int) p, salt, hash);
    }

    /**
     * The password in UTF-8, or null when it has no UTF-8 form (a lone surrogate): a replacing
     * encoder would turn it into '?' and let "pa?ss" match "pa\uD800ss".
     */
    private static byte[] utf8(CharSequence password) {
        ByteBuffer encoded;
        try {
            encoded = StandardCharsets.UTF_8.newEncoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).encode(CharBuffer.wrap(password));
        } catch (CharacterCodingException e) {
            return null;
        }
        byte[] bytes = new byte[encoded.remaining()];
        encoded.get(bytes);
        if (encoded.hasArray()) {
            Arrays.fill(encoded.array(), (byte) 0);
        }
        return bytes;
    }

    /** Argon2id of the password bytes, which it wipes. */
    private static byte[] derive(byte[] bytes, byte[] salt, int memoryKiB, int iterations, int parallelism,
            int length) {
        Argon2Parameters params = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13).withSalt(salt).withMemoryAsKB(memoryKiB)
                .withIterations(iterations).withParallelism(parallelism).build();
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(params);
        byte[] out = new byte[length];
        try {
            generator.generateBytes(bytes, out);
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
        return out;
    }

    @Override
    public String toString() {
        return "Argon2idPasswordHasher{m=" + memoryKiB + " KiB, t=" + iterations + ", p=" + parallelism
                + ", maxConcurrent=" + maxConcurrent + ", maxWait=" + maxWait.toMillis() + " ms}";
    }

    /** Builds an {@link Argon2idPasswordHasher}; parameters are validated in {@link #build()}. */
    public static final class Builder {
        private int memoryKiB = DEFAULT_MEMORY_KIB;
        private int iterations = DEFAULT_ITERATIONS;
        private int parallelism = DEFAULT_PARALLELISM;
        private int maxConcurrent = DEFAULT_MAX_CONCURRENT;
        private Duration maxWait = DEFAULT_MAX_WAIT;

        private Builder() {
        }

        /**
         * Most hashes computed at once (each holds its memory): more wait for a slot.
         *
         * @param maxConcurrent 1..1024, default the available processors
         * @return this
         */
        public Builder maxConcurrent(int maxConcurrent) {
            this.maxConcurrent = maxConcurrent;
            return this;
        }

        /**
         * How long a hash waits for a slot before {@link PasswordHasherBusyException}.
         *
         * @param maxWait 0..60 s, default 1 s
         * @return this
         */
        public Builder maxWait(Duration maxWait) {
            this.maxWait = maxWait;
            return this;
        }

        /**
         * Memory cost.
         *
         * @param kib memory in KiB, at least 8 per lane, at most 4 GiB
         * @return this
         */
        public Builder memoryKiB(int kib) {
            this.memoryKiB = kib;
            return this;
        }

        /**
         * Time cost.
         *
         * @param iterations passes over the memory, 1..100
         * @return this
         */
        public Builder iterations(int iterations) {
            this.iterations = iterations;
            return this;
        }

        /**
         * Lanes.
         *
         * @param parallelism lanes, 1..64
         * @return this
         */
        public Builder parallelism(int parallelism) {
            this.parallelism = parallelism;
            return this;
        }

        /**
         * Validates the parameters and builds the hasher.
         *
         * @return the hasher
         * @throws IllegalArgumentException naming the parameter and its range
         * @throws IllegalStateException when BouncyCastle is not on the class path
         */
        public Argon2idPasswordHasher build() {
            if (parallelism < 1 || parallelism > MAX_PARALLELISM) {
                throw new IllegalArgumentException("parallelism (JWT_ARGON2_PARALLELISM) must be 1.." + MAX_PARALLELISM
                        + ", got " + parallelism);
            }
            if (iterations < 1 || iterations > MAX_ITERATIONS) {
                throw new IllegalArgumentException("iterations (JWT_ARGON2_ITERATIONS) must be 1.." + MAX_ITERATIONS
                        + ", got " + iterations);
            }
            if (memoryKiB < 8 * parallelism || memoryKiB > MAX_MEMORY_KIB) {
                throw new IllegalArgumentException("memoryKiB (JWT_ARGON2_MEMORY_KIB) must be " + 8 * parallelism + ".."
                        + MAX_MEMORY_KIB + " (at least 8 KiB per lane), got " + memoryKiB);
            }
            if (maxConcurrent < 1 || maxConcurrent > MAX_CONCURRENT) {
                throw new IllegalArgumentException("maxConcurrent (JWT_ARGON2_MAX_CONCURRENT) must be 1.." + MAX_CONCURRENT
                        + ", got " + maxConcurrent);
            }
            if (maxWait == null || maxWait.isNegative() || maxWait.toMillis() > MAX_WAIT_MILLIS) {
                throw new IllegalArgumentException("maxWait (JWT_ARGON2_MAX_WAIT_MILLIS) must be 0.." + MAX_WAIT_MILLIS
                        + " ms, got " + (maxWait == null ? "null" : maxWait.toMillis() + " ms"));
            }
            try {
                Class.forName("org.bouncycastle.crypto.generators.Argon2BytesGenerator", false,
                        Argon2idPasswordHasher.class.getClassLoader());
            } catch (ClassNotFoundException | LinkageError e) {
                throw new IllegalStateException("Argon2idPasswordHasher needs BouncyCastle: add the dependency "
                        + "org.bouncycastle:bcprov-jdk18on", e);
            }
            return new Argon2idPasswordHasher(this);
        }
    }
}
