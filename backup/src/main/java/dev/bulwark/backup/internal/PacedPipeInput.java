package dev.bulwark.backup.internal;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.locks.LockSupport;

/**
 * Reads a pipe in batches instead of a few KiB at a time. {@code pg_dump} writes its archive 4 KiB
 * at a time; a reader that keeps up finds the pipe empty after every read, sleeps in the next one,
 * and is woken by the very next 4 KiB write: two context switches and two system calls per 4 KiB
 * (about 90 000 reads for a 474 MB dump), paid by both processes on a machine whose cores the dump
 * and the compression already keep busy. So each read takes what the pipe holds, and after a read that returned less than {@link #BATCH}
 * bytes (the writer is the slower one), the next read first waits {@link #PAUSE_NANOS}, while the
 * writer fills the pipe (64 KiB on Linux; {@code pg_dump} writes about 40 KiB in that time on the
 * machine measured), and then takes many writes at once. A reader that is the slower one finds the
 * pipe full, gets big reads, and never waits; a writer that pauses (a long table scan) costs at most
 * one wait per read, since an empty pipe still blocks the read itself. Measured in
 * {@code backup/README.md}, "Backup vs the shell pipe", session 17: about 0.2-0.3 CPU-s less for
 * that dump, and no later within the noise.
 */
final class PacedPipeInput extends FilterInputStream {
    /** A read shorter than this means the writer is the slower one. */
    static final int BATCH = 48 * 1024;
    /** How long the next read waits then. */
    static final long PAUSE_NANOS = 300_000L;

    private boolean shortRead;

    /**
     * Paces reads of {@code in}.
     *
     * @param in a pipe (closed with this stream)
     */
    PacedPipeInput(InputStream in) {
        super(in);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (shortRead) {
            LockSupport.parkNanos(PAUSE_NANOS);
        }
        // no more than the pipe holds: the JDK's stream behind Process.getInputStream() (a
        // BufferedInputStream) would otherwise go on reading the writer's next few KiB one by one
        int ready = in.available();
        int n = in.read(b, off, ready > 0 ? Math.min(len, ready) : len);
        shortRead = n > 0 && n < BATCH && len >= BATCH;
        return n;
    }
}
