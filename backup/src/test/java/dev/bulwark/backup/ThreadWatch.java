package dev.bulwark.backup;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Watches which threads appear while a piece of work runs: a recording thread factory (the
 * caller's) plus a sampler of {@link Thread#getAllStackTraces()}, so a test can assert that every
 * thread that appeared came from that factory.
 */
final class ThreadWatch implements ThreadFactory {
    /**
     * Threads the JVM or the JDBC driver start on their own and that no library can take from a
     * caller's factory: the JDK's per-JVM pool that waits for child processes (shared by every
     * {@code ProcessBuilder}), and pgjdbc's lazily started cleaner of unclosed resources.
     */
    static final Set<String> NOT_OURS = Set.of("process reaper", "PostgreSQL-JDBC-Cleaner");

    private final Set<Thread> made = Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));
    private final AtomicInteger count = new AtomicInteger();

    @Override
    public Thread newThread(Runnable r) {
        Thread t = new Thread(r, "caller-" + count.incrementAndGet());
        t.setDaemon(true);
        made.add(t);
        return t;
    }

    /** Returns how many threads the factory made. */
    int made() {
        return made.size();
    }

    /** A piece of work that may throw. */
    interface Work {
        void run() throws Exception;
    }

    /**
     * Runs {@code work} on this thread while sampling the JVM's threads; returns the names of the
     * threads that appeared meanwhile and did not come from this factory (nor {@link #NOT_OURS}).
     */
    Set<String> foreignThreadsDuring(Work work) throws Exception {
        Set<Thread> before = Collections.newSetFromMap(new IdentityHashMap<>());
        Set<Thread> seen = Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));
        AtomicInteger state = new AtomicInteger();
        Thread sampler = new Thread(() -> {
            while (state.get() == 0) {
                seen.addAll(Thread.getAllStackTraces().keySet());
                Thread.onSpinWait();
            }
        }, "thread-watch-sampler");
        sampler.setDaemon(true);
        before.addAll(Thread.getAllStackTraces().keySet());
        before.add(sampler);
        sampler.start();
        try {
            work.run();
        } finally {
            state.set(1);
            sampler.join();
        }
        seen.addAll(Thread.getAllStackTraces().keySet());
        Set<String> foreign = new TreeSet<>();
        List<Thread> all;
        synchronized (seen) {
            all = new ArrayList<>(seen);
        }
        for (Thread t : all) {
            if (!before.contains(t) && !made.contains(t) && !NOT_OURS.contains(t.getName())) {
                foreign.add(t.getName());
            }
        }
        return foreign;
    }
}
