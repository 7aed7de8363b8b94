import com.codahale.metrics.MetricRegistry;
import dev.bulwark.jwt.AuthRequest;
import dev.bulwark.jwt.InMemoryThrottleStore;
import dev.bulwark.jwt.LoginGuard;
import dev.bulwark.jwt.LoginGuardSettings;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/** wip-samples: a login request that arrives while the allowed-origins supplier does not know the port yet. */
public class OriginsBeforeListen {
    static AuthRequest login(String origin) {
        Map<String, String> h = origin == null ? Map.of("Content-Type", "application/json")
                : Map.of("Content-Type", "application/json", "Origin", origin);
        return new AuthRequest() {
            public String method() { return "POST"; }
            public Optional<String> header(String name) {
                return h.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue).findFirst();
            }
            public Optional<String> cookie(String name) { return Optional.empty(); }
            public String remoteAddress() { return "127.0.0.1"; }
        };
    }

    static String check(LoginGuard g, String origin) {
        try {
            return String.valueOf(g.checkRequest(login(origin)));
        } catch (RuntimeException e) {
            return "THROWS " + e.getClass().getSimpleName() + ": " + e.getMessage();
        }
    }

    public static void main(String[] a) {
        AtomicInteger port = new AtomicInteger(0); // as the samples' boundPort before the server listens
        AtomicInteger asked = new AtomicInteger();
        LoginGuardSettings s = LoginGuardSettings.builder().allowOrigins(() -> {
            asked.incrementAndGet();
            int p = port.get();
            return p > 0 ? List.of("http://localhost:" + p, "http://127.0.0.1:" + p) : List.of(); // ServiceSettings.ownOrigins
        }).build();
        LoginGuard g = LoginGuard.create(s, new InMemoryThrottleStore(), new MetricRegistry());
        System.out.println("before listen, Origin http://evil.example : " + check(g, "http://evil.example"));
        System.out.println("before listen, Origin http://localhost     : " + check(g, "http://localhost"));
        System.out.println("before listen, no Origin                   : " + check(g, null));
        port.set(8123);
        System.out.println("after listen,  Origin http://evil.example : " + check(g, "http://evil.example"));
        System.out.println("after listen,  Origin http://localhost:8123: " + check(g, "http://localhost:8123"));
        port.set(9999); // kept: asked once
        System.out.println("port changes,  Origin http://localhost:9999: " + check(g, "http://localhost:9999"));
        System.out.println("supplier asked " + asked.get() + " times");
    }
}
