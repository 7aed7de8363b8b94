package dev.bulwark.backup;

/** A backup (or prune) was triggered while another one holds the lock, here or in another instance. */
public final class BackupAlreadyRunningException extends BackupException {
    private static final long serialVersionUID = 1L;

    /**
     * Says that a backup or prune is already running and who holds the lock.
     *
     * @param holder which lock is held (in this process, another process, another instance)
     */
    public BackupAlreadyRunningException(String holder) {
        super("a backup is already running (" + holder + "); this trigger was not run, try again when it ends");
    }
}
