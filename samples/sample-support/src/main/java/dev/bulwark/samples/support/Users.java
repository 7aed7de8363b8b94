package dev.bulwark.samples.support;

import dev.bulwark.jwt.PasswordHasher;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The sample's users, kept as Argon2id hashes: {@code demo} with roles {@code trader} and
 * {@code admin}, and, when {@code DEMO_TRADER_PASSWORD} is set, {@code trader} with the role
 * {@code trader} only (so {@code /admin/*} answers it 403).
 */
public final class Users {

    /** The demo user's name. */
    public static final String DEMO_USER = "demo";
    /** The demo user's roles. */
    public static final List<String> DEMO_ROLES = List.of("trader", "admin");
    /** The optional second user's name. */
    public static final String TRADER_USER = "trader";
    /** The optional second user's roles: not admin. */
    public static final List<String> TRADER_ROLES = List.of("trader");

    private record User(String hash, List<String> roles) {
    }

    private final PasswordHasher hasher;
    private final Map<String, User> users;

    private Users(PasswordHasher hasher, Map<String, User> users) {
        this.hasher = hasher;
        this.users = users;
    }

    /**
     * Hashes the passwords of the settings' users.
     *
     * @param settings the demo (and trader) passwords
     * @param hasher the password hasher ({@code Argon2idPasswordHasher.fromEnvironment})
     * @return the users
     */
    public static Users create(ServiceSettings settings, PasswordHasher hasher) {
        Objects.requireNonNull(hasher, "hasher");
        User demo = new User(hasher.hash(settings.demoPassword()), DEMO_ROLES);
        Map<String, User> users = settings.trader()
                .map(p -> Map.of(DEMO_USER, demo, TRADER_USER, new User(hasher.hash(p), TRADER_ROLES)))
                .orElse(Map.of(DEMO_USER, demo));
        return new Users(hasher, users);
    }

    /**
     * Checks a password; for an unknown user name it takes as long as for a known one (the
     * hasher verifies against a dummy hash), as {@code LoginGuard.Credentials} asks.
     *
     * @param username the user name
     * @param password the password presented
     * @return true when they are right
     */
    public boolean check(String username, String password) {
        User user = users.get(username);
        return hasher.verify(password, user == null ? null : user.hash());
    }

    /**
     * The roles of a user.
     *
     * @param username the user name
     * @return the roles, or empty for an unknown user
     */
    public Optional<List<String>> roles(String username) {
        return Optional.ofNullable(users.get(username)).map(User::roles);
    }
}
