package dev.bulwark.sandbox.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Keeps at most {@code cap} bytes; the rest is discarded and flagged. Never grows past the cap. */
public final class CappedBuffer {
    private final int cap;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private long discarded;

    /** @param cap most bytes kept */
    public CappedBuffer(int cap) {
        this.cap = cap;
    }

    /** @param data bytes to append (excess beyond the cap is dropped) */
    public synchronized void append(byte[] data) {
        int room = cap - bytes.size();
        int keep = Math.max(0, Math.min(room, data.length));
        bytes.write(data, 0, keep);
        discarded += data.length - keep;
    }

    /** @return every byte appended, kept or discarded */
    public synchronized long total() {
        return bytes.size() + discarded;
    }

    /** @return whether anything was discarded */
    public synchronized boolean truncated() {
        return discarded > 0;
    }

    /** @return the kept bytes as UTF-8 text */
    public synchronized String text() {
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
