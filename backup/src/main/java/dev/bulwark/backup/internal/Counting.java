package dev.bulwark.backup.internal;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Byte-counting stream wrappers. */
public final class Counting {
    private Counting() {
    }

    /** Counts bytes written through it. */
    public static final class Out extends FilterOutputStream {
        private long count;

        /**
         * Counts what is written to a delegate.
         *
         * @param out delegate
         */
        public Out(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }

        /** Returns bytes written. */
        public long count() {
            return count;
        }
    }

    /** Counts bytes read through it. */
    public static final class In extends FilterInputStream {
        private long count;

        /**
         * Counts what is read from a delegate.
         *
         * @param in delegate
         */
        public In(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        /** Returns bytes read. */
        public long count() {
            return count;
        }
    }

    /** Keeps the wrapped input open when this one is closed. */
    public static final class NonClosingIn extends FilterInputStream {
        /**
         * Hides close() from the delegate.
         *
         * @param in delegate
         */
        public NonClosingIn(InputStream in) {
            super(in);
        }

        @Override
        public void close() {
            // the owner closes the delegate
        }
    }

    /** Keeps the wrapped stream open when this one is closed (flushes instead). */
    public static final class NonClosing extends FilterOutputStream {
        /**
         * Hides close() from the delegate.
         *
         * @param out delegate
         */
        public NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }
}
