package dev.bulwark.sandbox;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What to run: a command, the files it needs (copied into the container's {@code /work}, never
 * bind-mounted), and its standard input.
 *
 * @param command the command and its arguments, e.g. {@code ["python3", "main.py"]}
 * @param files file name (relative, no "..") to content, placed in {@code /work}
 * @param stdin bytes fed to the program's standard input
 * @param timeout wall-clock limit for this run, or null for the settings' default
 */
public record SandboxRequest(List<String> command, Map<String, byte[]> files, byte[] stdin, Duration timeout) {

    /**
     * Most bytes one request may carry: stdin plus the files as they travel, in a tar archive (a
     * 512-byte header per file, a second header and record for names of 100 bytes or more, each
     * content padded to 512 bytes, the archive padded to 10 KiB records).
     */
    public static final int MAX_INPUT_BYTES = 16 * 1024 * 1024;
    private static final int TAR_BLOCK = 512;
    /** End-of-archive blocks plus the worst-case padding to the last 10 KiB record. */
    private static final int TAR_END = 2 * TAR_BLOCK + 10 * 1024;

    /** Validates and copies. */
    public SandboxRequest {
        Objects.requireNonNull(command, "command");
        if (command.isEmpty() || command.stream().anyMatch(c -> c == null || c.isEmpty())) {
            throw new IllegalArgumentException("command must be a non-empty list of non-empty strings, e.g. [\"python3\", \"main.py\"]");
        }
        command = List.copyOf(command);
        files = files == null ? Map.of() : Map.copyOf(new LinkedHashMap<>(files));
        stdin = stdin == null ? new byte[0] : stdin.clone();
        if (files.size() > MAX_INPUT_BYTES / TAR_BLOCK) {
            throw new IllegalArgumentException(files.size() + " input files: their tar headers alone (" + TAR_BLOCK
                    + " bytes each) exceed the input limit of " + MAX_INPUT_BYTES + " bytes");
        }
        long total = stdin.length + (files.isEmpty() ? 0 : TAR_END);
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            String name = f.getKey();
            if (name.isEmpty() || name.startsWith("/") || name.contains("..") || name.contains("\\") || name.length() > 200) {
                throw new IllegalArgumentException("file name '" + name + "' must be a relative path without '..' (max 200 chars)");
            }
            total += tarEntryBytes(name, Objects.requireNonNull(f.getValue(), "content of " + name).length);
        }
        if (total > MAX_INPUT_BYTES) {
            throw new IllegalArgumentException("files and stdin add up to " + total + " bytes as sent (tar: " + TAR_BLOCK
                    + " bytes of header per file, contents padded to " + TAR_BLOCK + "-byte blocks); at most "
                    + MAX_INPUT_BYTES + ": send fewer or smaller files");
        }
        if (timeout != null && (timeout.isNegative() || timeout.isZero() || timeout.compareTo(Duration.ofHours(1)) > 0)) {
            throw new IllegalArgumentException("timeout must be between 1 ms and 1 hour, got " + timeout);
        }
    }

    /** Bytes one file takes in the tar archive: header, a PAX header for a long name, padded content. */
    static long tarEntryBytes(String name, long size) {
        long bytes = TAR_BLOCK + padded(size);
        int nameBytes = name.getBytes(StandardCharsets.UTF_8).length;
        if (nameBytes >= 100) {
            bytes += TAR_BLOCK + padded(nameBytes + 64L); // POSIX extended header: "NNN path=<name>\n"
        }
        return bytes;
    }

    private static long padded(long size) {
        return (size + TAR_BLOCK - 1) / TAR_BLOCK * TAR_BLOCK;
    }

    /**
     * A Python program run as {@code python3 main.py}.
     *
     * @param code the program
     * @param stdin its standard input (may be empty)
     * @return the request
     */
    public static SandboxRequest python(String code, String stdin) {
        return new SandboxRequest(List.of("python3", "main.py"), Map.of("main.py", code.getBytes(StandardCharsets.UTF_8)),
                stdin == null ? null : stdin.getBytes(StandardCharsets.UTF_8), null);
    }

    /**
     * The same request with one more input file.
     *
     * @param name relative file name
     * @param content its bytes
     * @return a new request
     */
    public SandboxRequest withFile(String name, byte[] content) {
        Map<String, byte[]> more = new LinkedHashMap<>(files);
        more.put(name, content);
        return new SandboxRequest(command, more, stdin, timeout);
    }

    /**
     * The same request with another timeout.
     *
     * @param limit wall-clock limit
     * @return a new request
     */
    public SandboxRequest withTimeout(Duration limit) {
        return new SandboxRequest(command, files, stdin, limit);
    }

    @Override
    public byte[] stdin() {
        return stdin.clone();
    }
}
