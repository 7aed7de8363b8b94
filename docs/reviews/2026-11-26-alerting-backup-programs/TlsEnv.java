import dev.bulwark.backup.BackupSettings;
import dev.bulwark.backup.internal.PgDumpSource;
import java.lang.reflect.Method;
import java.util.Map;

/** The environment PgDumpSource gives pg_dump/pg_restore for JDBC URLs that require verified TLS. */
public class TlsEnv {
    public static void main(String[] a) throws Exception {
        for (String url : new String[] {"jdbc:postgresql://db:5432/app?ssl=true",
                "jdbc:postgresql://db:5432/app?sslmode=verify-full&sslrootcert=/etc/ca.pem"}) {
            PgDumpSource s = new PgDumpSource(url, "app", "secret", BackupSettings.builder().build());
            Method env = PgDumpSource.class.getDeclaredMethod("env", String.class);
            env.setAccessible(true);
            @SuppressWarnings("unchecked") Map<String, String> e = (Map<String, String>) env.invoke(s, "app");
            e.replace("PGPASSWORD", "***");
            System.out.println(url + "\n  -> tool env " + new java.util.TreeMap<>(e));
        }
    }
}
