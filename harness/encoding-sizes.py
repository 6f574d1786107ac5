#!/usr/bin/env python3
# Bytes per mapping of the vma and vma-stat groups, and per process of the
# stat group, under each candidate encoding, against the text of
# /proc/PID/maps, smaps, and stat + io, for every process this reader
# can see (run as root in the guest of make
# bench, or anywhere). The sizes are computed from what smaps shows with
# netlink's rules (4-byte attribute header, payload padded to 4 bytes;
# on x86-64 a u64 needs no pad attribute), so the options can be
# compared on one population without building each.
#
# Usage: encoding-sizes.py
import os
import re

NLA_HDR = 4


def nla(payload):
    """Bytes of one attribute of payload bytes."""
    return NLA_HDR + (payload + 3) // 4 * 4


# The smaps counters of the vma-stat group, in bytes (21 of them)
COUNTERS = ["Rss", "Pss", "Pss_Dirty", "Shared_Clean", "Shared_Dirty",
            "Private_Clean", "Private_Dirty", "Referenced", "Anonymous",
            "KSM", "LazyFree", "AnonHugePages", "ShmemPmdMapped",
            "FilePmdMapped", "Shared_Hugetlb", "Private_Hugetlb", "Swap",
            "SwapPss", "Locked", "KernelPageSize", "MMUPageSize"]


def mappings():
    """(maps line, smaps block, fields) of every mapping of every process."""
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/smaps") as f:
                text = f.read()
        except OSError:
            continue
        block = None
        for line in text.splitlines(keepends=True):
            if re.match(r"[0-9a-f]+-", line):
                if block:
                    yield block
                block = {"maps": line, "smaps": line, "f": {}}
                cols = line.split(None, 5)
                block["name"] = cols[5].rstrip("\n") if len(cols) > 5 else ""
                block["pgoff"] = int(cols[2], 16)
                block["dev"] = cols[3] != "00:00"
                block["inode"] = int(cols[4])
            elif block:
                block["smaps"] += line
                key, _, val = line.partition(":")
                block["f"][key] = val.split()[0] if val.split() else ""
        if block:
            yield block


def name_bytes(m):
    return nla(len(m["name"]) + 1) if m["name"] else 0


def vma_attrs(m, omit_zero):
    """The vma nest of single attributes, as today (omit_zero: an
    attribute that is 0 is left out)."""
    n = NLA_HDR + 3 * nla(8)                    # nest, start, end, flags
    n += 0 if omit_zero and not m["pgoff"] else nla(8)
    n += 0 if omit_zero and not m["inode"] else nla(8)
    n += 0 if omit_zero and not m["dev"] else 2 * nla(4)
    return n + name_bytes(m)


def vma_struct(m):
    """The vma nest with one struct: start, end, pgoff, flags, inode (u64),
    dev-major, dev-minor (u32): 48 bytes."""
    return NLA_HDR + nla(48) + name_bytes(m)


def vma_struct_split(m):
    """Two structs: start, end, flags for every mapping (24 bytes); pgoff,
    inode, dev-major, dev-minor for a file mapping only (24 bytes)."""
    file_part = nla(24) if m["dev"] or m["inode"] or m["pgoff"] else 0
    return NLA_HDR + nla(24) + file_part + name_bytes(m)


def stat_attrs(m, omit_zero):
    """The vma-stat nest of single attributes (omit_zero: counters left out
    when 0, THPeligible a flag attribute, present if 1; ProtectionKey kept
    where shown)."""
    n = NLA_HDR
    for key in COUNTERS:
        if not omit_zero or int(m["f"].get(key, "0")) != 0:
            n += nla(8)
    if not omit_zero:
        n += nla(1)
    elif m["f"].get("THPeligible", "0") != "0":
        n += nla(0)
    if "ProtectionKey" in m["f"]:
        n += nla(4)
    return n


def stat_struct(m):
    """One struct: 21 u64 counters, protection key (s32, -1 none), THP
    eligible (u8), 3 zeroed pad bytes: 176 bytes."""
    return nla(21 * 8 + 8)


def main():
    total = {}
    larger = {}     # mappings whose encoding is larger than their text
    count = 0
    for m in mappings():
        count += 1
        sizes = {
            "maps text": len(m["maps"]),
            "vma: attributes (before)": vma_attrs(m, False),
            "vma: attributes, zeros left out": vma_attrs(m, True),
            "vma: one struct": vma_struct(m),
            "vma: struct + file struct (chosen)": vma_struct_split(m),
            "smaps text": len(m["smaps"]),
            "vma-stat: attributes (before)":
                vma_attrs(m, False) + stat_attrs(m, False),
            "vma-stat: attributes, zeros left out":
                vma_attrs(m, True) + stat_attrs(m, True),
            "vma-stat: struct + counter struct":
                vma_struct(m) + stat_struct(m),
            "vma-stat: struct + counters, zeros left out":
                vma_struct(m) + stat_attrs(m, True),
            "vma-stat: 2 structs + counters, zeros left out (chosen)":
                vma_struct_split(m) + stat_attrs(m, True),
        }
        text = {"vma": len(m["maps"]), "vma-stat": len(m["smaps"])}
        for k, v in sizes.items():
            total[k] = total.get(k, 0) + v
            group = k.split(":")[0]
            if group in text and v > text[group]:
                larger[k] = larger.get(k, 0) + 1
    print(f"{count} mappings; bytes per mapping (whole group), and how many"
          " mappings are larger than their text:")
    for k, v in total.items():
        print(f"  {k:56s} {v / max(count, 1):7.1f} {larger.get(k, 0):7d}")


# The stat group's counters (left out when 0 where chosen) and its other
# fields (always sent): (stat field or source, bytes)
STAT_COUNTERS = [14, 15, 16, 17, 10, 12, 11, 13]    # times, faults
STAT_FIELDS = [(20, 4), (19, 4), (18, 4), (41, 4), (40, 4), (39, 4),
               (23, 8), (24, 8)]                   # threads .. rss
DELAYS = 16                                         # 8 kinds, count + total


def processes():
    """(stat text, io text, stat fields, io values, csw, schedstat) of every
    process whose stat and io this reader can read."""
    delayacct = open("/proc/sys/kernel/task_delayacct").read().strip() \
        if os.path.exists("/proc/sys/kernel/task_delayacct") else "0"
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/stat") as f:
                stat = f.read()
            with open(f"/proc/{pid}/io") as f:
                io = f.read()
            with open(f"/proc/{pid}/status") as f:
                status = f.read()
            with open(f"/proc/{pid}/schedstat") as f:
                sched = [int(x) for x in f.read().split()]
        except OSError:
            continue
        fields = [0, 0, 0] + stat[stat.rindex(")") + 2:].split()
        csw = [int(line.split()[1]) for line in status.splitlines()
               if line.endswith("ctxt_switches") or "ctxt_switches:" in line]
        yield {"text": len(stat) + len(io), "f": fields,
               "io": [int(line.split()[1]) for line in io.splitlines()],
               "csw": csw, "sched": sched, "delayacct": delayacct == "1"}


def stat_counters(p):
    """The values of the counters: times, faults, switches, io, delays.
    The cpu delay is schedstat's; the other delays are 0 unless delay
    accounting is on, then counted as not 0 (an upper bound)."""
    v = [int(p["f"][i]) for i in STAT_COUNTERS] + p["csw"] + p["io"]
    v += [p["sched"][2], p["sched"][1]] if len(p["sched"]) > 2 else [0, 0]
    return v + [int(p["delayacct"])] * (DELAYS - 2)


def stat_nest(p, omit_zero):
    """The stat nest of single attributes."""
    n = NLA_HDR + sum(nla(size) for _, size in STAT_FIELDS)
    return n + sum(nla(8) for v in stat_counters(p) if v or not omit_zero)


def stat_structs(p, omit_delays):
    """One struct for times, faults, switches and the fields (10 u64, 2 u64,
    6 u32: 120 bytes), one for io (7 u64); the delays as one struct (16
    u64) or as attributes left out when 0."""
    n = NLA_HDR + nla(120) + nla(56)
    if not omit_delays:
        return n + nla(DELAYS * 8)
    return n + sum(nla(8) for v in stat_counters(p)[-DELAYS:] if v)


def stat_main():
    total = {}
    larger = {}
    count = 0
    for p in processes():
        count += 1
        sizes = {
            "stat + io text": p["text"],
            "stat: attributes (before)": stat_nest(p, False),
            "stat: attributes, counters left out when 0 (chosen)":
                stat_nest(p, True),
            "stat: 3 structs": stat_structs(p, False),
            "stat: 2 structs + delays left out when 0":
                stat_structs(p, True),
        }
        for k, v in sizes.items():
            total[k] = total.get(k, 0) + v
            if k != "stat + io text" and v > p["text"]:
                larger[k] = larger.get(k, 0) + 1
    print(f"{count} processes; bytes per process of the stat nest (without"
          " the message, ids and base), and how many are larger than their"
          " text:")
    for k, v in total.items():
        print(f"  {k:56s} {v / max(count, 1):7.1f} {larger.get(k, 0):7d}")


main()
stat_main()
