#!/usr/bin/env python3
"""CPU the Docker engine and the OCI runtime spend per container lifecycle (root, perf).

    sandbox-seccomp/scripts/engine-cpu.py RUNS -- COMMAND...

Runs COMMAND (expected to drive RUNS container lifecycles: a loop of `docker run --rm -i ...`, or
the JVM harness dev.bulwark.sandbox.bench.EngineCpuHarness) under `perf record -e cpu-clock -a`
(every CPU sampled 999 times a second, whatever runs) and prints the CPU per run by command name:
the engine (dockerd, containerd), the shims and the OCI runtime (containerd-shim, runc and its
re-executed stages, runsc), the container's init and program, the docker CLI. The JVM harness prints its own CPU per run
(OperatingSystemMXBean), since other JVMs on a shared machine carry the same thread names.
Short-lived processes are counted exactly as long as they run (BSD process accounting rounds each
process down to 10 ms, which loses every runc call). Other work on the machine shows under its
own names and is left out of the sums; containers the engine created in the window without our
labels are counted, so a polluted measurement shows.
"""
import collections, os, re, subprocess, sys, tempfile, time

FREQ = 999
ENGINE = ('dockerd', 'containerd')
RUNTIME = ('containerd-shim', 'runc', 'runc:[0:PARENT]', 'runc:[1:CHILD]', 'runc:[2:INIT]', 'exe', 'runsc',
           'runsc-gofer', 'runsc-sandbox')
CONTAINER = ('docker-init', 'python3', 'tini')
CALLER = ('docker',)


def main():
    runs = int(sys.argv[1])
    cmd = sys.argv[sys.argv.index('--') + 1:]
    fd, data = tempfile.mkstemp(prefix='perf-', suffix='.data')
    os.close(fd)
    since = int(time.time())
    load = os.getloadavg()
    t0 = time.time()
    wrapped = ['perf', 'record', '-q', '-e', 'cpu-clock', '-F', str(FREQ), '-a', '-o', data, '--',
               'sh', '-c', '"$@"; rc=$?; sleep 2; exit $rc', 'sh'] + cmd  # +2 s: removals and shims of the last runs
    rc = subprocess.run(wrapped).returncode
    wall = time.time() - t0
    until = int(time.time())
    report = subprocess.run(['perf', 'report', '-i', data, '--sort', 'comm', '--stdio', '-n', '-g', 'none'],
                            capture_output=True, text=True).stdout
    # 'exe' is any binary started as /proc/self/exe: dockerd's re-executions (network setup hooks) or runsc
    exe = subprocess.run(['perf', 'report', '-i', data, '--comm', 'exe', '--sort', 'dso', '--stdio', '-n', '-g',
                          'none'], capture_output=True, text=True).stdout
    os.unlink(data)
    samples = collections.Counter()
    for line in report.splitlines():
        m = re.match(r'\s*[\d.]+%\s+(?:[\d.]+%\s+)?(\d+)\s+(.+?)\s*$', line)
        if m:
            samples[m.group(2)] += int(m.group(1))
    ev = subprocess.run(['docker', 'events', '--since', str(since), '--until', str(until), '--filter',
                         'event=create', '--format', '{{json .Actor.Attributes}}'],
                        capture_output=True, text=True).stdout.splitlines()
    foreign = sum(1 for e in ev if e and 'dev.bulwark' not in e)
    print('command exit %d, %d runs, wall %.1f s, load average before %.2f %.2f %.2f, after %.2f %.2f %.2f'
          % ((rc, runs, wall) + load + os.getloadavg()))
    print('containers created in the window without a dev.bulwark label: %d' % foreign)

    def ms(names):
        return sum(samples[n] for n in names) * 1000.0 / FREQ / runs

    for group, names in (('engine', ENGINE), ('shims + OCI runtime', RUNTIME), ('container init + program', CONTAINER),
                         ('docker CLI', CALLER)):
        parts = ', '.join('%s %.1f' % (n, ms([n])) for n in names if samples[n])
        print('  %-26s %7.1f ms CPU per run  (%s)' % (group, ms(names), parts))
    eng = ms(ENGINE) + ms(RUNTIME)
    print('engine + shims + OCI runtime: %.1f ms CPU per run -> at most %.1f runs/s on %d cores when nothing else runs'
          % (eng, os.cpu_count() * 1000.0 / eng if eng else 0, os.cpu_count()))
    exe_dsos = []
    for line in exe.splitlines():
        m = re.match(r'\s*[\d.]+%\s+(?:[\d.]+%\s+)?(\d+)\s+(.+?)\s*$', line)
        if m and int(m.group(1)) * 1000.0 / FREQ / runs >= 0.5:
            exe_dsos.append('%s %.1f' % (m.group(2), int(m.group(1)) * 1000.0 / FREQ / runs))
    if exe_dsos:
        print('  exe by binary (ms per run): ' + ', '.join(exe_dsos))
    top = ', '.join('%s %.0f' % (k, v * 1000.0 / FREQ / runs) for k, v in samples.most_common(12))
    print('top commands (ms per run): ' + top)
    sys.exit(rc)


main()
