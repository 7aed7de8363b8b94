package dev.bulwark.jwt;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** In-memory request and response for unit tests of the logic (HTTP itself is tested in the *IT). */
final class FakeHttp {
    private FakeHttp() {
    }

    static final class Request implements AuthRequest {
        final String method;
        final Map<String, String> headers = new LinkedHashMap<>();
        final Map<String, String> cookies = new LinkedHashMap<>();

        Request(String method) {
            this.method = method;
        }

        Request header(String name, String value) {
            headers.put(name.toLowerCase(Locale.ROOT), value);
            return this;
        }

        Request cookie(String name, String value) {
            cookies.put(name, value);
            return this;
        }

        /** Sends back every cookie a response set (and drops the ones it cleared). */
        Request cookiesFrom(Response response) {
            response.cookies().forEach((name, value) -> {
                if (value.isEmpty()) {
                    cookies.remove(name);
                } else {
                    cookies.put(name, value);
                }
            });
            return this;
        }

        @Override
        public String method() {
            return method;
        }

        @Override
        public Optional<String> header(String name) {
            return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
        }

        @Override
        public Optional<String> cookie(String name) {
            return Optional.ofNullable(cookies.get(name));
        }
    }

    static final class Response implements AuthResponse {
        final List<String[]> headers = new ArrayList<>();

        @Override
        public void addHeader(String name, String value) {
            headers.add(new String[] {name, value});
        }

        List<String> setCookies() {
            List<String> out = new ArrayList<>();
            for (String[] h : headers) {
                if (h[0].equalsIgnoreCase("Set-Cookie")) {
                    out.add(h[1]);
                }
            }
            return out;
        }

        String setCookie(String name) {
            return setCookies().stream().filter(c -> c.startsWith(name + "=")).findFirst()
                    .orElseThrow(() -> new AssertionError("no Set-Cookie for " + name + " in " + setCookies()));
        }

        Map<String, String> cookies() {
            Map<String, String> out = new LinkedHashMap<>();
            for (String c : setCookies()) {
                String pair = c.split(";", 2)[0];
                int eq = pair.indexOf('=');
                out.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
            return out;
        }
    }
}
