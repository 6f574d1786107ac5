#!/usr/bin/env python3
# Runs inside the guest for `make bench` (started by harness/bench.sh):
# creates each task population in turn with bench-hold, times every method
# that reads it (a taskdiag dump and its /proc, ps or taskstats baselines),
# counts their system calls with strace, and writes everything as JSON for
# harness/bench-report.py on the host.
#
# Usage (in the guest): bench-guest.py TOOLS_DIR BENCH_HOLD OUT.json
#   [--procs 1000,10000,50000] [--threads 5000x10] [--maps 10x10000]
#   [--reps 5] [--reps-large 3] [--strace-max 2000] [--floor TD_ITER]
import argparse
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import time

ap = argparse.ArgumentParser()
ap.add_argument("tools")
ap.add_argument("hold")
ap.add_argument("out")
ap.add_argument("--procs", default="1000,10000,50000")
ap.add_argument("--threads", default="5000x10")
ap.add_argument("--maps", default="10x10000")
ap.add_argument("--reps", type=int, default=5)
# Repetitions at 20,000 tasks and more, where one /proc run takes seconds.
ap.add_argument("--reps-large", type=int, default=3)
# Under emulation strace costs 0.3 ms or more per syscall: the baselines,
# with a few syscalls per task, are counted only in populations of at most
# this many tasks (the dumps, with few, always).
ap.add_argument("--strace-max", type=int, default=2000)
# The BPF iterators' reader (harness/floor/td_iter.c): the floor rows.
ap.add_argument("--floor")
args = ap.parse_args()

TD = f"{args.tools}/task_diag_all"
COUNT = f"{args.tools}/td_count"
READ = f"{args.tools}/proc_read"
PROC = f"{args.tools}/task_proc_all"
TS = f"{args.tools}/taskstats_all"

# Method groups: the taskdiag dump first (td_count: receives and counts the
# messages, decodes nothing), then its baselines; all methods of a group
# read the same data: the tasks (processes or threads) and, for the memory
# map groups (per_mapping True), the mappings of the population. The fair
# baseline is the minimal reader (proc_read: open, read into 64 KiB, close;
# no parsing). Rows marked "decoded" or "tool" do more than that, on
# either side: task_diag_all decodes every attribute with libnl, task_proc_all
# parses the stat lines as ps does, ps and cat are what users run.
GROUPS = {
    "base": ("processes", False, [
        ("dump base", [COUNT, "all", "--show", "base"]),
        # The walk, the checks and the messages without a group's fields
        ("dump of the ids only (no group)", [COUNT, "all", "--show", ""]),
        ("dump base, decoded (task_diag_all)", [TD, "all", "--quiet"]),
        ("BPF task iterator (floor)", [args.floor, "task"]),
        ("/proc/PID/stat", [READ, "stat"]),
        ("/proc/PID/stat, parsed (task_proc_all)", [PROC, "all", "--quiet"]),
        ("tool: ps ax -o pid,ppid", ["ps", "ax", "-o", "pid,ppid"]),
        ("tool: ps -e -o pid,ppid,pgid,sid,comm",
         ["ps", "-e", "-o", "pid,ppid,pgid,sid,comm"]),
    ]),
    "cred": ("processes", False, [
        ("dump cred", [COUNT, "all", "--show", "base,cred"]),
        ("dump cred, decoded", [TD, "all", "--cred", "--quiet"]),
        ("/proc/PID/status", [READ, "status"]),
    ]),
    "stat": ("processes", False, [
        ("dump stat", [COUNT, "all", "--show", "base,stat"]),
        ("dump stat, decoded", [TD, "all", "--stat", "--quiet"]),
        ("/proc/PID/stat + io", [READ, "stat,io"]),
        ("taskstats, one query per pid", [TS]),
    ]),
    "vma": ("processes", True, [
        ("dump vma", [COUNT, "all", "--show", "vma"]),
        ("dump vma, decoded", [TD, "all", "--maps", "--quiet"]),
        ("BPF task_vma iterator (floor)", [args.floor, "task_vma"]),
        ("/proc/PID/maps", [READ, "maps"]),
        ("tool: cat /proc/[0-9]*/maps", ["sh", "-c", "cat /proc/[0-9]*/maps"]),
    ]),
    "vma-stat": ("processes", True, [
        ("dump vma-stat", [COUNT, "all", "--show", "vma-stat"]),
        ("dump vma-stat, decoded", [TD, "all", "--smaps", "--quiet"]),
        ("/proc/PID/smaps", [READ, "smaps"]),
        ("/proc/PID/smaps_rollup", [READ, "smaps_rollup"]),
    ]),
    "thread base": ("threads", False, [
        ("dump all-thread base", [COUNT, "All", "--show", "base"]),
        ("dump all-thread base, decoded", [TD, "All", "--quiet"]),
        ("/proc/PID/task/TID/stat", [READ, "stat", "--threads"]),
    ]),
    "thread vma": ("threads", False, [
        ("dump all-thread vma", [COUNT, "All", "--show", "vma"]),
        ("dump all-thread vma, decoded", [TD, "All", "--maps", "--quiet"]),
        # The dump sends each process's map once (in its leader's
        # message), as /proc/PID/maps has it: the same mappings.
        ("/proc/PID/maps", [READ, "maps"]),
    ]),
}

# Each program started for nothing, to show what starting it costs.
NOOPS = [
    ("td_count one --pid 1", [COUNT, "one", "--pid", "1"]),
    ("task_diag_all one --pid 1 --quiet", [TD, "one", "--pid", "1", "--quiet"]),
    ("td_iter load", [args.floor, "load"]),
    ("proc_read --help", [READ, "--help"]),
    ("task_proc_all --help", [PROC, "--help"]),
    ("taskstats_all --pid 1", [TS, "--pid", "1"]),
    # (Not ps -p 1: procps reads every process whatever it selects.)
    ("ps --version", ["ps", "--version"]),
]

# Without --floor, no floor rows.
if not args.floor:
    GROUPS = {g: (t, pm, [m for m in ms if m[1][0]])
              for g, (t, pm, ms) in GROUPS.items()}
    NOOPS = [n for n in NOOPS if n[1][0]]


def log(msg):
    print(f"[{time.monotonic():7.1f}] {msg}", flush=True)


def write(path, value):
    with open(path, "w") as f:
        f.write(f"{value}\n")


def run(argv):
    """One run: (wall ns, exit status, stderr, (user ns, system ns))."""
    t0 = time.perf_counter_ns()
    p = subprocess.Popen(argv, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE)
    err = p.stderr.read()
    # wait4() rather than wait(): the child's CPU time, user and system.
    _, status, ru = os.wait4(p.pid, 0)
    t1 = time.perf_counter_ns()
    p.returncode = os.waitstatus_to_exitcode(status)
    p.stderr.close()
    cpu = (int(ru.ru_utime * 1e9), int(ru.ru_stime * 1e9))
    return t1 - t0, p.returncode, err.decode(errors="replace"), cpu


def strace_run(argv):
    """One run under strace: (exit status, stderr, syscalls, bytes received
    by recvmsg/recvfrom). The count is exact: one line per syscall that
    returned (not exit_group, as strace -c)."""
    p = subprocess.run(["strace", "-f", "-qq", "-s", "0", "-o", "/tmp/strace",
                        *argv], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    calls = received = 0
    with open("/tmp/strace") as f:
        for line in f:
            m = re.match(r"\d+ +(\w+)\(.*\) += (-?\d+|0x[0-9a-f]+)", line)
            if not m:
                continue
            calls += 1
            if m.group(1) in ("recvmsg", "recvfrom") and m.group(2)[0] != "-":
                received += int(m.group(2))
    return p.returncode, p.stderr.decode(errors="replace"), calls, received


def first_run(name, argv, count):
    """A method's first run, which warms the caches and is not timed:
    under strace, counting its syscalls, if count is true."""
    r = {"method": name,
         "argv": " ".join([os.path.basename(argv[0]), *argv[1:]]),
         "runs": [], "walks": []}
    if count:
        status, err, r["syscalls"], received = strace_run(argv)
    else:
        _, status, err, _ = run(argv)
    if status:
        msg = (err.strip().splitlines() or [f"exit status {status}"])[-1]
        r["error"] = ("n/a (EOPNOTSUPP)" if "Operation not supported" in msg
                      else f"n/a ({msg})")
        log(f"  {name}: {r['error']}")
        return r
    # What the program says it read. (task_diag_all counts messages: a
    # task split over two is counted twice. ns/task uses the population.)
    m = re.search(r"(\d+) tasks(?:, (\d+) bytes)?", err)
    if m:
        r["listed"] = int(m.group(1))
        if m.group(2):
            r["bytes"] = int(m.group(2))
    if count and os.path.basename(argv[0]) in ("task_diag_all", "td_count"):
        r["bytes"] = received
    return r


def add_run(r, t, err, cpu):
    r["runs"].append((t, cpu))
    # td_count, proc_read and td_iter also time their walk alone: from
    # their first request or readdir to the end, without their start.
    r["walks"] += [int(w) for w in re.findall(r"walk (\d+) ns", err)]


def finish(r):
    runs, walks = r.pop("runs"), r.pop("walks")
    if "error" in r:
        return r
    if walks:
        r["walk_median_ns"] = int(statistics.median(walks))
        r["walk_min_ns"] = min(walks)
    times = [t for t, _ in runs]
    r["times_ns"] = times
    r["min_ns"] = min(times)
    r["median_ns"] = int(statistics.median(times))
    # CPU time of the run of median wall time (sampled at each tick).
    r["user_ns"], r["sys_ns"] = sorted(runs)[len(runs) // 2][1]
    walk = (f", walk min {r['walk_min_ns'] / 1e6:.1f} ms,"
            f" median {r['walk_median_ns'] / 1e6:.1f} ms" if walks else "")
    log(f"  {r['method']}: min {r['min_ns'] / 1e6:.1f} ms,"
        f" median {r['median_ns'] / 1e6:.1f} ms{walk},"
        f" {r.get('syscalls', '-')} syscalls")
    return r


def measure(methods, reps, counts):
    """Time each of methods (name, argv) reps times, in rounds that run
    every method once, so that whatever else the guest does at some moment
    (RCU callbacks and freeing after the population was made) weighs on
    all of them alike, after a first run of each that warms the caches (and
    counts the syscalls of those whose counts say so)."""
    results = [first_run(n, a, c) for (n, a), c in zip(methods, counts)]
    pairs = list(zip(results, [a for _, a in methods]))
    for i in range(reps):
        # Each round starts one method further, so that none always runs
        # right after the same other (whose work may leave the caches warm
        # for it or cold).
        k = i % len(pairs)
        for r, argv in pairs[k:] + pairs[:k]:
            if "error" not in r:
                t, _, err, cpu = run(argv)
                add_run(r, t, err, cpu)
    return [finish(r) for r in results]


def count_tasks():
    """Processes and threads now in /proc."""
    procs = threads = 0
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                threads += len(os.listdir(f"/proc/{d}/task"))
                procs += 1
            except FileNotFoundError:
                pass
    return procs, threads


def count_mappings():
    p = subprocess.run([PROC, "all", "--read", "maps"], stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, check=True)
    return int(re.search(r"(\d+) lines", p.stderr.decode()).group(1))


holders = []


def hold(procs, threads=1, mappings=0):
    """Start a bench-hold and wait until its population is set up."""
    t0 = time.monotonic()
    p = subprocess.Popen([args.hold, str(procs), str(threads), str(mappings)],
                         stdout=subprocess.PIPE)
    if p.stdout.readline().strip() != b"ready":
        sys.exit(f"bench-hold {procs} {threads} {mappings} failed")
    holders.append(p)
    log(f"started {procs} processes x {threads} threads, {mappings} more"
        f" mappings each, in {time.monotonic() - t0:.1f} s")


def release():
    t0 = time.monotonic()
    for p in holders:
        p.send_signal(signal.SIGTERM)
    for p in holders:
        p.wait()
    holders.clear()
    log(f"stopped the population in {time.monotonic() - t0:.1f} s")


def bench(label, x, groups):
    procs, threads = count_tasks()
    mappings = count_mappings()
    reps = args.reps if threads < 20000 else args.reps_large
    count = threads <= args.strace_max
    log(f"== {label}: {procs} processes, {threads} threads, {mappings}"
        f" mappings; {reps} runs per method")
    pop = {"label": label, "x": x, "processes": procs, "threads": threads,
           "mappings": mappings, "reps": reps, "groups": {}}
    pop["noop"] = measure([("start: " + n, a) for n, a in NOOPS], reps,
                          [True] * len(NOOPS))
    for g in groups:
        tasks, per_mapping, methods = GROUPS[g]
        counts = [i == 0 or count for i in range(len(methods))]
        pop["groups"][g] = {"tasks": tasks, "per_mapping": per_mapping,
                            "methods": measure(methods, reps, counts)}
    return pop


def main():
    t0 = time.monotonic()
    # Room for 50,000 processes and more threads than the default allows.
    write("/proc/sys/kernel/pid_max", 4194304)
    write("/proc/sys/kernel/threads-max", 1000000)
    with open("/sys/devices/system/clocksource/clocksource0/current_clocksource") as f:
        clock = f.read().strip()
    res = {"kernel": os.uname().release, "clocksource": clock,
           "cpus": os.cpu_count(),
           "mem_kb": int(open("/proc/meminfo").readline().split()[1]),
           "populations": []}
    log(f"kernel {res['kernel']}, clocksource {clock}, {res['cpus']} CPUs")

    proc_groups = ["base", "cred", "stat", "vma", "vma-stat", "thread vma"]
    have = 0
    for n in [int(s) for s in args.procs.split(",") if s]:
        # Each population grows the last one, which saves forking it again.
        hold(n - have)
        have = n
        res["populations"].append(bench(f"{n:,} processes", n, proc_groups))
    release()

    if args.threads:
        p, t = (int(s) for s in args.threads.split("x"))
        hold(p, t)
        res["populations"].append(bench(
            f"{p * t:,} threads in {p:,} processes", p * t,
            ["thread base", "thread vma"]))
        release()

    if args.maps:
        p, m = (int(s) for s in args.maps.split("x"))
        hold(p, 1, m)
        res["populations"].append(bench(
            f"{p:,} processes x {m:,} mappings", p * m, ["vma", "vma-stat"]))
        release()

    res["seconds"] = round(time.monotonic() - t0)
    with open(args.out, "w") as f:
        json.dump(res, f, indent=1)
    log(f"results in {args.out}")


main()
