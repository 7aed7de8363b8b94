package dev.bulwark.samples.spring;

import dev.bulwark.jwt.PasswordHasher;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The sample's users: {@code demo} with roles trader and admin, and, when
 * {@code DEMO_TRADER_PASSWORD} is set, {@code trader} with the trader role only (to show that
 * {@code /admin/*} needs the admin role). Passwords are kept only as Argon2id hashes.
 */
final class DemoUsers {

    static final String DEMO_USER = "demo";
    static final List<String> DEMO_ROLES = List.of("trader", "admin");
    static final String TRADER_USER = "trader";
    static final List<String> TRADER_ROLES = List.of("trader");
    static final String TRADER_PASSWORD_VARIABLE = "DEMO_TRADER_PASSWORD";

    private final PasswordHasher hasher;
    private final Map<String, String> hashes;
    private final Map<String, List<String>> roles;

    private DemoUsers(PasswordHasher hasher, Map<String, String> hashes, Map<String, List<String>> roles) {
        this.hasher = hasher;
        this.hashes = Map.copyOf(hashes);
        this.roles = Map.copyOf(roles);
    }

    static DemoUsers create(PasswordHasher hasher, String demoPassword, String traderPassword) {
        Map<String, String> hashes = new LinkedHashMap<>();
        Map<String, List<String>> roles = new LinkedHashMap<>();
        hashes.put(DEMO_USER, hasher.hash(demoPassword));
        roles.put(DEMO_USER, DEMO_ROLES);
        if (traderPassword != null && !traderPassword.isBlank()) {
            hashes.put(TRADER_USER, hasher.hash(traderPassword));
            roles.put(TRADER_USER, TRADER_ROLES);
        }
        return new DemoUsers(hasher, hashes, roles);
    }

    /**
     * Whether the password is the user's; an unknown user name is checked against the hasher's
     * dummy hash (a null hash), so it takes as long as a known one.
     */
    boolean verify(String username, String password) {
        return hasher.verify(password, hashes.get(username));
    }

    /** The user's roles (empty for an unknown user). */
    List<String> roles(String username) {
        return roles.getOrDefault(username, List.of());
    }
}
