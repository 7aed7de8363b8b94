package dev.bulwark.jwt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.jwt.servlet.JwtAuthServletFilter;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;

/** The cookie flow through the Jakarta Servlet adapter on an embedded Jetty 12. */
class JettyServletIT extends HttpFlowContract {

    private Server server;

    @Override
    URI start(JwtCookieAuth auth) throws Exception {
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.addServlet(new ServletHolder(servlet((req, res) -> {
            auth.login("alice", roles(), JwtAuthServletFilter.response(res));
            json(res, 200, "{\"subject\":\"alice\"}");
        })), "/auth/login");
        context.addServlet(new ServletHolder(servlet((req, res) -> {
            AuthResult r = auth.refresh(JwtAuthServletFilter.request(req), JwtAuthServletFilter.response(res));
            if (r.authenticated()) {
                json(res, 200, "{\"subject\":\"" + r.authentication().subject() + "\"}");
            } else {
                JwtAuthServletFilter.refuse(res, r.refusal());
            }
        })), "/auth/refresh");
        context.addServlet(new ServletHolder(servlet((req, res) -> {
            Optional<Refusal> refused = auth.logout(JwtAuthServletFilter.request(req), JwtAuthServletFilter.response(res));
            if (refused.isPresent()) {
                JwtAuthServletFilter.refuse(res, refused.get());
            } else {
                res.setStatus(204);
            }
        })), "/auth/logout");
        context.addServlet(new ServletHolder(servlet((req, res) -> {
            Authentication caller = (Authentication) req.getAttribute(JwtAuthServletFilter.ATTRIBUTE);
            json(res, 200, "{\"subject\":\"" + caller.subject() + "\"}");
        })), "/api/me");
        context.addServlet(new ServletHolder(servlet((req, res) -> json(res, 201, "{\"saved\":true}"))), "/api/notes");
        // region readme-servlet
        context.addFilter(new FilterHolder(new JwtAuthServletFilter(auth)), "/api/*", EnumSet.of(DispatcherType.REQUEST));
        context.addFilter(new FilterHolder(new JwtAuthServletFilter(auth, "admin")), "/admin/*", EnumSet.of(DispatcherType.REQUEST));   // 403 forbidden without the role
        // login servlet:   auth.login(user, roles, JwtAuthServletFilter.response(res));
        // refresh servlet: auth.refresh(JwtAuthServletFilter.request(req), JwtAuthServletFilter.response(res));
        // logout servlet:  auth.logout(JwtAuthServletFilter.request(req), JwtAuthServletFilter.response(res));
        // in handlers:     (Authentication) req.getAttribute(JwtAuthServletFilter.ATTRIBUTE)
        // endregion
        // region javadoc-servlet-role
        context.addFilter(new FilterHolder(new JwtAuthServletFilter(auth, "ops")), "/ops/*", EnumSet.of(DispatcherType.REQUEST));
        // endregion
        context.addServlet(new ServletHolder(servlet((req, res) -> {
            Authentication caller = (Authentication) req.getAttribute(JwtAuthServletFilter.ATTRIBUTE);
            json(res, 200, "{\"subject\":\"" + caller.subject() + "\"}");
        })), "/admin/*");
        context.addServlet(new ServletHolder(servlet((req, res) -> json(res, 200, "{\"ops\":true}"))), "/ops/*");
        server.setHandler(context);
        server.start();
        return URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/");
    }

    interface Handler {
        void handle(HttpServletRequest req, HttpServletResponse res) throws IOException;
    }

    private static HttpServlet servlet(Handler handler) {
        return new HttpServlet() {
            private static final long serialVersionUID = 1L;

            @Override
            protected void service(HttpServletRequest req, HttpServletResponse res) throws IOException {
                handler.handle(req, res);
            }
        };
    }

    private static void json(HttpServletResponse res, int status, String body) throws IOException {
        res.setStatus(status);
        res.setContentType("application/json");
        res.getWriter().write(body);
    }

    @Test
    void theRoleFilterRefusesACallerWithoutTheRoleWith403AndLetsOneWithItThrough() throws Exception {
        Map<String, String> jar = cookies(send("POST", "/auth/login", Map.of()));   // alice: trader, admin

        HttpResponse<String> admin = send("GET", "/admin/report", jar);
        HttpResponse<String> ops = send("GET", "/ops/restart", jar);
        HttpResponse<String> opsPost = send("POST", "/ops/restart", jar, csrf(jar));
        HttpResponse<String> anonymous = send("GET", "/ops/restart", Map.of());

        assertThat(admin.statusCode()).isEqualTo(200);
        assertThat(admin.body()).contains("\"subject\":\"alice\"");
        assertThat(ops.statusCode()).isEqualTo(403);
        assertThat(ops.body()).isEqualTo("{\"error\":\"forbidden\",\"message\":\"role 'ops' required\"}");
        assertThat(ops.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        assertThat(opsPost.statusCode()).isEqualTo(403);
        assertThat(anonymous.statusCode()).as("no caller: 401 before the role is looked at").isEqualTo(401);
    }

    @Test
    void aRoleFilterNeedsARole() {
        assertThatThrownBy(() -> new JwtAuthServletFilter(auth, " ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("role must not be blank");
        assertThat(new JwtAuthServletFilter(auth, "admin").role()).contains("admin");
        assertThat(new JwtAuthServletFilter(auth).role()).isEmpty();
    }

    @Override
    void stop() throws Exception {
        server.stop();
    }
}
