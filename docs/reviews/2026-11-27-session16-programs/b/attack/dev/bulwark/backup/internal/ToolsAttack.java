package dev.bulwark.backup.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Review 2026-11-27b: PgClientTools.resolve against crafted PATHs and version directories (a scratch
 * tree standing in for /usr/share/postgresql-common and /usr/lib/postgresql). Usage: ToolsAttack DIR
 */
public final class ToolsAttack {
    public static void main(String[] a) throws Exception {
        Path root = Path.of(a[0]);
        Path share = Files.createDirectories(root.resolve("share"));
        Path wrapper = exe(share.resolve("pg_wrapper"));
        Path usrBin = Files.createDirectories(root.resolve("usr-bin"));
        Files.createSymbolicLink(usrBin.resolve("pg_dump"), wrapper);
        Files.createSymbolicLink(usrBin.resolve("psql"), wrapper);
        Path lib = Files.createDirectories(root.resolve("lib-postgresql"));
        for (String v : new String[] {"15", "9.6", "16x", "1.2.3", "17.", "1e9", "99 ", "0016", "٣٣"}) {
            exe(Files.createDirectories(lib.resolve(v).resolve("bin")).resolve("pg_dump"));
        }
        show("versions 15, 9.6 and non-matching names", "pg_dump", usrBin.toString(), wrapper, lib);
        // a directory named like a newer version whose pg_dump is not executable
        Path v18 = Files.createDirectories(lib.resolve("18").resolve("bin"));
        Files.writeString(v18.resolve("pg_dump"), "#!/bin/sh\n");
        show("+ 18 with a non-executable pg_dump", "pg_dump", usrBin.toString(), wrapper, lib);
        // a version directory that is a symlink to somewhere else (e.g. a writable place)
        Path elsewhere = Files.createDirectories(root.resolve("elsewhere").resolve("bin"));
        exe(elsewhere.resolve("pg_dump"));
        Files.createSymbolicLink(lib.resolve("19"), elsewhere.getParent());
        show("+ 19 -> a symlink to another tree", "pg_dump", usrBin.toString(), wrapper, lib);
        // a PATH entry before /usr/bin with its own pg_dump (not the wrapper): used as is
        Path early = Files.createDirectories(root.resolve("early"));
        exe(early.resolve("pg_dump"));
        show("an earlier PATH entry with another pg_dump", "pg_dump", early + ":" + usrBin, wrapper, lib);
        // an earlier PATH entry holding a non-executable pg_dump (exec would skip it too)
        Path early2 = Files.createDirectories(root.resolve("early2"));
        Files.writeString(early2.resolve("pg_dump"), "x");
        show("an earlier non-executable pg_dump", "pg_dump", early2 + ":" + usrBin, wrapper, lib);
        // empty PATH entry (current directory) and relative entries
        show("PATH with an empty entry first", "pg_dump", ":" + usrBin, wrapper, lib);
        show("psql, newest with psql is < 13", "psql", usrBin.toString(), wrapper, lib);
        exe(Files.createDirectories(lib.resolve("12").resolve("bin")).resolve("psql"));
        show("psql only in 12", "psql", usrBin.toString(), wrapper, lib);
        for (String bad : new String[] {"pg_dump\0x", ".", "..", " pg_dump"}) {
            try {
                show("configured '" + bad.replace("\0", "\\0") + "'", bad, usrBin.toString(), wrapper, lib);
            } catch (RuntimeException e) {
                System.out.println("configured '" + bad.replace("\0", "\\0") + "': threw " + e);
            }
        }
    }

    private static void show(String label, String configured, String path, Path wrapper, Path lib) {
        System.out.println(label + ": " + PgClientTools.resolve(configured, path, wrapper, lib).orElse("(unchanged: " + configured + ")"));
    }

    private static Path exe(Path p) throws Exception {
        Files.writeString(p, "#!/bin/sh\necho " + p + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }
}
