package dev.bulwark.core.internal;

import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Thread factories for the background work of Bulwark's modules: daemon threads (a library never
 * keeps a JVM alive), named after what they do, with uncaught failures logged instead of lost.
 */
public final class Threads {
    private static final Logger LOG = LoggerFactory.getLogger(Threads.class);

    private Threads() {
    }

    /**
     * A factory of daemon threads named {@code name}, then {@code name-2}, {@code name-3}...
     *
     * @param name thread name, such as {@code bulwark-pool-monitor-main}
     * @return the factory
     */
    public static ThreadFactory daemon(String name) {
        Objects.requireNonNull(name, "name");
        AtomicInteger count = new AtomicInteger();
        return task -> {
            int n = count.incrementAndGet();
            return daemonThread(task, n == 1 ? name : name + "-" + n);
        };
    }

    /**
     * A new, not yet started, daemon thread.
     *
     * @param task what it runs
     * @param name its name
     * @return the thread
     */
    public static Thread daemonThread(Runnable task, String name) {
        Thread t = new Thread(task, name);
        t.setDaemon(true);
        t.setUncaughtExceptionHandler((thread, e) -> LOG.error("{} failed", thread.getName(), e));
        return t;
    }
}
