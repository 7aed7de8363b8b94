package dev.bulwark.backup.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a {@code pg_dump} archive as it streams past and counts every table's rows from the dump
 * itself: the data of a {@code TABLE DATA} entry is the table's {@code COPY} text, one line per
 * row (a newline inside a value is written as the two characters {@code \n}), so with
 * {@code --compress=0} the newlines of an entry's data are its rows. The counts are of the very
 * snapshot that was dumped, at no cost to the database.
 *
 * <p>The layout (PostgreSQL's {@code pg_backup_archiver.c}, {@code pg_backup_custom.c},
 * {@code pg_backup_directory.c}): a header ({@code PGDMP}, version, int and offset sizes, format,
 * compression, creation time, database and versions), the table of contents (per entry: dump id,
 * has-data flag, catalog ids, tag, description, section, SQL, namespace, tablespace, table access
 * method, relkind from 1.16, owner, dependencies, then the format's own part: a data offset in
 * the custom format, a file name in the directory format), then in the custom format the data
 * blocks: a block type, the dump id and length-prefixed chunks ending with a zero length.
 * Archive versions 1.12 to 1.16 (pg_dump 9.5 to 17, and later ones writing 1.16) are read;
 * anything else, or a compressed archive, is reported as not understood and the caller counts
 * another way.
 */
public final class PgArchive {
    private static final int K_FMT_CUSTOM = 1;
    private static final int K_FMT_DIRECTORY = 5;
    private static final int BLK_DATA = 1;
    private static final int BLK_BLOBS = 3;
    private static final int BUFFER = 256 * 1024;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONGS_BE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle INTS = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long NEWLINES = 0x0A0A0A0A0A0A0A0AL;
    private static final long LOW7 = 0x7F7F7F7F7F7F7F7FL;

    /** The archive's layout was not understood; the caller counts another way. */
    static final class NotUnderstood extends Exception {
        private static final long serialVersionUID = 1L;

        NotUnderstood(String why) {
            super(why, null, false, false);
        }
    }

    /** A {@code TABLE DATA} entry of the table of contents. */
    record TableData(String schema, String table, String file) {
        String key() {
            return schema + "." + table;
        }
    }

    private PgArchive() {
    }

    /**
     * Copies a custom-format archive ({@code pg_dump -Fc --compress=0}) from {@code in} to
     * {@code out} unchanged, counting each table's rows on the way.
     *
     * @param in the archive (pg_dump's output; read to its end)
     * @param out where every byte goes, in order (not closed)
     * @return {@code schema.table} to rows, or empty when the archive was not understood (every
     *     byte is copied all the same)
     * @throws IOException when reading or writing fails
     */
    public static Optional<Map<String, Long>> copyCountingRows(InputStream in, OutputStream out) throws IOException {
        Reader r = new Reader(in, out);
        try {
            Map<Integer, TableData> toc = readHeaderAndToc(r, K_FMT_CUSTOM);
            LOG.debug("timeline: pg_dump's header and table of contents read");
            Map<String, Long> counts = new LinkedHashMap<>();
            for (TableData t : toc.values()) {
                counts.put(t.key(), 0L);
            }
            int type;
            while ((type = r.read()) >= 0) {
                int dumpId = r.readInt();
                if (type == BLK_DATA) {
                    TableData t = toc.get(dumpId);
                    long rows = r.chunks(t != null);
                    if (t != null) {
                        counts.merge(t.key(), rows, Long::sum);
                    }
                } else if (type == BLK_BLOBS) {
                    while (r.readInt() != 0) { // each large object: its oid, chunks, a zero length
                        r.chunks(false);
                    }
                } else {
                    throw new NotUnderstood("data block type " + type);
                }
            }
            return Optional.of(counts);
        } catch (NotUnderstood e) {
            r.drain();
            return Optional.empty();
        }
    }

    /**
     * Reads the table of contents of a directory-format archive ({@code toc.dat}).
     *
     * @param tocDat the bytes of {@code toc.dat}
     * @return data file name (such as {@code 3412.dat}) to its table, or empty when not understood
     *     (or when the data files are compressed)
     * @throws IOException never in practice (the bytes are in memory)
     */
    static Optional<Map<String, TableData>> directoryTables(byte[] tocDat) throws IOException {
        Reader r = new Reader(new java.io.ByteArrayInputStream(tocDat), OutputStream.nullOutputStream());
        try {
            Map<String, TableData> byFile = new HashMap<>();
            for (TableData t : readHeaderAndToc(r, K_FMT_DIRECTORY).values()) {
                if (t.file() == null || !t.file().endsWith(".dat")) {
                    throw new NotUnderstood("table data file " + t.file());
                }
                byFile.put(t.file(), t);
            }
            return Optional.of(byFile);
        } catch (NotUnderstood e) {
            return Optional.empty();
        }
    }

    private static Map<Integer, TableData> readHeaderAndToc(Reader r, int expectedFormat)
            throws IOException, NotUnderstood {
        byte[] magic = r.bytes(5);
        if (!"PGDMP".equals(new String(magic, StandardCharsets.US_ASCII))) {
            throw new NotUnderstood("not a pg_dump archive");
        }
        int major = r.read();
        int minor = r.read();
        r.read(); // revision
        if (major != 1 || minor < 12 || minor > 16) {
            throw new NotUnderstood("archive version " + major + "." + minor);
        }
        r.intSize = r.read();
        r.offSize = r.read();
        if (r.intSize < 1 || r.intSize > 8 || r.offSize < 1 || r.offSize > 8) {
            throw new NotUnderstood("int size " + r.intSize + ", offset size " + r.offSize);
        }
        if (r.read() != expectedFormat) {
            throw new NotUnderstood("archive format");
        }
        if (minor >= 15) {
            if (r.read() != 0) { // compression algorithm: 0 = none
                throw new NotUnderstood("compressed archive");
            }
        } else if (r.readInt() != 0) { // compression level
            throw new NotUnderstood("compressed archive");
        }
        for (int i = 0; i < 7; i++) {
            r.readInt(); // creation time
        }
        r.readStr(); // database
        r.readStr(); // server version
        r.readStr(); // pg_dump version
        int entries = r.readInt();
        Map<Integer, TableData> tables = new HashMap<>();
        for (int i = 0; i < entries; i++) {
            int dumpId = r.readInt();
            r.readInt(); // has data
            r.readStr(); // catalog table oid
            r.readStr(); // oid
            String tag = r.readStr();
            String desc = r.readStr();
            r.readInt(); // section
            r.readStr(); // definition
            r.readStr(); // drop statement
            r.readStr(); // copy statement
            String namespace = r.readStr();
            r.readStr(); // tablespace
            if (minor >= 14) {
                r.readStr(); // table access method
            }
            if (minor >= 16) {
                r.readInt(); // relkind
            }
            r.readStr(); // owner
            r.readStr(); // "false" (with oids)
            while (r.readStr() != null) {
                // dependencies, up to a null
            }
            String file = null;
            if (expectedFormat == K_FMT_CUSTOM) {
                r.skip(1L + r.offSize); // data offset: a flag byte and the offset
            } else {
                file = r.readStr();
            }
            if ("TABLE DATA".equals(desc)) {
                if (tag == null || namespace == null) {
                    throw new NotUnderstood("TABLE DATA entry without a name");
                }
                tables.put(dumpId, new TableData(namespace, tag, file));
            }
        }
        return tables;
    }

    /**
     * Counts the newlines ({@code '\n'}) in a range, eight bytes at a time.
     *
     * @param b bytes
     * @param off from
     * @param len how many
     * @return how many of them are {@code '\n'}
     */
    static long newlines(byte[] b, int off, int len) {
        long n = 0;
        int end = off + len;
        int words = len >>> 3;
        for (int w = 0; w < words; w++) {
            long x = (long) LONGS.get(b, off + (w << 3)) ^ NEWLINES; // a newline byte is now 0
            // 0x80 in exactly the bytes that are 0 (no carry between bytes)
            long zero = ~(((x & LOW7) + LOW7) | x | LOW7);
            n += Long.bitCount(zero);
        }
        for (int i = off + (words << 3); i < end; i++) {
            if (b[i] == '\n') {
                n++;
            }
        }
        return n;
    }

    /**
     * The rows of one entry's COPY data: its newlines, less the end-of-data line {@code \.} and
     * the two empty lines pg_dump writes after it (a row can never be the line {@code \.}: COPY
     * writes a backslash in a value as {@code \\}).
     */
    static final class Rows {
        private static final long END = 0x5C2E0A0A0AL; // "\\.\n\n\n"
        private long newlines;
        private long length;
        private long tail;

        void add(byte[] b, int off, int len) {
            newlines += newlines(b, off, len);
            length += len;
            if (len >= 8) { // one load instead of eight shifts: pg_dump writes one chunk per row
                tail = (long) LONGS_BE.get(b, off + len - 8);
                return;
            }
            for (int i = off; i < off + len; i++) {
                tail = (tail << 8) | (b[i] & 0xFF);
            }
        }

        long rows() {
            boolean ended = (tail & 0xFF_FFFF_FFFFL) == END && (length == 5 || (tail >>> 40 & 0xFF) == '\n');
            return ended ? newlines - 3 : newlines;
        }
    }

    /** An {@link OutputStream} that counts the rows of the COPY data written through it. */
    static final class RowCounter extends java.io.FilterOutputStream {
        private final Rows rows = new Rows();

        RowCounter(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            rows.add(b, off, len);
            out.write(b, off, len);
        }

        long rows() {
            return rows.rows();
        }
    }

    /** Reads the archive from a buffer that is written to the tee each time it is filled. */
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PgArchive.class);

    private static final class Reader {
        private final InputStream in;
        private final OutputStream tee;
        private final byte[] buf = new byte[BUFFER];
        private int pos;
        private int lim;
        int intSize = 4;
        int offSize = 8;

        Reader(InputStream in, OutputStream tee) {
            this.in = in;
            this.tee = tee;
        }

        private boolean fill() throws IOException {
            int n = in.read(buf, 0, buf.length);
            while (n == 0) {
                n = in.read(buf, 0, buf.length);
            }
            if (n < 0) {
                return false;
            }
            tee.write(buf, 0, n);
            pos = 0;
            lim = n;
            return true;
        }

        /** The next byte, or -1 at the end. */
        int read() throws IOException {
            if (pos == lim && !fill()) {
                return -1;
            }
            return buf[pos++] & 0xFF;
        }

        private int must() throws IOException, NotUnderstood {
            int b = read();
            if (b < 0) {
                throw new NotUnderstood("archive ends early");
            }
            return b;
        }

        /** ReadInt: a sign byte, then intSize bytes, least significant first. */
        int readInt() throws IOException, NotUnderstood {
            if (intSize == 4 && lim - pos >= 5) { // the usual layout, whole in the buffer: once per chunk (row)
                int sign = buf[pos];
                long v = (int) INTS.get(buf, pos + 1) & 0xFFFF_FFFFL;
                pos += 5;
                if (v > Integer.MAX_VALUE) {
                    throw new NotUnderstood("integer out of range");
                }
                return sign == 0 ? (int) v : -(int) v;
            }
            int sign = must();
            long v = 0;
            for (int i = 0; i < intSize; i++) {
                v |= (long) must() << (8 * i);
            }
            if (v > Integer.MAX_VALUE) {
                throw new NotUnderstood("integer out of range");
            }
            return sign == 0 ? (int) v : -(int) v;
        }

        byte[] bytes(int n) throws IOException, NotUnderstood {
            byte[] b = new byte[n];
            for (int i = 0; i < n; i++) {
                b[i] = (byte) must();
            }
            return b;
        }

        /** ReadStr: a length (-1 for null), then that many bytes. */
        String readStr() throws IOException, NotUnderstood {
            int len = readInt();
            if (len < 0) {
                return null;
            }
            if (len <= lim - pos) {
                String s = new String(buf, pos, len, StandardCharsets.UTF_8);
                pos += len;
                return s;
            }
            java.io.ByteArrayOutputStream s = new java.io.ByteArrayOutputStream(Math.min(len, BUFFER));
            consume(len, s, null);
            return s.toString(StandardCharsets.UTF_8);
        }

        void skip(long n) throws IOException, NotUnderstood {
            consume(n, null, null);
        }

        /** Reads length-prefixed chunks up to a zero length; returns their rows when counting. */
        long chunks(boolean count) throws IOException, NotUnderstood {
            Rows rows = count ? new Rows() : null;
            int len;
            while ((len = readInt()) != 0) {
                if (len < 0) {
                    throw new NotUnderstood("negative chunk length");
                }
                consume(len, null, rows);
            }
            return count ? rows.rows() : 0;
        }

        private void consume(long n, java.io.ByteArrayOutputStream keep, Rows rows)
                throws IOException, NotUnderstood {
            while (n > 0) {
                if (pos == lim && !fill()) {
                    throw new NotUnderstood("archive ends early");
                }
                int k = (int) Math.min(n, lim - pos);
                if (rows != null) {
                    rows.add(buf, pos, k);
                }
                if (keep != null) {
                    keep.write(buf, pos, k);
                }
                pos += k;
                n -= k;
            }
        }

        /** Copies the rest of the input through (after a layout that was not understood). */
        void drain() throws IOException {
            pos = lim;
            while (fill()) {
                pos = lim;
            }
        }
    }
}
