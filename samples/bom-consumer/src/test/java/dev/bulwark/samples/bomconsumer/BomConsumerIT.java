package dev.bulwark.samples.bomconsumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;

/** The two modules this project named without versions arrived, at the BOM's version, as jars. */
class BomConsumerIT {

    @Test
    void bothModulesResolvedThroughTheBomAtItsVersion() throws IOException {
        for (String artifact : new String[] {"bulwark-jwt-cookies", "bulwark-db-pool"}) {
            String path = "META-INF/maven/dev.bulwark/" + artifact + "/pom.properties";
            URL url = getClass().getClassLoader().getResource(path);
            assertTrue(url != null, artifact + " is not on the classpath as a jar (" + path + " missing)");
            Properties properties = new Properties();
            try (InputStream in = url.openStream()) {
                properties.load(in);
            }
            assertEquals(System.getProperty("bulwark.version", "0.1.0-SNAPSHOT"), properties.getProperty("version"));
        }
    }

    @Test
    void jarsCarryTheirAutomaticModuleNames() throws IOException {
        Map<String, String> moduleByJar = new HashMap<>();
        for (URL url : Collections.list(getClass().getClassLoader().getResources("META-INF/MANIFEST.MF"))) {
            try (InputStream in = url.openStream()) {
                String name = new Manifest(in).getMainAttributes().getValue("Automatic-Module-Name");
                if (name != null) {
                    moduleByJar.put(name, url.toString());
                }
            }
        }
        assertTrue(moduleByJar.containsKey("dev.bulwark.jwt"), "no jar named dev.bulwark.jwt in " + moduleByJar);
        assertTrue(moduleByJar.containsKey("dev.bulwark.pool"), "no jar named dev.bulwark.pool in " + moduleByJar);
    }
}
