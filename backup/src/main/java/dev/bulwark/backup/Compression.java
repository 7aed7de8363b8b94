package dev.bulwark.backup;

import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/** How backup data is compressed before it is (optionally) encrypted and stored. */
public enum Compression {
    /** Zstandard through zstd-jni (default): fast, and smaller than gzip. */
    ZSTD(".zst"),
    /** gzip from the JDK, for tools that only speak gzip. */
    GZIP(".gz"),
    /** No compression (already compressed data). */
    NONE("");

    private final String extension;

    Compression(String extension) {
        this.extension = extension;
    }

    /** Returns the file-name extension for this compression. */
    public String extension() {
        return extension;
    }

    /** Returns the name used in settings and manifests. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Returns the compression.
     *
     * @param label {@code zstd}, {@code gzip} or {@code none} (any case)
     * @return the compression
     * @throws IllegalArgumentException for any other value
     */
    public static Compression fromLabel(String label) {
        for (Compression c : values()) {
            if (c.label().equalsIgnoreCase(label)) {
                return c;
            }
        }
        throw new IllegalArgumentException("compression must be one of zstd, gzip, none; got '" + label + "'");
    }

    /**
     * Returns the compressing stream.
     *
     * @param out where compressed bytes go (closed with the returned stream)
     * @param level zstd level (1-19); ignored by the others
     * @return the compressing stream
     * @throws IOException when the compressor cannot start
     */
    public OutputStream compress(OutputStream out, int level) throws IOException {
        return compress(out, level, 1);
    }

    /**
     * Returns the compressing stream; zstd compresses on {@code workers} threads of its own
     * (zstd's multi-threaded mode, the same frames as {@code zstd -T}).
     *
     * @param out where compressed bytes go (closed with the returned stream)
     * @param level zstd level (1-19); ignored by the others
     * @param workers zstd worker threads; 1 compresses in the writing thread; ignored by the others
     * @return the compressing stream
     * @throws IOException when the compressor cannot start
     */
    public OutputStream compress(OutputStream out, int level, int workers) throws IOException {
        switch (this) {
            case ZSTD:
                ZstdOutputStream zstd = new ZstdOutputStream(out, level);
                zstd.setChecksum(true);
                if (workers > 1) {
                    zstd.setWorkers(workers);
                }
                return zstd;
            case GZIP:
                return new GZIPOutputStream(out, 64 * 1024);
            default:
                return out;
        }
    }

    /**
     * Returns the decompressing stream.
     *
     * @param in compressed bytes (closed with the returned stream)
     * @return the decompressing stream
     * @throws IOException when the data does not start like this compression
     */
    public InputStream decompress(InputStream in) throws IOException {
        switch (this) {
            case ZSTD:
                return new ZstdInputStream(in);
            case GZIP:
                return new GZIPInputStream(in, 64 * 1024);
            default:
                return in;
        }
    }
}
