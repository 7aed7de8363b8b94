package dev.bulwark.sandbox;

import java.time.Duration;

/**
 * What a run produced.
 *
 * @param exitCode the program's exit code (128 + signal when killed by a signal)
 * @param signal the killing signal number, or 0
 * @param stdout captured standard output (UTF-8, at most the configured cap)
 * @param stderr captured standard error (UTF-8, at most the configured cap)
 * @param stdoutTruncated whether output beyond the cap was discarded
 * @param stderrTruncated whether error output beyond the cap was discarded
 * @param timedOut whether the wall-clock limit killed it (also when a process of the run was
 *     OOM-killed before: both flags are then true)
 * @param oomKilled whether the memory limit killed it, or one of its processes
 * @param duration wall time from start to exit
 * @param peakMemoryBytes highest memory the engine's stats reported during the run (sampled about once a
 *        second), else -1
 * @param stdoutBytes every byte the program wrote to standard output, kept or discarded
 * @param stderrBytes every byte the program wrote to standard error, kept or discarded
 */
public record SandboxResult(long exitCode, int signal, String stdout, String stderr, boolean stdoutTruncated,
        boolean stderrTruncated, boolean timedOut, boolean oomKilled, Duration duration, long peakMemoryBytes,
        long stdoutBytes, long stderrBytes) {

    /**
     * Bytes the program wrote to standard output and error together: its output budget use.
     *
     * @return {@code stdoutBytes + stderrBytes}
     */
    public long outputBytes() {
        return stdoutBytes + stderrBytes;
    }

    /**
     * Whether the output cap was hit on either stream (the rest was discarded, never stored).
     *
     * @return {@code stdoutTruncated || stderrTruncated}
     */
    public boolean outputCapHit() {
        return stdoutTruncated || stderrTruncated;
    }

    /** True when the program exited 0 on its own. */
    public boolean succeeded() {
        return exitCode == 0 && !timedOut && !oomKilled;
    }
}
