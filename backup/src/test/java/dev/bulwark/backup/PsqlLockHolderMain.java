package dev.bulwark.backup;

import dev.bulwark.backup.internal.PgDumpSource;

/**
 * Child process for {@link KilledLockHolderIT}: takes the command line's advisory lock (held by a
 * psql session) on {@code args[3]}, says {@code LOCKED}, then hangs until the parent kills it.
 */
public final class PsqlLockHolderMain {
    private PsqlLockHolderMain() {
    }

    public static void main(String[] args) throws Exception {
        BackupLock lock = new PgDumpSource(args[0], args[1], args[2], BackupSettings.builder().build())
                .advisoryLock(Long.parseLong(args[3]));
        if (lock.tryAcquire().isEmpty()) {
            System.out.println("BUSY");
            return;
        }
        System.out.println("LOCKED");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
