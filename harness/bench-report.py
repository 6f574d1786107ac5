#!/usr/bin/env python3
# make bench, on the host: turn the guest's measurements (bench.json from
# harness/bench-guest.py) into a Markdown table (OUTDIR/bench.md), a plot
# of ns per task against the population (OUTDIR/bench.png, with gnuplot),
# and PASS/FAIL lines for the targets of the benchmark issue. Prints the
# Markdown.
#
# Usage: bench-report.py BENCH.json OUTDIR HOST_CPU SECONDS
import datetime
import json
import subprocess
import sys

res = json.load(open(sys.argv[1]))
outdir, host_cpu, seconds = sys.argv[2], sys.argv[3], int(sys.argv[4])
pops = res["populations"]


def ms(ns):
    return f"{ns / 1e6:,.1f}"


def num(v, digits=0):
    if v >= 100 or not digits:
        return f"{v:,.0f}"
    return f"{v:,.{digits}f}"


def tasks_of(pop, group):
    return pop[group["tasks"]]


def dump_of(group):
    """The group's dump: its first method."""
    return group["methods"][0]


def speedup(group, m):
    """How many times faster the dump is than method m (medians)."""
    d = dump_of(group)
    if m is d or "error" in d or "error" in m:
        return None
    return m["median_ns"] / d["median_ns"]


def noop(pop, m):
    """The no-op run of method m's program."""
    for n in pop["noop"]:
        if n["argv"].split()[0] == m["argv"].split()[0] and "error" not in n:
            return n
    return None


def walk_speedup(group, m):
    """speedup() of the walks the programs time themselves, from their
    first request or readdir to the end: what reading the tasks costs on
    each side without the program's start; None if either has none. Of
    the shortest walks: on a shared host, bursts of other load slow a few
    consecutive rounds of every method by up to 1.7x, which a median of 5
    runs does not always leave out, and not for each method alike."""
    d = dump_of(group)
    if m is d or "walk_min_ns" not in d or "walk_min_ns" not in m:
        return None
    return m["walk_min_ns"] / d["walk_min_ns"]


def net_speedup(pop, group, m):
    """speedup() with each program's start (its no-op run) taken out."""
    d = dump_of(group)
    nd, nm = noop(pop, d), noop(pop, m)
    if (not nd or not nm or d["median_ns"] <= nd["median_ns"] or
            m["median_ns"] <= nm["median_ns"]):
        return None
    return ((m["median_ns"] - nm["median_ns"]) /
            (d["median_ns"] - nd["median_ns"]))


# The main table: one row per population and method.
rows = ["| population | method | tasks | min ms | median ms | walk ms | "
        "user/sys ms | ns/task | ns/mapping | dump speed-up | walk speed-up | "
        "bytes/task | syscalls | syscalls/100 tasks |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"]
for pop in pops:
    for gname, g in pop["groups"].items():
        n = tasks_of(pop, g)
        for m in g["methods"]:
            cells = [pop["label"], f"{gname}: {m['method']}", f"{n:,}"]
            if "error" in m:
                rows.append("| " + " | ".join(cells + [m["error"]] +
                                              [""] * 10) + " |")
                continue
            s, ws = speedup(g, m), walk_speedup(g, m)
            cells += [ms(m["min_ns"]), ms(m["median_ns"]),
                      ms(m["walk_min_ns"]) if "walk_min_ns" in m else "",
                      f"{m['user_ns'] / 1e6:,.0f}/{m['sys_ns'] / 1e6:,.0f}",
                      num(m["median_ns"] / n, 1),
                      num(m["median_ns"] / pop["mappings"], 2)
                      if g["per_mapping"] else "",
                      "dump" if m is dump_of(g) else
                      (f"{s:.1f}x" if s else "n/a"),
                      "dump" if m is dump_of(g) else
                      (f"{ws:.1f}x" if ws else ""),
                      num(m["bytes"] / n) if "bytes" in m else "",
                      f"{m['syscalls']:,}" if "syscalls" in m else "-",
                      num(100 * m["syscalls"] / n, 2)
                      if "syscalls" in m else "-"]
            rows.append("| " + " | ".join(cells) + " |")

starts = ["| population | program start (no-op run) | min ms | median ms | "
          "syscalls |", "|---|---|--:|--:|--:|"]
for pop in pops:
    for m in pop["noop"]:
        if "error" in m:
            starts.append(f"| {pop['label']} | `{m['argv']}` | {m['error']} | | |")
        else:
            starts.append(f"| {pop['label']} | `{m['argv']}` | {ms(m['min_ns'])} "
                          f"| {ms(m['median_ns'])} | {m['syscalls']:,} |")

# The targets of the issue, from the table.
results = []


def target(ok, text):
    results.append(("PASS " if ok else "FAIL ") + text)


def find(pop, group, method):
    g = pop["groups"].get(group)
    if not g:
        return None, None
    for m in g["methods"]:
        if m["method"] == method:
            return g, m
    return g, None


def ratio_target(pop, group, method, want, what):
    """The dump want times faster than method: by the walks both programs
    time (the reading alone) where both do, by whole program runs if not;
    the other figures are printed too."""
    g, m = find(pop, group, method)
    if not g or not m:
        return
    s, ws = speedup(g, m), walk_speedup(g, m)
    if s is None:
        err = dump_of(g).get("error") or m.get("error")
        target(False, f"{what} at {pop['label']}: not measured, {err}")
        return
    net = net_speedup(pop, g, m)
    other = f"{s:.1f}x whole runs" + (f", {net:.1f}x net of program start"
                                      if net else "")
    if ws:
        target(ws >= want, f"{what} at {pop['label']}: {ws:.1f}x by the"
               f" walks (want >= {want}x; {other})")
    else:
        target(s >= want, f"{what} at {pop['label']}: {s:.1f}x (want >="
               f" {want}x; {other})")


def bytes_target(pop, group, method, what):
    """The dump's bytes per task at most the text's (minimal reader)."""
    g, m = find(pop, group, method)
    if not g or not m or "bytes" not in m or "bytes" not in dump_of(g):
        return
    d, n = dump_of(g)["bytes"], pop["mappings"] if g["per_mapping"] else tasks_of(pop, g)
    target(d <= m["bytes"], f"{what} at {pop['label']}: {d / n:,.1f} vs"
           f" {m['bytes'] / n:,.1f} bytes per {'mapping' if g['per_mapping'] else 'task'}")


by_x = {p["x"]: p for p in pops if "base" in p["groups"]}
for x in (10000, 50000):
    if x in by_x:
        ratio_target(by_x[x], "base", "/proc/PID/stat", 10,
                     "base dump faster than the minimal /proc/PID/stat reader")
for pop in pops:
    # 10,000 processes of ~20-40 mappings: 4x; a few huge maps: 1.5x
    want = 1.5 if pop["mappings"] > 100 * pop["processes"] else 4
    ratio_target(pop, "vma", "/proc/PID/maps", want,
                 "vma dump faster than the minimal /proc/PID/maps reader")
    bytes_target(pop, "vma", "/proc/PID/maps", "vma dump no larger than maps text")
for pop in pops:
    ratio_target(pop, "vma-stat", "/proc/PID/smaps", 1.5,
                 "vma-stat dump faster than the minimal /proc/PID/smaps reader")
    bytes_target(pop, "vma-stat", "/proc/PID/smaps",
                 "vma-stat dump no larger than smaps text")
# The contract's rule for every reply: never larger than the text it replaces
for pop in pops:
    bytes_target(pop, "base", "/proc/PID/stat",
                 "base dump no larger than stat text")
    bytes_target(pop, "cred", "/proc/PID/status",
                 "cred dump no larger than status text")
    bytes_target(pop, "stat", "/proc/PID/stat + io",
                 "stat dump no larger than stat and io text")


def floor_target(pop, group, method, what):
    """The dump within 1.5x of the BPF iterator, both by the walks their
    programs time (the dump's from its request to its end, the iterator's
    from creating it to its end; loading BPF programs, the iterator's
    start, is long and varies too much to be taken out by a no-op run)."""
    g, m = find(pop, group, method)
    if not g or not m:
        return
    d = dump_of(g)
    if "error" in d or "error" in m or "walk_min_ns" not in d or \
            "walk_min_ns" not in m:
        err = d.get("error") or m.get("error") or "no walk time"
        target(False, f"{what} at {pop['label']}: not measured, {err}")
        return
    dump, walk = d["walk_min_ns"], m["walk_min_ns"]
    target(dump <= 1.5 * walk, f"{what} at {pop['label']}: {dump / walk:.2f}x"
           f" the floor (want <= 1.5x; dump {ms(dump)} ms, BPF walk"
           f" {ms(walk)} ms)")


for x in (10000, 50000):
    if x in by_x:
        floor_target(by_x[x], "base", "BPF task iterator (floor)",
                     "base dump per task near the BPF task iterator")
for pop in pops:
    floor_target(pop, "vma", "BPF task_vma iterator (floor)",
                 "vma dump per mapping near the BPF task_vma iterator")
if len(by_x) > 1:
    lo, hi = by_x[min(by_x)], by_x[max(by_x)]
    ds = [dump_of(p["groups"]["base"]) for p in (lo, hi)]
    per = [d["median_ns"] / p["processes"] for d, p in zip(ds, (lo, hi))]
    net = [(d["median_ns"] - noop(p, d)["median_ns"]) / p["processes"]
           for d, p in zip(ds, (lo, hi))]
    target(per[1] <= 1.3 * per[0],
           f"base dump ns/task at {hi['label']} within 1.3x of {lo['label']}:"
           f" {per[1]:,.0f} vs {per[0]:,.0f} ns ({per[1] / per[0]:.2f}x;"
           f" net of program start {net[1]:,.0f} vs {net[0]:,.0f} ns,"
           f" {net[1] / net[0]:.2f}x)")
for x, pop in sorted(by_x.items()):
    d = dump_of(pop["groups"]["base"])
    n = pop["processes"]
    if "error" in d:
        continue
    n0 = noop(pop, d)
    calls, start = d["syscalls"], n0["syscalls"] if n0 else None
    # The dump's calls, not the program's start, which alone takes more
    # than 10 calls (1 per 100 of 1,000 tasks) in any program
    if start is not None:
        target(calls - start <= n / 100,
               f"base dump syscalls at most 1 per 100 tasks at {pop['label']},"
               f" beyond the {start} of the no-op run: {calls - start}"
               f" ({100 * (calls - start) / n:.2f} per 100; whole program"
               f" {calls}, {100 * calls / n:.2f} per 100)")
    else:
        target(calls <= n / 100,
               f"base dump syscalls at most 1 per 100 tasks at {pop['label']},"
               f" whole program (no no-op run): {calls} for {n:,} tasks"
               f" ({100 * calls / n:.2f} per 100)")
npass = sum(r.startswith("PASS") for r in results)
results.append(f"targets: {npass} passed, {len(results) - npass} failed")

# The plot: ns per task (median) against the process population, per method.
plotted = [by_x[x] for x in sorted(by_x)]
series = []
for gname, g in plotted[0]["groups"].items() if plotted else []:
    for i, m in enumerate(g["methods"]):
        pts = []
        for p in plotted:
            pm = p["groups"][gname]["methods"][i]
            if "error" not in pm:
                pts.append((p["processes"], pm["median_ns"] / p["processes"]))
        if pts:
            series.append((f"{gname}: {m['method']}", pts))
with open(f"{outdir}/bench.dat", "w") as f:
    for title, pts in series:
        f.write(f'"{title}"\n')
        for x, y in pts:
            f.write(f"{x} {y:.1f}\n")
        f.write("\n\n")
# One colour per group; the dump solid and thick, its baselines dashed.
palette = ["#9400d3", "#009e73", "#56b4e9", "#e69f00", "#d55e00", "#0072b2",
           "#cc79a7", "#000000"]
colours = {}
curves = []
for i, (title, _) in enumerate(series):
    group, method = title.split(": ", 1)
    colours.setdefault(group, palette[len(colours) % len(palette)])
    style = ("lw 2.5 dt 1" if method.startswith("dump")
             else f"lw 1.2 dt {2 + sum(t.startswith(group + ': ') for t, _ in series[:i])}")
    curves.append(f'"{outdir}/bench.dat" index {i} using 1:2 with linespoints'
                  f' lc rgb "{colours[group]}" {style} pt 7 ps 0.8 title columnheader(1)')
plot = f"""set terminal pngcairo size 1200,750 font ",10" noenhanced
set output "{outdir}/bench.png"
set title "task_diag vs /proc, ps, taskstats: Linux {res['kernel']}, QEMU TCG guest on {host_cpu}"
set xlabel "processes"
set ylabel "ns per process (median run, program start included)"
set logscale xy
set xrange [700:75000]
set grid
set key outside right
plot {", ".join(curves)}
"""
with open(f"{outdir}/bench.gp", "w") as f:
    f.write(plot)
if series:
    subprocess.run(["gnuplot", f"{outdir}/bench.gp"], check=True)

commit = subprocess.run(["git", "-C", sys.path[0], "describe", "--always",
                         "--dirty"], capture_output=True, text=True).stdout.strip()
reps = sorted({p["reps"] for p in pops})
md = f"""## make bench: task_diag against /proc, the BPF iterators, ps and taskstats

Linux {res['kernel']} (bench config: production + BPF, BTF) in a QEMU TCG guest ({res['cpus']} vCPUs,
{res['mem_kb'] // 1024:,} MiB, clocksource {res['clocksource']}) on {host_cpu};
{datetime.date.today()}, commit {commit}; guest run {res['seconds']} s,
`make bench` after the build {seconds} s.

Wall time of whole program runs, start included (see the no-op runs below),
min and median of {' or '.join(map(str, reps))} runs, taken in rounds that run
every method of a group once (each round starting one method further), after a
first run of each that warms the caches;
walk ms: the shortest time the program measures itself, from its first
request (td_count), readdir of /proc (proc_read) or iterator (td_iter) to the
end, without its start; user/sys: CPU time of the
median run; ns/task and ns/mapping from the median; dump speed-up = the method's
median / the dump's median; walk speed-up the same of the shortest walks, which the
speed targets use where both sides have one; bytes/task: netlink bytes received (dumps: as
td_count counts them, or strace; taskstats) or /proc bytes read (proc_read);
the dump is td_count, which receives and counts messages without decoding,
against proc_read, the minimal /proc reader (open, read into 64 KiB, to the
end for maps and smaps, close; no parsing); the floor is td_iter, a BPF task
or task_vma iterator writing the same fields as fixed records; "decoded",
"parsed" and "tool" rows do more work than these, on either side; syscalls: every
syscall of the first run, which warms the caches, traced by
`strace -f`. The baselines' syscalls are counted only in populations of at most
2,000 tasks (strace costs 0.3 ms or more per syscall under emulation, and a
baseline's syscalls per task do not change with the population), the dumps' in
all. Under emulation compare ratios, not absolute times.

{chr(10).join(rows)}

{chr(10).join(starts)}

Targets (from the table above):

```
{chr(10).join(results)}
```

![ns per task against the population]({outdir}/bench.png)
"""
with open(f"{outdir}/bench.md", "w") as f:
    f.write(md)
print(md)
print(f"table: {outdir}/bench.md, plot: {outdir}/bench.png")
