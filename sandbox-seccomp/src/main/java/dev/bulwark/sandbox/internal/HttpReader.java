package dev.bulwark.sandbox.internal;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Reads HTTP/1.1 responses and the engine's multiplexed attach stream from a channel through one
 * fixed buffer: nothing is ever allocated from a length the peer chose beyond the caller's limit
 * (head, body or output cap), and a connection closed early is an {@link EOFException}, never a hang
 * on data that cannot come.
 */
public final class HttpReader {

    /** Most bytes of a response head (status line and headers). */
    public static final int MAX_HEAD_BYTES = 16 * 1024;
    /** Size of the read buffer. */
    static final int BUFFER_BYTES = 64 * 1024;

    private final ReadableByteChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER_BYTES);

    /**
     * Reads from a channel (blocking).
     *
     * @param channel the connection
     */
    public HttpReader(ReadableByteChannel channel) {
        this.channel = channel;
        buffer.flip(); // empty, in read mode
    }

    /** A response's status and headers (names in lower case). */
    public record Head(int status, String statusLine, Map<String, String> headers) {

        /**
         * The value of a header, or null.
         *
         * @param name the header's name in lower case
         * @return its value
         */
        public String header(String name) {
            return headers.get(name);
        }
    }

    /** Refills the buffer; false at end of stream. */
    private boolean fill() throws IOException {
        buffer.compact();
        try {
            while (true) {
                int n = channel.read(buffer);
                if (n < 0) {
                    return false;
                }
                if (n > 0) {
                    return true;
                }
            }
        } finally {
            buffer.flip();
        }
    }

    private int nextByte() throws IOException {
        if (!buffer.hasRemaining() && !fill()) {
            return -1;
        }
        return buffer.get() & 0xff;
    }

    /** One line without its CRLF (or LF), at most {@code max} bytes; null at end of stream before any byte. */
    private String line(int max, String what) throws IOException {
        StringBuilder s = new StringBuilder();
        while (true) {
            int b = nextByte();
            if (b < 0) {
                if (s.length() == 0) {
                    return null;
                }
                throw new EOFException("the engine closed the connection in the middle of " + what);
            }
            if (b == '\n') {
                int end = s.length();
                if (end > 0 && s.charAt(end - 1) == '\r') {
                    s.setLength(end - 1);
                }
                return s.toString();
            }
            if (s.length() >= max) {
                throw new IOException(what + " longer than " + max + " bytes");
            }
            s.append((char) b);
        }
    }

    /**
     * Reads a response's status line and headers (at most {@value #MAX_HEAD_BYTES} bytes).
     *
     * @return the head
     * @throws IOException on a malformed or oversized head, or a connection closed before its end
     */
    public Head head() throws IOException {
        int budget = MAX_HEAD_BYTES;
        String status = line(budget, "the response head");
        if (status == null) {
            throw new EOFException("the engine closed the connection without a response");
        }
        budget -= status.length() + 2;
        if (!status.startsWith("HTTP/1.") || status.length() < 12 || status.charAt(8) != ' ') {
            throw new IOException("not an HTTP/1.x status line from the engine: '" + printable(status) + "'");
        }
        int code;
        try {
            code = Integer.parseInt(status.substring(9, 12));
        } catch (NumberFormatException e) {
            throw new IOException("not an HTTP status code from the engine: '" + printable(status) + "'", e);
        }
        Map<String, String> headers = new HashMap<>();
        while (true) {
            if (budget <= 0) {
                throw new IOException("response head longer than " + MAX_HEAD_BYTES + " bytes");
            }
            String h = line(budget, "the response head");
            if (h == null) {
                throw new EOFException("the engine closed the connection in the middle of the response head");
            }
            budget -= h.length() + 2;
            if (h.isEmpty()) {
                return new Head(code, status, headers);
            }
            int colon = h.indexOf(':');
            if (colon <= 0) {
                throw new IOException("malformed response header from the engine: '" + printable(h) + "'");
            }
            headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
        }
    }

    /**
     * Reads the body of a response whose head was just read: by {@code Content-Length}, chunked,
     * or up to the end of the connection; at most {@code max} bytes.
     *
     * @param head the response's head
     * @param max most bytes accepted
     * @return the body
     * @throws IOException when the body is longer than {@code max}, malformed, or cut short
     */
    public byte[] body(Head head, int max) throws IOException {
        if (head.status() == 204 || head.status() == 304 || head.status() / 100 == 1) {
            return new byte[0];
        }
        String te = head.header("transfer-encoding");
        String cl = head.header("content-length");
        if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
            return chunked(max);
        }
        if (cl != null) {
            long length;
            try {
                length = Long.parseLong(cl.trim());
            } catch (NumberFormatException e) {
                throw new IOException("malformed Content-Length from the engine: '" + printable(cl) + "'", e);
            }
            if (length < 0 || length > max) {
                throw new IOException("response body of " + length + " bytes exceeds the limit of " + max);
            }
            byte[] body = new byte[(int) length];
            readFully(body, 0, body.length, "the response body");
            return body;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (buffer.hasRemaining() || fill()) {
            if (out.size() + buffer.remaining() > max) {
                throw new IOException("response body exceeds the limit of " + max + " bytes");
            }
            out.write(buffer.array(), buffer.arrayOffset() + buffer.position(), buffer.remaining());
            buffer.position(buffer.limit());
        }
        return out.toByteArray();
    }

    private byte[] chunked(int max) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] c = chunk(max); c != null; c = chunk(max - out.size())) {
            out.write(c, 0, c.length);
        }
        return out.toByteArray();
    }

    /** The next chunk of a chunked body, at most {@code max} bytes; null after the last one. */
    private byte[] chunk(int max) throws IOException {
        String sizeLine = line(64, "a chunk size");
        if (sizeLine == null) {
            throw new EOFException("the engine closed the connection in the middle of a chunked body");
        }
        int semi = sizeLine.indexOf(';');
        String hex = (semi >= 0 ? sizeLine.substring(0, semi) : sizeLine).trim();
        long size;
        try {
            if (hex.isEmpty() || hex.length() > 8) {
                throw new NumberFormatException(hex);
            }
            size = Long.parseLong(hex, 16);
        } catch (NumberFormatException e) {
            throw new IOException("malformed chunk size from the engine: '" + printable(sizeLine) + "'", e);
        }
        if (size == 0) {
            for (String trailer = line(MAX_HEAD_BYTES, "the trailers"); trailer != null && !trailer.isEmpty();
                    trailer = line(MAX_HEAD_BYTES, "the trailers")) {
                // trailers carry nothing the sandbox needs
            }
            return null;
        }
        if (size > max) {
            throw new IOException("response body exceeds the limit of " + Math.max(0, max) + " bytes");
        }
        byte[] chunk = new byte[(int) size];
        readFully(chunk, 0, chunk.length, "a chunk");
        String end = line(2, "a chunk's end");
        if (end == null || !end.isEmpty()) {
            throw new IOException("chunk of the engine's response not followed by CRLF");
        }
        return chunk;
    }

    private void readFully(byte[] into, int off, int len, String what) throws IOException {
        int done = 0;
        while (done < len) {
            if (!buffer.hasRemaining() && !fill()) {
                throw new EOFException("the engine closed the connection in the middle of " + what);
            }
            int n = Math.min(len - done, buffer.remaining());
            buffer.get(into, off + done, n);
            done += n;
        }
    }

    /** Where a demultiplexed attach stream's frame goes. */
    public interface FrameSink {
        /**
         * Takes part of a frame's payload (the slice is only valid during the call).
         *
         * @param stream 0 stdin (written back by the engine as output), 1 stdout, 2 stderr
         * @param data the buffer
         * @param off first byte
         * @param len bytes
         */
        void accept(int stream, byte[] data, int off, int len);
    }

    /**
     * Demultiplexes the engine's attach stream (a container without a TTY): frames of an 8-byte
     * header — stream (0, 1 or 2), three zero bytes, payload size as an unsigned 32-bit big-endian
     * number — and the payload, handed to {@code sink} in slices of the read buffer, never copied
     * into an array sized by the header. Returns at the end of the stream between two frames.
     *
     * @param sink receives the payloads
     * @throws EOFException when the connection closes inside a frame
     * @throws IOException on a malformed frame header (the stream cannot be trusted past it)
     */
    public void demux(FrameSink sink) throws IOException {
        byte[] header = new byte[8];
        while (true) {
            int got = 0;
            while (got < 8) {
                if (!buffer.hasRemaining() && !fill()) {
                    if (got == 0) {
                        return;
                    }
                    throw new EOFException("the engine closed the output stream in the middle of a frame header");
                }
                int n = Math.min(8 - got, buffer.remaining());
                buffer.get(header, got, n);
                got += n;
            }
            int stream = header[0];
            if (stream < 0 || stream > 2 || header[1] != 0 || header[2] != 0 || header[3] != 0) {
                throw new IOException("malformed frame header in the engine's output stream: stream byte " + stream
                        + " (a container with a TTY, or not the engine)");
            }
            long left = ((header[4] & 0xffL) << 24) | ((header[5] & 0xffL) << 16) | ((header[6] & 0xffL) << 8)
                    | (header[7] & 0xffL);
            while (left > 0) {
                if (!buffer.hasRemaining() && !fill()) {
                    throw new EOFException("the engine closed the output stream in the middle of a frame (" + left
                            + " bytes missing)");
                }
                int n = (int) Math.min(left, buffer.remaining());
                sink.accept(stream, buffer.array(), buffer.arrayOffset() + buffer.position(), n);
                buffer.position(buffer.position() + n);
                left -= n;
            }
        }
    }

    private static String printable(String s) {
        String cut = s.length() > 200 ? s.substring(0, 200) + "..." : s;
        StringBuilder b = new StringBuilder(cut.length());
        for (int i = 0; i < cut.length(); i++) {
            char c = cut.charAt(i);
            b.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return b.toString();
    }
}
