# SPDX-License-Identifier: Apache-2.0
"""Scores the answers of layerbom, licensecheck and licensee (run.sh's
output in WORK/out) against the corpora and writes the results table.

Usage: python3 score.py WORK RESULTS.md SECONDS LAYERBOM-VERSION
       LICENSECHECK-VERSION LICENSEE-VERSION

Writes RESULTS.md, WORK/<tool>-wrong.tsv (corpus id, expected, got, for
every answer that is not exact) and WORK/answers.tsv (every answer of
every tool).
"""
import collections
import datetime
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TOOLS = ('layerbom', 'licensecheck', 'licensee')
CORPORA = ('npm', 'debian', 'negative', 'large')


def shortnames():
    out = {}
    with open(os.path.join(HERE, 'shortnames.tsv'), encoding='utf-8') as f:
        for line in f:
            if line.strip() and not line.startswith('#'):
                k, v = line.rstrip('\n').split('\t')
                out[k.lower()] = v
    return out


NAMES = shortnames()
GNU = re.compile(r'^(A|L)?GPL-\d\.\d$')


def norm_id(i):
    """One id as an SPDX id of the current list: deprecated GNU ids
    (GPL-2.0 meant version 2 only, GPL-2.0+ or later) in their new form."""
    i = i.strip().strip('()')
    if i.endswith('+') and GNU.match(i[:-1]):
        return i[:-1] + '-or-later'
    if GNU.match(i):
        return i + '-only'
    return i


def norm(expr):
    """An expression as a sorted tuple of ids when it joins ids by AND
    only, else as its normalised text.  NONE is the empty tuple."""
    if expr is None or expr == 'NONE':
        return ()
    if re.search(r'\b(OR|WITH)\b', expr):
        return (' '.join(norm_id(t) for t in expr.split()),)
    return tuple(sorted(set(norm_id(p) for p in re.split(r'\s+AND\s+', expr))))


def from_licensecheck(name):
    """licensecheck prints Debian short names (with SPDX ids where Debian has
    none), joined by " and/or " or " and " when it finds several: all of
    them count, as if joined by AND."""
    if name in ('UNKNOWN', ''):
        return 'NONE'
    parts = re.split(r'\s+and/or\s+|\s+and\s+|\s+or\s+', name)
    return ' AND '.join(NAMES.get(p.lower(), p) for p in parts)


DETAILS = {}


def parse_layerbom(text):
    """expression by file; DETAILS gets what each match was."""
    out = {}
    dec = json.JSONDecoder()
    i = 0
    while True:
        while i < len(text) and text[i].isspace():
            i += 1
        if i >= len(text):
            break
        arr, i = dec.raw_decode(text, i)
        for o in arr:
            out[o['file']] = o.get('expression') or 'NONE'
            DETAILS[o['file']] = ' '.join(
                '%s:%s:%s-%s:score=%s:coverage=%s' % (
                    l.get('spdx_id'), l.get('matcher'), l.get('start_line'),
                    l.get('end_line'), round(l.get('score', 0), 3), l.get('coverage'))
                for l in o.get('licenses', []))
    return out


def parse_lines(text, conv):
    out = {}
    for line in text.splitlines():
        f = line.split('\t')
        if len(f) >= 2:
            out[f[0]] = conv(f[1])
    return out


def cpu(path):
    """The run of least CPU time in a file of /usr/bin/time lines."""
    best = (None, None)
    try:
        for line in open(path):
            f = line.split()
            if len(f) == 3 and re.match(r'^[0-9.]+$', f[0]):
                c = float(f[0]) + float(f[1])
                if best[0] is None or c < best[0]:
                    best = (c, float(f[2]))
    except (OSError, ValueError):
        pass
    return best


def main():
    work, results, seconds = sys.argv[1], sys.argv[2], int(sys.argv[3])
    versions = dict(zip(TOOLS, sys.argv[4:7]))
    out = os.path.join(work, 'out')
    corpora = {}
    for c in CORPORA:
        with open(os.path.join(work, 'corpus', c + '.tsv'), encoding='utf-8') as f:
            corpora[c] = [l.rstrip('\n').split('\t') for l in f if l.strip()]
    answers = {}
    stats = collections.defaultdict(dict)
    for t in TOOLS:
        for c in CORPORA:
            raw = open(os.path.join(out, '%s.%s.out' % (t, c)), encoding='utf-8',
                       errors='replace').read()
            if t == 'layerbom':
                got = parse_layerbom(raw)
            elif t == 'licensecheck':
                got = parse_lines(raw, from_licensecheck)
            else:
                got = parse_lines(raw, lambda s: s)
            s = collections.Counter()
            for cid, exp in corpora[c]:
                g = got.get(cid)
                answers[(t, cid)] = g
                if g is None:
                    s['no output'] += 1
                    kind = 'no output'
                elif norm(g) == norm(exp):
                    kind = 'exact'
                elif norm(exp) == ():
                    kind = 'false positive'
                elif norm(g) == ():
                    kind = 'missed'
                else:
                    kind = 'wrong'
                s[kind] += 1
            s['cpu'], s['wall'] = cpu(os.path.join(out, '%s.%s.time' % (t, c)))
            stats[t][c] = s

    # The least CPU time of the runs of each tool on each file alone.
    best = {}
    with open(os.path.join(out, 'alone.tsv')) as f:
        for line in f:
            t, path, times = line.rstrip('\n').split('\t')
            try:
                u, s_, e = (float(x) for x in times.split())
            except ValueError:
                continue
            if (t, path) not in best or u + s_ < best[(t, path)][0]:
                best[(t, path)] = (u + s_, e, path)
    alone = collections.defaultdict(list)
    for (t, path), v in best.items():
        alone[t].append(v)

    with open(os.path.join(work, 'answers.tsv'), 'w', encoding='utf-8') as f:
        for c in CORPORA:
            for cid, exp in corpora[c]:
                f.write('\t'.join([cid, exp] + [str(answers[(t, cid)]) for t in TOOLS]) + '\n')
    for t in TOOLS:
        with open(os.path.join(work, t + '-wrong.tsv'), 'w', encoding='utf-8') as f:
            f.write('# corpus id (under corpus/)\texpected\tgot'
                    + ('\tmatches (id:matcher:lines:score:coverage)' if t == 'layerbom' else '') + '\n')
            for c in CORPORA:
                for cid, exp in corpora[c]:
                    g = answers[(t, cid)]
                    if g is None or norm(g) != norm(exp):
                        extra = '\t' + DETAILS.get(cid, '') if t == 'layerbom' else ''
                        f.write('%s\t%s\t%s%s\n' % (cid, exp, g, extra))

    L = []
    w = L.append
    w('# `layerbom identify` against licensecheck and licensee')
    w('')
    w('Written by `bench/identify/run.sh` (%s UTC, the whole run took %d s);'
      % (datetime.datetime.utcnow().strftime('%Y-%m-%d %H:%M'), seconds))
    w('how the corpora are made and how answers are compared: '
      '[README.md](README.md).')
    w('')
    w('Tools: %s; %s; %s.' % (versions['layerbom'], versions['licensecheck'],
                              versions['licensee']))
    w('Machine: %s cores, %s.' % (os.cpu_count(), cpuname()))
    w('')
    w('## Answers')
    w('')
    w('| corpus | files | tool | exact | wrong | missed | false positives |')
    w('| --- | ---: | --- | ---: | ---: | ---: | ---: |')
    for c in CORPORA:
        for t in TOOLS:
            s = stats[t][c]
            n = len(corpora[c])
            if c == 'negative':
                w('| %s | %d | %s | %d | - | - | %d |' % (c, n, t, s['exact'], s['false positive']))
            else:
                w('| %s | %d | %s | %d (%.1f%%) | %d | %d | - |' % (
                    c, n, t, s['exact'], 100.0 * s['exact'] / n, s['wrong'], s['missed'] + s['no output']))
    w('')
    w('"exact": the SPDX expression given is the expected one (the same ids '
      'under AND); on the negative corpus, "exact" is no license at all. '
      '"wrong": another license; "missed": none found. '
      '"false positives": negative files on which a license is reported.')
    w('')
    agree = []
    for c in CORPORA:
        for cid, exp in corpora[c]:
            got = [answers[(t, cid)] for t in TOOLS]
            if got[0] is not None and norm(got[0]) != norm(exp) \
                    and all(g is not None and norm(g) == norm(got[0]) for g in got):
                agree.append((cid, exp, got[0]))
    w('Files on which the three tools agree with one another and not with '
      'the answer (to read by eye: corpus errors are fixed in '
      '`exceptions.tsv`): %s.' % (
          '; '.join('`%s`: expected %s, all say %s' % a for a in agree) or 'none'))
    w('')
    w('## Speed')
    w('')
    batch = int(os.environ.get('BATCH', '1000'))
    w('| tool | files | CPU s (user+sys) | files/s/core | start-up alone | files/s/core less start-ups | slowest file alone | its CPU s |')
    w('| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: |')
    for t in TOOLS:
        n = sum(len(corpora[c]) for c in ('npm', 'debian', 'negative'))
        secs = sum(stats[t][c]['cpu'] or 0 for c in ('npm', 'debian', 'negative'))
        empty = [a for a in alone[t] if a[2].endswith('/empty')]
        rest = sorted((a for a in alone[t] if not a[2].endswith('/empty')
                       and not a[2].startswith('large/')), reverse=True)
        slow = rest[0] if rest else (0, 0, '-')
        startup = empty[0][0] if empty else 0
        procs = sum(-(-len(corpora[c]) // batch) for c in ('npm', 'debian', 'negative'))
        net = secs - procs * startup
        w('| %s | %d | %.2f | %.0f | %.3f s | %s | `%s` | %.3f |' % (
            t, n, secs, n / secs if secs else 0, startup,
            '%.0f' % (n / net) if net > 0 else '-',
            os.path.relpath(slow[2], os.path.join(work, 'corpus')) if rest else '-', slow[0]))
    w('')
    w('Large file (`%s`, %d bytes), alone, CPU seconds: %s.' % (
        corpora['large'][0][0],
        os.path.getsize(os.path.join(work, 'corpus', corpora['large'][0][0])),
        ', '.join('%s %s' % (t, next(('%.3f' % a[0] for a in alone[t] if a[2].endswith(corpora['large'][0][0])), '-'))
                  for t in TOOLS)))
    w('')
    w('files/s/core: the files of the npm, debian and negative corpora over the '
      'user+sys CPU seconds of all the processes that read them, %s files '
      'to a process (start-up included); "less start-ups" takes the start-up '
      'time alone off once per process. "Slowest file alone": one process '
      'on one file, CPU seconds with the start-up, on the %s '
      'largest files of each corpus (the large file is apart). Every time is '
      'the least of %s runs.'
      % (os.environ.get('BATCH', '1000'), os.environ.get('SLOWEST', '10'),
         os.environ.get('RUNS', '3')))
    w('')
    w('## Commands')
    w('')
    w('```sh')
    w('# answers and CPU time, BATCH files per process, in bench/work/identify/corpus:')
    w("cut -f1 CORPUS.tsv | /usr/bin/time -f '%U %S %e' xargs -d '\\n' -n 1000 build/cmd/layerbom identify --format json")
    w("cut -f1 CORPUS.tsv | /usr/bin/time -f '%U %S %e' xargs -d '\\n' -n 1000 licensecheck --machine --shortname-scheme=debian,spdx --check '.*'")
    w("cut -f1 CORPUS.tsv | /usr/bin/time -f '%U %S %e' xargs -d '\\n' -n 1000 ruby bench/identify/licensee.rb")
    w('# one file alone:')
    w("/usr/bin/time -f '%U %S %e' build/cmd/layerbom identify --format json FILE")
    w('```')
    w('')
    with open(results, 'w', encoding='utf-8') as f:
        f.write('\n'.join(L))
    print('\n'.join(L))


def cpuname():
    try:
        for line in open('/proc/cpuinfo'):
            if line.startswith('model name'):
                return line.split(':', 1)[1].strip()
    except OSError:
        pass
    return '?'


if __name__ == '__main__':
    main()
