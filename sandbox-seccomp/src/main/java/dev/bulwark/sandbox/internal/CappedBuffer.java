package dev.bulwark.sandbox.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Keeps at most {@code cap} bytes; the rest is discarded and flagged. Never grows past the cap. */
public final class CappedBuffer {
    private final int cap;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private long discarded;

    /**
     * Creates an empty buffer.
     *
     * @param cap most bytes kept
     */
    public CappedBuffer(int cap) {
        this.cap = cap;
    }

    /**
     * Appends what fits under the cap and counts the rest as discarded.
     *
     * @param data bytes to append
     */
    public void append(byte[] data) {
        append(data, 0, data.length);
    }

    /**
     * Appends what fits under the cap of {@code len} bytes of {@code data} from {@code off}, and
     * counts the rest as discarded.
     *
     * @param data buffer
     * @param off first byte
     * @param len bytes
     */
    public synchronized void append(byte[] data, int off, int len) {
        int room = cap - bytes.size();
        int keep = Math.max(0, Math.min(room, len));
        bytes.write(data, off, keep);
        discarded += len - keep;
    }

    /**
     * Counts every byte appended.
     *
     * @return bytes appended, kept or discarded
     */
    public synchronized long total() {
        return bytes.size() + discarded;
    }

    /**
     * Tells whether the cap was hit.
     *
     * @return whether anything was discarded
     */
    public synchronized boolean truncated() {
        return discarded > 0;
    }

    /**
     * Decodes the kept bytes.
     *
     * @return the kept bytes as UTF-8 text
     */
    public synchronized String text() {
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
