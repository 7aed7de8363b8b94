package dev.bulwark.backup.internal;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The background write-back of a local backup: a write error it sees must fail the commit (on
 * Linux the error is reported to one fsync only, so the commit's own fsync could then succeed).
 */
class WriteBackFailureTest {

    @TempDir
    Path dir;

    /** A real file channel whose first {@code force} reports an I/O error, as a failing disk does once. */
    static final class FailingOnce extends FileChannel {
        final FileChannel real;
        final AtomicInteger forces = new AtomicInteger();
        final boolean fail;

        FailingOnce(FileChannel real, boolean fail) {
            this.real = real;
            this.fail = fail;
        }

        @Override
        public void force(boolean metaData) throws IOException {
            if (forces.incrementAndGet() == 1 && fail) {
                throw new IOException("Input/output error");
            }
            real.force(metaData);
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return real.read(dst);
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
            return real.read(dsts, offset, length);
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            return real.write(src);
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            return real.write(srcs, offset, length);
        }

        @Override
        public long position() throws IOException {
            return real.position();
        }

        @Override
        public FileChannel position(long newPosition) throws IOException {
            real.position(newPosition);
            return this;
        }

        @Override
        public long size() throws IOException {
            return real.size();
        }

        @Override
        public FileChannel truncate(long size) throws IOException {
            real.truncate(size);
            return this;
        }

        @Override
        public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
            return real.transferTo(position, count, target);
        }

        @Override
        public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
            return real.transferFrom(src, position, count);
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            return real.read(dst, position);
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            return real.write(src, position);
        }

        @Override
        public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
            return real.map(mode, position, size);
        }

        @Override
        public FileLock lock(long position, long size, boolean shared) throws IOException {
            return real.lock(position, size, shared);
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) throws IOException {
            return real.tryLock(position, size, shared);
        }

        @Override
        protected void implCloseChannel() throws IOException {
            real.close();
        }
    }

    private LocalBackupStore.Syncer streamed(FailingOnce channel) throws Exception {
        LocalBackupStore.Syncer syncer = new LocalBackupStore.Syncer(channel, Thread::new);
        ByteBuffer chunk = ByteBuffer.allocate(1024 * 1024);
        for (int i = 0; i < 40; i++) { // 40 MiB: write-back is due twice
            chunk.clear();
            channel.write(chunk);
            syncer.written(chunk.capacity());
        }
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (channel.forces.get() == 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        return syncer;
    }

    @Test
    void aWriteBackFailureFailsTheCommit() throws Exception {
        try (FailingOnce channel = new FailingOnce(FileChannel.open(dir.resolve("b"), StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE), true)) {
            LocalBackupStore.Syncer syncer = streamed(channel);
            assertThatThrownBy(syncer::stop).isInstanceOf(IOException.class).hasMessageContaining("write error")
                    .hasRootCauseMessage("Input/output error");
        }
    }

    @Test
    void aHealthyWriteBackLetsTheCommitGoOn() throws Exception {
        try (FailingOnce channel = new FailingOnce(FileChannel.open(dir.resolve("c"), StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE), false)) {
            LocalBackupStore.Syncer syncer = streamed(channel);
            assertThatCode(syncer::stop).doesNotThrowAnyException();
        }
    }
}
