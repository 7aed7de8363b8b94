import dev.bulwark.sandbox.SandboxSettings;
import dev.bulwark.sandbox.SeccompProfile;
import java.util.Map;

/** sandbox-seccomp on the module path: the strict profile through Jackson both ways, settings. */
public class SandboxSmoke {
    public static void main(String[] args) {
        SeccompProfile strict = SeccompProfile.strict();
        SeccompProfile again = SeccompProfile.parse(strict.toJson());
        if (!again.toJson().equals(strict.toJson())) {
            throw new AssertionError("profile changed in a JSON round trip");
        }
        SandboxSettings settings = SandboxSettings.fromEnvironment(Map.of());
        System.out.println("OK dev.bulwark.sandbox " + settings.getClass().getModule());
    }
}
