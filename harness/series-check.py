#!/usr/bin/python3
"""Helpers of harness/series-check.sh.

series-check.py warnings LOG TREE OUT.json [BASE.json]
    Read the output of one kbuild run of source tree TREE (make -Otarget W=1 C=1, not -s, so
    that each object's block starts with its "  CC      path.o" line and
    sparse's part with "  CHECK   path.c"), and write, per object, the
    compiler's and sparse's diagnostics to OUT.json. With BASE.json (the
    same for the pristine tree), print the diagnostics each object has
    more of than it had there, "w1: ..." for the compiler's and
    "sparse: ..." for sparse's ("accepted: ..." for those not counted,
    "error: ..." for the compiler's errors). Diagnostics are compared without their
    line and column numbers, as a multiset per object, so that code moved
    by a patch does not count as new; sparse's "context imbalance in 'f'"
    without the function's name too, so that a report that moves with its
    code into a new function (a helper split out of f) does not either.
    Not counted after the base: sparse's context imbalance in a function
    that reads a seqlock_t with scoped_seqlock_read() or
    read_seqbegin_or_lock*() (see seqlock_reader()).

series-check.py symbols LIST
    LIST has lines "commit object nm-output-file" in commit order, the
    first commit being the base. Print the global symbols an object of a
    commit uses that the series' objects define only in a later commit
    (the kernel would not link at that commit).

series-check.py rst FILE...
    Parse reStructuredText files with docutils and print every message of
    level WARNING or above. Sphinx's own roles and directives (:c:func:,
    :doc:, .. toctree::, .. kernel-doc::, ...), which docutils does not
    know, are registered as inert ones, so that only rst errors count.
"""
import collections
import json
import re
import sys

DIAG = re.compile(r'^(?P<file>[^\s:]+):(?P<line>\d+):(?:(?P<col>\d+):)? '
                  r'(?P<kind>warning|error): (?P<msg>.*)$')
HEADER = re.compile(r'^  (?P<tag>[A-Z0-9_]+) +(?P<what>\S+)$')


def tree_path(path):
    """A source path as the tree names it, without the build's prefix."""
    path = re.sub(r'^.*?series-git/', '', path)
    return path


SEQLOCK_READERS = re.compile(r'\b(scoped_seqlock_read|read_seqbegin_or_lock\w*)\b')
IMBALANCE = re.compile(r"^context imbalance in '(\w+)' - "
                       r"different lock contexts for basic block$")


def seqlock_reader(source, func):
    """Whether function func of file source reads a seqlock_t with one of
    the readers that take the lock on their second pass. Sparse cannot
    follow that conditional locking and reports a context imbalance in
    every function that uses them (upstream's own do_task_stat() and
    do_io_accounting() among them): not a finding."""
    try:
        with open(source, errors='replace') as f:
            lines = f.read().split('\n')
    except OSError:
        return False
    start = re.compile(r'^\S.*\b%s\(' % re.escape(func))
    for i, line in enumerate(lines):
        if start.match(line) and not line.rstrip().endswith(';'):
            body = []
            for line in lines[i:]:
                body.append(line)
                if line == '}':
                    break
            return bool(SEQLOCK_READERS.search('\n'.join(body)))
    return False


def parse_log(log, tree, accept):
    """{object: {"w1": [(key, text)], "sparse": [(key, text)]}}"""
    objs = {}
    cur = tool = None
    with open(log, errors='replace') as f:
        for line in f:
            line = line.rstrip('\n')
            m = HEADER.match(line)
            if m:
                if m['tag'] == 'CC' and m['what'].endswith('.o'):
                    cur = m['what']
                    tool = 'w1'
                    objs.setdefault(cur, {'w1': [], 'sparse': []})
                elif m['tag'] == 'CHECK' and cur:
                    tool = 'sparse'
                else:
                    cur = None
                continue
            m = DIAG.match(line)
            if not m or not cur:
                continue
            path = tree_path(m['file'])
            if tool == 'w1' and m['kind'] == 'error':
                # the build failed: series-bisect says so
                objs[cur].setdefault('errors', []).append(
                    '%s:%s: error: %s' % (path, m['line'], m['msg']))
                continue
            text = '%s:%s: %s: %s' % (path, m['line'], m['kind'], m['msg'])
            diags = objs[cur][tool]
            if m['msg'].startswith(' ') and diags:
                # sparse's detail lines ("expected ...", "got ...")
                key, prev = diags[-1]
                diags[-1] = (key + '|' + m['msg'].strip(), prev + '\n' + text)
                continue
            msg = m['msg']
            imbalance = IMBALANCE.match(msg)
            if accept and tool == 'sparse' and imbalance and seqlock_reader(
                    '%s/%s.c' % (tree, cur[:-2]), imbalance[1]):
                objs[cur].setdefault('accepted', []).append(text)
                continue
            if tool == 'sparse':
                # the same report, moved with its code to another function
                msg = re.sub(r"^context imbalance in '[^']*'",
                             'context imbalance in a function', msg)
            diags.append(('%s: %s: %s' % (path, m['kind'], msg), text))
    return objs


def warnings(args):
    # At the base, every report counts: sparse reports one imbalance per
    # function, which may have other causes there too.
    objs = parse_log(args[0], args[1], len(args) > 3)
    with open(args[2], 'w') as f:
        json.dump(objs, f, indent=1)
    if len(args) < 4:
        for obj in sorted(objs):
            for text in objs[obj].get('errors', []):
                print('error: %s' % text)
        return 0
    with open(args[3]) as f:
        base = json.load(f)
    for obj in sorted(objs):
        for tool in ('w1', 'sparse'):
            had = collections.Counter(
                k for k, _ in base.get(obj, {}).get(tool, []))
            has = collections.Counter(k for k, _ in objs[obj][tool])
            for key in sorted(k for k in has if has[k] > had[k]):
                texts = [t for k, t in objs[obj][tool] if k == key]
                if had[key]:
                    print('%s: %s has %d of these, %d at the base:'
                          % (tool, obj, has[key], had[key]))
                for text in texts:
                    for line in text.split('\n'):
                        print('%s: %s%s' % (tool, '  ' if had[key] else '',
                                            line))
        for text in objs[obj].get('accepted', []):
            print('accepted: %s' % text)
        for text in objs[obj].get('errors', []):
            print('error: %s' % text)
    return 0


def symbols(args):
    defined = collections.defaultdict(set)    # commit -> symbols
    used = collections.defaultdict(list)      # commit -> [(sym, obj)]
    order = []
    with open(args[0]) as f:
        for line in f:
            commit, obj, nmfile = line.split()
            if commit not in order:
                order.append(commit)
            with open(nmfile) as nm:
                for sym_line in nm:
                    parts = sym_line.split()
                    if len(parts) == 2 and parts[0] == 'U':
                        used[commit].append((parts[1], obj))
                    elif len(parts) == 3 and parts[1].isupper() \
                            and parts[1] not in 'UVW':
                        defined[commit].add(parts[2])
    if not order:
        return 0
    added = defined[order[-1]] - defined[order[0]]
    bad = 0
    for commit in order:
        for sym, obj in used[commit]:
            if sym in added and sym not in defined[commit]:
                print('patch %s: %s uses %s, which the series defines in a later '
                      'commit' % (commit, obj, sym))
                bad += 1
    return 1 if bad else 0


def rst(args):
    import docutils.core
    import docutils.nodes
    from docutils.parsers.rst import Directive, directives, roles

    def inert_role(name, rawtext, text, lineno, inliner,
                   options=None, content=None):
        return [docutils.nodes.literal(rawtext, text)], []

    for name in ('c:func', 'c:type', 'c:macro', 'c:member', 'c:struct',
                 'c:union', 'c:enum', 'c:enumerator', 'c:data', 'c:var',
                 'c:expr', 'c:texpr', 'c:id', 'doc', 'ref', 'numref',
                 'manpage', 'file', 'command', 'program', 'option',
                 'envvar', 'term', 'samp', 'kbd', 'menuselection',
                 'guilabel', 'abbr', 'download', 'any'):
        roles.register_local_role(name, inert_role)

    class AnyOption(dict):
        def __contains__(self, key):
            return True

        def __getitem__(self, key):
            return directives.unchanged

    class Inert(Directive):
        has_content = True
        optional_arguments = 20
        final_argument_whitespace = True
        option_spec = AnyOption()

        def run(self):
            return []

    for name in ('toctree', 'kernel-doc', 'kernel-feat', 'kernel-abi',
                 'kernel-include', 'kernel-figure', 'kernel-image',
                 'kernel-render', 'maintainers-include', 'c:function',
                 'c:macro', 'c:struct', 'c:union', 'c:enum', 'c:enumerator',
                 'c:member', 'c:var', 'c:type', 'c:namespace',
                 'c:namespace-push', 'c:namespace-pop', 'code-block',
                 'sourcecode', 'highlight', 'literalinclude', 'only',
                 'index', 'glossary', 'versionadded', 'versionchanged',
                 'deprecated', 'seealso', 'tabularcolumns', 'cssclass',
                 'hlist', 'productionlist', 'centered', 'sectionauthor',
                 'codeauthor', 'moduleauthor', 'toctree-hidden'):
        directives.register_directive(name, Inert)

    bad = 0
    for path in args:
        with open(path) as f:
            text = f.read()
        messages = []

        class Stream:
            def write(self, s):
                messages.append(s)

        docutils.core.publish_doctree(
            text, source_path=path,
            settings_overrides={'report_level': 2, 'halt_level': 5,
                                'warning_stream': Stream(),
                                'file_insertion_enabled': False,
                                'raw_enabled': False})
        out = ''.join(messages).strip()
        if out:
            print(out)
            bad += 1
    return 1 if bad else 0


def main():
    cmds = {'warnings': warnings, 'symbols': symbols, 'rst': rst}
    if len(sys.argv) < 3 or sys.argv[1] not in cmds:
        sys.exit(__doc__)
    sys.exit(cmds[sys.argv[1]](sys.argv[2:]))


if __name__ == '__main__':
    main()
