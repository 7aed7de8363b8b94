package dev.bulwark.sandbox;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The Docker / OCI seccomp profile JSON as a typed model: {@code defaultAction},
 * {@code defaultErrnoRet}, {@code architectures}, {@code syscalls[{names, action, errnoRet, args,
 * comment}]}. Fields this model does not know ({@code includes}, {@code archMap}...) are kept and
 * written back, so reading and writing is lossless. Read with {@link #parse(String)} /
 * {@link #load(Path)}, which validate ({@link SeccompValidator}); shipped profiles are
 * {@link #strict()} and {@link #permissive()}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public final class SeccompProfile {

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @JsonProperty("defaultAction")
    private String defaultAction;
    @JsonProperty("defaultErrnoRet")
    private Integer defaultErrnoRet;
    @JsonProperty("architectures")
    private List<String> architectures = new ArrayList<>();
    @JsonProperty("syscalls")
    private List<Rule> syscalls = new ArrayList<>();
    private final Map<String, Object> other = new LinkedHashMap<>();

    SeccompProfile() {
    }

    SeccompProfile(String defaultAction, Integer defaultErrnoRet, List<String> architectures, List<Rule> syscalls,
            Map<String, Object> other) {
        this.defaultAction = defaultAction;
        this.defaultErrnoRet = defaultErrnoRet;
        this.architectures = new ArrayList<>(architectures);
        this.syscalls = new ArrayList<>(syscalls);
        this.other.putAll(other);
    }

    /** The strict profile (the default): deny by default, allow only what real workloads were measured to need. */
    public static SeccompProfile strict() {
        return resource("profiles/strict.json");
    }

    /** A permissive, Docker-default-like profile (allow by default, the dangerous calls refused): a start for tightening. */
    public static SeccompProfile permissive() {
        return resource("profiles/permissive.json");
    }

    private static SeccompProfile resource(String name) {
        try (InputStream in = SeccompProfile.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("shipped profile " + name + " missing from the jar");
            }
            return parse(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads and validates a profile.
     *
     * @param json the profile JSON
     * @return the profile
     * @throws IllegalArgumentException naming the entry when the JSON or a rule is invalid
     */
    public static SeccompProfile parse(String json) {
        Objects.requireNonNull(json, "json");
        SeccompProfile profile;
        try {
            profile = JSON.readValue(json, SeccompProfile.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("seccomp profile is not valid JSON for the Docker/OCI format: "
                    + e.getOriginalMessage(), e);
        }
        SeccompValidator.validate(profile);
        return profile;
    }

    /**
     * Reads and validates a profile file.
     *
     * @param file the JSON file
     * @return the profile
     * @throws IllegalArgumentException when the file cannot be read or is invalid
     */
    public static SeccompProfile load(Path file) {
        try {
            return parse(Files.readString(file));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read seccomp profile " + file + ": " + e.getMessage(), e);
        }
    }

    /** The profile as JSON, as Docker takes it ({@code --security-opt seccomp=<json>}). */
    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A builder starting from this profile (allow / deny names, argument conditions, audit mode). */
    public SeccompProfileBuilder toBuilder() {
        return new SeccompProfileBuilder(this);
    }

    /** The action for calls no rule matches, e.g. {@code SCMP_ACT_ERRNO}. */
    public String defaultAction() {
        return defaultAction;
    }

    /** errno returned by the default action, or null. */
    public Integer defaultErrnoRet() {
        return defaultErrnoRet;
    }

    /** Declared architectures. */
    public List<String> architectures() {
        return List.copyOf(architectures);
    }

    /** The rules, in order. */
    public List<Rule> syscalls() {
        return List.copyOf(syscalls);
    }

    @JsonAnyGetter
    Map<String, Object> other() {
        return other;
    }

    @JsonAnySetter
    void other(String key, Object value) {
        other.put(key, value);
    }

    /** One rule: names, action, optional errno and argument conditions. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static final class Rule {
        @JsonProperty("names")
        private List<String> names = new ArrayList<>();
        @JsonProperty("action")
        private String action;
        @JsonProperty("errnoRet")
        private Integer errnoRet;
        @JsonProperty("args")
        private List<Arg> args;
        @JsonProperty("comment")
        private String comment;
        private final Map<String, Object> other = new LinkedHashMap<>();

        Rule() {
        }

        /**
         * Creates a rule.
         *
         * @param names syscall names
         * @param action action
         * @param errnoRet errno for SCMP_ACT_ERRNO, or null
         * @param args argument conditions, or null / empty for none
         * @param comment why, or null
         */
        public Rule(List<String> names, String action, Integer errnoRet, List<Arg> args, String comment) {
            this.names = new ArrayList<>(names);
            this.action = action;
            this.errnoRet = errnoRet;
            this.args = args == null || args.isEmpty() ? null : new ArrayList<>(args);
            this.comment = comment;
        }

        /** Syscall names. */
        public List<String> names() {
            return List.copyOf(names);
        }

        /** Action, e.g. {@code SCMP_ACT_ALLOW}. */
        public String action() {
            return action;
        }

        /** errno for an ERRNO action, or null. */
        public Integer errnoRet() {
            return errnoRet;
        }

        /** Argument conditions (all must hold); empty for an unconditional rule. */
        public List<Arg> args() {
            return args == null ? List.of() : List.copyOf(args);
        }

        /** Comment, or null. */
        public String comment() {
            return comment;
        }

        @JsonAnyGetter
        Map<String, Object> other() {
            return other;
        }

        @JsonAnySetter
        void other(String key, Object value) {
            other.put(key, value);
        }
    }

    /**
     * An argument condition.
     *
     * @param index argument index 0..5
     * @param value value compared
     * @param valueTwo second value (the expected result for SCMP_CMP_MASKED_EQ)
     * @param op comparison, e.g. {@code SCMP_CMP_EQ}
     */
    public record Arg(@JsonProperty("index") int index, @JsonProperty("value") long value,
            @JsonProperty("valueTwo") long valueTwo, @JsonProperty("op") String op) {
    }
}
