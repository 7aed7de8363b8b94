package dev.bulwark.sandbox.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Feeds a container's standard input and then half-closes the connection, as the Docker CLI does,
 * so the program sees end-of-file (docker-java's hijacked attach never half-closes). Speaks the
 * engine's attach endpoint directly over its Unix socket or TCP address.
 */
public final class StdinWriter {

    private StdinWriter() {
    }

    /**
     * Writes {@code data} to the container's stdin and closes it.
     *
     * @param dockerHost {@code unix:///var/run/docker.sock} or {@code tcp://host:port}
     * @param containerId the container (created with OpenStdin and StdinOnce)
     * @param data the bytes
     * @throws IOException when the engine refuses or the connection fails
     */
    public static void send(String dockerHost, String containerId, byte[] data) throws IOException {
        send(dockerHost, null, containerId, data);
    }

    /**
     * Writes {@code data} to the container's stdin and closes it, over TLS when a context is given.
     *
     * @param dockerHost {@code unix:///var/run/docker.sock} or {@code tcp://host:port}
     * @param tls the engine's TLS client context (certificate-authenticated), or null for none
     * @param containerId the container (created with OpenStdin and StdinOnce)
     * @param data the bytes
     * @throws IOException when the engine refuses or the connection fails
     */
    public static void send(String dockerHost, javax.net.ssl.SSLContext tls, String containerId, byte[] data)
            throws IOException {
        URI uri = URI.create(dockerHost);
        String request = "POST /containers/" + containerId + "/attach?stream=1&stdin=1&stdout=0&stderr=0 HTTP/1.1\r\n"
                + "Host: docker\r\nConnection: Upgrade\r\nUpgrade: tcp\r\nContent-Length: 0\r\n\r\n";
        if ("unix".equals(uri.getScheme())) {
            try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                channel.connect(UnixDomainSocketAddress.of(Path.of(uri.getPath())));
                OutputStream out = Channels.newOutputStream(channel);
                InputStream in = Channels.newInputStream(channel);
                exchange(out, in, request, data);
                channel.shutdownOutput();
                drain(in);
            }
        } else if (tls != null) {
            try (javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) tls.getSocketFactory().createSocket()) {
                javax.net.ssl.SSLParameters params = socket.getSSLParameters();
                params.setEndpointIdentificationAlgorithm("HTTPS");
                socket.setSSLParameters(params);
                socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 5000);
                socket.setSoTimeout(60_000);
                socket.startHandshake();
                exchange(socket.getOutputStream(), socket.getInputStream(), request, data);
                socket.shutdownOutput(); // close_notify: the engine sees end-of-input, as with the CLI's CloseWrite
                drain(socket.getInputStream());
            }
        } else {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 5000);
                socket.setSoTimeout(60_000);
                exchange(socket.getOutputStream(), socket.getInputStream(), request, data);
                socket.shutdownOutput();
                drain(socket.getInputStream());
            }
        }
    }

    private static void exchange(OutputStream out, InputStream in, String request, byte[] data) throws IOException {
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String status = readHeaders(in);
        if (!status.contains(" 101 ") && !status.contains(" 200 ")) {
            throw new IOException("engine refused the stdin attach: " + status);
        }
        out.write(data);
        out.flush();
    }

    private static String readHeaders(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        int matched = 0;
        int b;
        while ((b = in.read()) != -1) {
            head.append((char) b);
            matched = (b == '\r' || b == '\n') ? matched + 1 : 0;
            if (matched == 4 || head.length() > 8192) {
                break;
            }
        }
        String text = head.toString();
        int eol = text.indexOf('\r');
        return eol < 0 ? text : text.substring(0, eol);
    }

    private static void drain(InputStream in) throws IOException {
        // the engine sends nothing on a stdin-only attach; wait for it to close the stream
        in.transferTo(OutputStream.nullOutputStream());
    }

}
