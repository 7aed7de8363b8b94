package dev.bulwark.sandbox.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The sandbox's hot path to the Docker engine: raw HTTP/1.1 over the engine's Unix socket, one
 * short connection per call, responses read through {@link HttpReader} (bounded heads and bodies).
 * Create, start, attach (stdin, stdout and stderr on one hijacked connection, half-closed after
 * stdin as the Docker CLI does), inspect, wait, one-shot stats, kill and remove; everything else
 * (images, volumes, listing, TLS or TCP engines) stays with docker-java. An engine error is thrown
 * as docker-java's {@link DockerException} ({@link NotFoundException} for 404), so callers map
 * both paths the same way; a connection failure as {@link UncheckedIOException}.
 */
public final class EngineClient {

    /** Most bytes of an engine answer read into memory (an inspect is about 30 KiB with the profile). */
    static final int MAX_BODY_BYTES = 4 * 1024 * 1024;
    private static final JsonFactory JSON = new JsonFactory();

    private final UnixDomainSocketAddress socket;

    /**
     * A client of the engine at a Unix socket.
     *
     * @param socket the engine's socket, e.g. {@code /var/run/docker.sock}
     */
    public EngineClient(Path socket) {
        this.socket = UnixDomainSocketAddress.of(socket);
    }

    /**
     * The socket of a {@code unix://} Docker host, or null for any other (TCP, TLS).
     *
     * @param dockerHost {@code unix:///var/run/docker.sock}, {@code tcp://…}
     * @return the socket path, or null
     */
    public static Path unixSocket(String dockerHost) {
        if (!dockerHost.startsWith("unix://")) {
            return null;
        }
        String path = java.net.URI.create(dockerHost).getPath();
        return path == null || path.isEmpty() ? null : Path.of(path);
    }

    /** The state of a container that the run needs. */
    public record State(boolean running, long exitCode, boolean oomKilled) {
    }

    /**
     * Opens a connection to the engine (closed by the caller; closing it from another thread ends
     * a call blocked on it).
     *
     * @return the connection
     */
    public SocketChannel connect() {
        try {
            SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                channel.connect(socket);
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
            return channel;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot reach the Docker engine at " + socket.getPath() + ": " + e, e);
        }
    }

    /** An answer: its status and body. */
    private record Answer(int status, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private Answer call(SocketChannel channel, String method, String target, byte[] json) throws IOException {
        StringBuilder req = new StringBuilder(160).append(method).append(' ').append(target)
                .append(" HTTP/1.1\r\nHost: docker\r\nConnection: close\r\n");
        if (json != null) {
            req.append("Content-Type: application/json\r\nContent-Length: ").append(json.length).append("\r\n");
        }
        req.append("\r\n");
        byte[] head = req.toString().getBytes(StandardCharsets.US_ASCII);
        if (json == null) {
            writeFully(channel, ByteBuffer.wrap(head));
        } else {
            writeFully(channel, ByteBuffer.wrap(head), ByteBuffer.wrap(json));
        }
        HttpReader in = new HttpReader(channel);
        HttpReader.Head h = in.head();
        return new Answer(h.status(), in.body(h, MAX_BODY_BYTES));
    }

    private static void writeFully(SocketChannel channel, ByteBuffer... data) throws IOException {
        long left = 0;
        for (ByteBuffer b : data) {
            left += b.remaining();
        }
        while (left > 0) {
            left -= channel.write(data);
        }
    }

    private Answer call(String method, String target, byte[] json) {
        try (SocketChannel channel = connect()) {
            return call(channel, method, target, json);
        } catch (IOException e) {
            throw new UncheckedIOException("the Docker engine call " + method + " " + target.replaceAll("\\?.*", "")
                    + " failed: " + e, e);
        }
    }

    private static DockerException failure(String what, Answer a) {
        String message = what + ": " + engineMessage(a);
        return a.status() == 404 ? new NotFoundException(message) : new DockerException(message, a.status());
    }

    /** The engine's {@code {"message": …}}, or the body as text. */
    private static String engineMessage(Answer a) {
        String m = stringField(a.body(), "message");
        return "Status " + a.status() + ": " + (m != null ? m : a.text().strip());
    }

    /**
     * Creates a container.
     *
     * @param createJson the body of {@code POST /containers/create}
     * @return the container's id
     */
    public String create(byte[] createJson) {
        Answer a = call("POST", "/containers/create", createJson);
        if (a.status() != 201) {
            throw failure("cannot create the container", a);
        }
        String id = stringField(a.body(), "Id");
        if (id == null || !id.matches("[0-9a-f]{12,64}")) {
            throw new DockerException("the engine answered the create without a container id: " + a.text(), 500);
        }
        return id;
    }

    /**
     * Starts a container.
     *
     * @param id the container
     */
    public void start(String id) {
        Answer a = call("POST", "/containers/" + id + "/start", null);
        if (a.status() != 204 && a.status() != 304) {
            throw failure("cannot start sandbox container " + id, a);
        }
    }

    /**
     * Kills a container; one already gone or stopped is not an error.
     *
     * @param id the container
     */
    public void kill(String id) {
        Answer a = call("POST", "/containers/" + id + "/kill", null);
        if (a.status() != 204 && a.status() != 404 && a.status() != 409) {
            throw failure("cannot kill sandbox container " + id, a);
        }
    }

    /**
     * Removes a container with its anonymous volumes, killing it if it runs; one already gone is not
     * an error.
     *
     * @param id the container
     */
    public void remove(String id) {
        Answer a = call("DELETE", "/containers/" + id + "?v=1&force=1", null);
        if (a.status() != 204 && a.status() != 404) {
            throw failure("cannot remove sandbox container " + id, a);
        }
    }

    /**
     * Inspects a container's state.
     *
     * @param id the container
     * @return whether it runs, its exit code, whether the kernel's OOM killer ended it
     */
    public State inspect(String id) {
        Answer a = call("GET", "/containers/" + id + "/json", null);
        if (a.status() != 200) {
            throw failure("cannot inspect sandbox container " + id, a);
        }
        return state(a.body());
    }

    /**
     * Waits until a container is not running, on a connection the caller opened (so that another
     * thread can end the wait by closing it).
     *
     * @param channel an open connection, used once
     * @param id the container
     * @return its exit status
     * @throws IOException when the connection fails or is closed
     */
    public long await(SocketChannel channel, String id) throws IOException {
        Answer a = call(channel, "POST", "/containers/" + id + "/wait?condition=not-running", null);
        if (a.status() != 200) {
            throw failure("cannot wait for sandbox container " + id, a);
        }
        Long code = longField(a.body(), "StatusCode");
        return code == null ? -1 : code;
    }

    /**
     * The container's memory use as the engine reports it now: the cgroup's high-water mark where
     * the kernel keeps one (cgroup v1 {@code max_usage}), else the current use; -1 when unknown.
     *
     * @param id the container
     * @return bytes, or -1
     */
    public long memoryPeak(String id) {
        try (SocketChannel channel = connect()) {
            return memoryPeak(channel, id);
        } catch (IOException e) {
            throw new UncheckedIOException("the Docker engine call GET /containers/{id}/stats failed: " + e, e);
        }
    }

    /**
     * {@link #memoryPeak(String)} on a connection the caller opened, so that another thread can end
     * a slow answer by closing it.
     *
     * @param channel an open connection, used once
     * @param id the container
     * @return bytes, or -1
     * @throws IOException when the connection fails or is closed
     */
    public long memoryPeak(SocketChannel channel, String id) throws IOException {
        Answer a = call(channel, "GET", "/containers/" + id + "/stats?stream=false&one-shot=true", null);
        if (a.status() != 200) {
            return -1;
        }
        return memory(a.body());
    }

    /**
     * Attaches to a container's stdin, stdout and stderr on one hijacked connection.
     *
     * @param id the container (created with OpenStdin, StdinOnce and no TTY)
     * @return the attached connection; its reader is positioned after the engine's answer
     */
    public Attached attach(String id) {
        SocketChannel channel = connect();
        try {
            String req = "POST /containers/" + id + "/attach?stream=1&stdin=1&stdout=1&stderr=1 HTTP/1.1\r\n"
                    + "Host: docker\r\nConnection: Upgrade\r\nUpgrade: tcp\r\nContent-Length: 0\r\n\r\n";
            writeFully(channel, ByteBuffer.wrap(req.getBytes(StandardCharsets.US_ASCII)));
            HttpReader in = new HttpReader(channel);
            HttpReader.Head h = in.head();
            if (h.status() != 101 && h.status() != 200) {
                throw failure("cannot attach to sandbox container " + id, new Answer(h.status(), in.body(h, 64 * 1024)));
            }
            return new Attached(channel, in);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new UncheckedIOException("cannot attach to sandbox container " + id + ": " + e, e);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    /**
     * A container's attached stdio: write the program's stdin with {@link #sendStdin}, read its
     * output with {@link #reader()}; {@link #close()} ends both, from any thread.
     */
    public static final class Attached implements java.io.Closeable {
        private final SocketChannel channel;
        private final HttpReader reader;

        Attached(SocketChannel channel, HttpReader reader) {
            this.channel = channel;
            this.reader = reader;
        }

        /**
         * The demultiplexer of the output.
         *
         * @return the reader positioned at the first frame
         */
        public HttpReader reader() {
            return reader;
        }

        /**
         * Writes the program's whole stdin and half-closes the connection, so the program reads
         * end-of-file while its output keeps coming.
         *
         * @param data the bytes
         * @throws IOException when the connection fails or was closed
         */
        public void sendStdin(byte[] data) throws IOException {
            writeFully(channel, ByteBuffer.wrap(data));
            channel.shutdownOutput();
        }

        @Override
        public void close() {
            closeQuietly(channel);
        }
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing left to release
        }
    }

    /** A top-level string field of a JSON object, or null. */
    static String stringField(byte[] json, String name) {
        return field(json, name, JsonToken.VALUE_STRING, JsonParser::getText);
    }

    /** A top-level integral field of a JSON object, or null. */
    static Long longField(byte[] json, String name) {
        return field(json, name, JsonToken.VALUE_NUMBER_INT, JsonParser::getLongValue);
    }

    /** Reads the value the parser stands on. */
    private interface Value<T> {
        T read(JsonParser p) throws IOException;
    }

    /** A top-level field of a JSON object when it has the given token type, else (or on bad JSON) null. */
    private static <T> T field(byte[] json, String name, JsonToken type, Value<T> value) {
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                if (p.nextToken() == type && field.equals(name)) {
                    return value.read(p);
                }
                p.skipChildren();
            }
            return null;
        } catch (IOException e) {
            return null;
        }
    }

    /** {@code State.Running}, {@code State.ExitCode}, {@code State.OOMKilled} of an inspect answer. */
    static State state(byte[] json) {
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new DockerException("the engine's inspect answer is not a JSON object", 500);
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                if (field.equals("State") && t == JsonToken.START_OBJECT) {
                    boolean running = false;
                    boolean oom = false;
                    long exit = -1;
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String f = p.currentName();
                        JsonToken v = p.nextToken();
                        switch (f) {
                            case "Running" -> running = v == JsonToken.VALUE_TRUE;
                            case "OOMKilled" -> oom = v == JsonToken.VALUE_TRUE;
                            case "ExitCode" -> exit = v == JsonToken.VALUE_NUMBER_INT ? p.getLongValue() : -1;
                            default -> p.skipChildren();
                        }
                    }
                    return new State(running, exit, oom);
                }
                p.skipChildren();
            }
        } catch (IOException e) {
            throw new DockerException("unreadable inspect answer from the engine: " + e.getMessage(), 500);
        }
        throw new DockerException("the engine reported no state for the sandbox container", 500);
    }

    /** {@code memory_stats.max_usage} (or {@code usage}) of a stats answer, or -1. */
    static long memory(byte[] json) {
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return -1;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                if (field.equals("memory_stats") && t == JsonToken.START_OBJECT) {
                    long max = -1;
                    long usage = -1;
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String f = p.currentName();
                        JsonToken v = p.nextToken();
                        if (f.equals("max_usage") && v == JsonToken.VALUE_NUMBER_INT) {
                            max = p.getLongValue();
                        } else if (f.equals("usage") && v == JsonToken.VALUE_NUMBER_INT) {
                            usage = p.getLongValue();
                        } else {
                            p.skipChildren();
                        }
                    }
                    return max > 0 ? max : usage > 0 ? usage : -1;
                }
                p.skipChildren();
            }
            return -1;
        } catch (IOException e) {
            return -1;
        }
    }
}
