#!/usr/bin/env python3
"""Runs in the guest for make check: the kernel's own YNL library (what
tools/net/ynl/cli.py uses) must decode every reply of a dump of each
strategy, read with a small receive buffer so that dumps span many
recvmsg() calls, and the tasks must be those /proc lists. Prints one
"RESULT PASS|FAIL name" line per check for harness/check.sh.

Usage (in the guest): harness/ynl-check.py KERNEL_TREE
"""
import os
import sys

tree = sys.argv[1]
sys.path.append(os.path.join(tree, 'tools/net/ynl'))
from lib import YnlFamily  # noqa: E402

# process_unknown=False: an attribute the spec does not describe is an error.
ynl = YnlFamily(os.path.join(tree, 'Documentation/netlink/specs/taskdiag.yaml'),
                os.path.join(tree, 'Documentation/netlink/genetlink-legacy.yaml'),
                process_unknown=False, recv_size=4096)


def proc_ids(path='/proc'):
    return {int(d) for d in os.listdir(path) if d.isdigit()}


def proc_tids():
    tids = set()
    for pid in proc_ids():
        try:
            tids |= proc_ids(f'/proc/{pid}/task')
        except FileNotFoundError:
            pass
    return tids


def check(name, request, listing):
    """Dump with request; every task /proc lists before and after must be
    there once, and nothing /proc never listed."""
    try:
        before = listing()
        replies = ynl.dump('task-get', request)
        after = listing()
    except Exception as e:  # a decoding error is what this looks for
        print(f'RESULT FAIL ynl-cli: {name}: {type(e).__name__}: {e}')
        return
    ids = [r['pid'] for r in replies]
    problems = []
    if len(ids) != len(set(ids)):
        problems.append('duplicates')
    if not (before & after) <= set(ids):
        problems.append(f'missing {sorted((before & after) - set(ids))}')
    if not set(ids) <= (before | after):
        problems.append(f'unknown {sorted(set(ids) - (before | after))}')
    if any('base' not in r or 'comm' not in r['base'] for r in replies):
        problems.append('base group not decoded')
    status = 'FAIL' if problems else 'PASS'
    print(f'RESULT {status} ynl-cli: {name} ({len(ids)} tasks) {" ".join(problems)}')


check('dump all', {'dump-strategy': 'all'}, proc_ids)
check('dump all-thread', {'dump-strategy': 'all-thread'}, proc_tids)
check('dump thread of pid 1', {'dump-strategy': 'thread', 'pid': 1},
      lambda: proc_ids('/proc/1/task'))
check('dump one', {'dump-strategy': 'one', 'pid': 1, 'show-flags': ['base']},
      lambda: {1})
try:
    reply = ynl.do('task-get', {'pid': os.getpid()})
    ok = reply['pid'] == os.getpid() and reply['base']['ppid'] == os.getppid()
    print(f'RESULT {"PASS" if ok else "FAIL"} ynl-cli: do own pid {reply}')
except Exception as e:
    print(f'RESULT FAIL ynl-cli: do own pid: {type(e).__name__}: {e}')

# A dump with vma makes messages up to 5 KiB: receive with 8 KiB.
ynl_vma = YnlFamily(os.path.join(tree, 'Documentation/netlink/specs/taskdiag.yaml'),
                    os.path.join(tree, 'Documentation/netlink/genetlink-legacy.yaml'),
                    process_unknown=False, recv_size=8192)


def maps_of(pid):
    """(start, end, name) of each line of /proc/PID/maps."""
    lines = []
    with open(f'/proc/{pid}/maps') as f:
        for line in f:
            cols = line.rstrip('\n').split(None, 5)
            start, end = (int(x, 16) for x in cols[0].split('-'))
            lines.append((start, end, cols[5] if len(cols) > 5 else None))
    return lines


def check_vma(name, request):
    """Dump with vma; the map of init (which just waits) must be the one
    /proc/1/maps shows."""
    try:
        before = maps_of(1)
        replies = ynl_vma.dump('task-get', request)
        after = maps_of(1)
    except Exception as e:
        print(f'RESULT FAIL ynl-cli: {name}: {type(e).__name__}: {e}')
        return
    mine = [(v['info']['start'], v['info']['end'], v.get('name'))
            for r in replies if r['pid'] == 1
            for v in r.get('vma', [])]
    nvma = sum(len(r.get('vma', [])) for r in replies)
    ok = mine in (before, after) and nvma > len(replies)
    print(f'RESULT {"PASS" if ok else "FAIL"} ynl-cli: {name} '
          f'({len(replies)} messages, {nvma} mappings)'
          f'{"" if ok else f" own map {mine} != {before}"}')


check_vma('dump all vma', {'dump-strategy': 'all', 'show-flags': ['vma']})
check_vma('dump all vma-stat',
          {'dump-strategy': 'all', 'show-flags': ['base', 'vma-stat']})
