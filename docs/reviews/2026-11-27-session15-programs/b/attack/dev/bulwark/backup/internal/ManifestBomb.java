package dev.bulwark.backup.internal;

import java.nio.charset.StandardCharsets;

/** Review 2026-11-27, wip-b: manifests with numeric instants of huge exponent / magnitude, read by ManifestJson.read. */
public final class ManifestBomb {
    public static void main(String[] a) throws Exception {
        String[] values = a.length > 0 ? a : new String[] {"1700000000.5", "1e20", "1e300", "1e100000", "1e9999999"};
        for (String v : values) {
            String f = System.getProperty("field", "startedAt");
            String json = f.equals("startedAt") ? "{\"formatVersion\":1,\"id\":\"x\",\"status\":\"COMPLETE\",\"startedAt\":" + v + "}"
                    : f.equals("counts") ? "{\"formatVersion\":1,\"id\":\"x\",\"status\":\"COMPLETE\",\"startedAt\":\"2026-01-01T00:00:00Z\",\"counts\":{\"t\":" + v + "}}"
                    : "{\"formatVersion\":1,\"id\":\"x\",\"status\":\"COMPLETE\",\"startedAt\":\"2026-01-01T00:00:00Z\",\"" + f + "\":" + v + "}";
            long t0 = System.nanoTime();
            String outcome;
            try {
                outcome = "read: startedAt=" + ManifestJson.read(json.getBytes(StandardCharsets.UTF_8)).startedAt();
            } catch (java.io.IOException e) {
                outcome = "IOException: " + e.getMessage();
            } catch (Throwable e) {
                outcome = "UNCHECKED " + e;
            }
            System.out.printf("startedAt=%s -> %s (%d ms)%n", v, outcome, (System.nanoTime() - t0) / 1_000_000);
        }
    }
}
