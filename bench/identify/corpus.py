# SPDX-License-Identifier: Apache-2.0
"""Builds the license identification corpora from real packages.

Usage: python3 corpus.py WORK CORPUS...   (CORPUS: npm debian negative large)

WORK is bench/work/identify.  Expects WORK/npm/node_modules (npm install of
npm-packages.txt) and WORK/debian/x/<pkg>/ (dpkg-deb -x of every package of
debian-packages.txt); run.sh makes both.  Each corpus is written as
WORK/corpus/<name>/... (copies of the files) and WORK/corpus/<name>.tsv, one
line per file: path relative to WORK/corpus, TAB, the expected SPDX
expression ("NONE" for no license).  Files with identical contents and the
same answer are kept once.  Why a file was left out is counted in
WORK/corpus/<name>.skipped.
"""
import collections
import gzip
import hashlib
import json
import os
import re
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
LICENSE_NAME = re.compile(r'^(licen[cs]e|copying)([-_. ].*)?$', re.I)
LICENSE_WORDS = re.compile(rb'licen[cs]|copyright|spdx', re.I)
SOURCE_EXT = ('.js', '.mjs', '.cjs', '.ts', '.py', '.rb', '.go', '.c', '.h',
              '.sh', '.pl', '.pm')


def read_table(name):
    rows = []
    with open(os.path.join(HERE, name), encoding='utf-8') as f:
        for line in f:
            line = line.rstrip('\n')
            if not line or line.startswith('#'):
                continue
            rows.append(line.split('\t'))
    return rows


def shortnames():
    return {r[0].lower(): r[1] for r in read_table('shortnames.tsv')}


def exceptions():
    """corpus-id -> corrected answer, or None to leave the file out."""
    out = {}
    for r in read_table('exceptions.tsv'):
        out[r[0]] = None if r[1] == 'exclude' else r[1]
    return out


class Corpus:
    def __init__(self, work, name):
        self.work = work
        self.name = name
        self.root = os.path.join(work, 'corpus', name)
        shutil.rmtree(self.root, ignore_errors=True)
        os.makedirs(self.root)
        self.rows = []
        self.seen = set()
        self.skipped = collections.Counter()
        self.exc = exceptions()

    def add(self, rel, data, answer):
        """rel: path inside the corpus; data: bytes; answer: SPDX expression
        or NONE."""
        cid = self.name + '/' + rel
        if cid in self.exc:
            if self.exc[cid] is None:
                self.skipped['excluded by exceptions.tsv'] += 1
                return
            answer = self.exc[cid]
        key = (hashlib.sha256(data).hexdigest(), answer)
        if key in self.seen:
            self.skipped['same contents and answer as another file'] += 1
            return
        self.seen.add(key)
        path = os.path.join(self.root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, 'wb') as f:
            f.write(data)
        self.rows.append((cid, answer))

    def skip(self, why):
        self.skipped[why] += 1

    def write(self):
        self.rows.sort()
        with open(self.root + '.tsv', 'w', encoding='utf-8') as f:
            for cid, answer in self.rows:
                f.write('%s\t%s\n' % (cid, answer))
        with open(self.root + '.skipped', 'w', encoding='utf-8') as f:
            for why, n in sorted(self.skipped.items()):
                f.write('%d\t%s\n' % (n, why))
        print('corpus %s: %d files' % (self.name, len(self.rows)))


def spdx_ids(work):
    d = os.path.join(work, 'npm', 'node_modules', 'spdx-license-ids')
    ids = set(json.load(open(os.path.join(d, 'index.json'))))
    ids |= set(json.load(open(os.path.join(d, 'deprecated.json'))))
    return ids


def npm_answer(license, ids):
    """The declared license as an SPDX expression, or None when it is not
    one id or ids joined by AND (an OR names a choice the file cannot
    show)."""
    if isinstance(license, dict):
        license = license.get('type')
    if not isinstance(license, str):
        return None
    expr = license.strip()
    if expr.startswith('(') and expr.endswith(')'):
        expr = expr[1:-1].strip()
    parts = re.split(r'\s+AND\s+', expr)
    out = []
    for p in parts:
        plus = p.endswith('+')
        base = p[:-1] if plus else p
        if base not in ids:
            return None
        # Deprecated GNU ids: "GPL-2.0" meant version 2 only, "+" or later.
        m = re.match(r'^((?:A|L)?GPL-\d\.\d)$', base)
        if m:
            base = m.group(1) + ('-or-later' if plus else '-only')
        elif plus:
            return None
        out.append(base)
    return ' AND '.join(out)


def npm_packages(root):
    """Yields every package directory of a node_modules tree."""
    for e in sorted(os.listdir(root)):
        p = os.path.join(root, e)
        if e.startswith('.') or not os.path.isdir(p) or os.path.islink(p):
            continue
        if e.startswith('@'):
            yield from npm_packages(p)
            continue
        if os.path.isfile(os.path.join(p, 'package.json')):
            yield p
        nm = os.path.join(p, 'node_modules')
        if os.path.isdir(nm):
            yield from npm_packages(nm)


def build_npm(work):
    c = Corpus(work, 'npm')
    ids = spdx_ids(work)
    for p in npm_packages(os.path.join(work, 'npm', 'node_modules')):
        try:
            j = json.load(open(os.path.join(p, 'package.json'), 'rb'))
        except ValueError:
            c.skip('unreadable package.json')
            continue
        answer = npm_answer(j.get('license'), ids)
        if answer is None:
            c.skip('license field not an SPDX id or ids under AND')
            continue
        files = [f for f in sorted(os.listdir(p))
                 if LICENSE_NAME.match(f) and os.path.isfile(os.path.join(p, f))]
        if not files:
            c.skip('no license file')
            continue
        if len(files) > 1:
            c.skip('more than one license file')
            continue
        data = open(os.path.join(p, files[0]), 'rb').read()
        rel = '%s@%s/%s' % (j.get('name'), j.get('version'), files[0])
        c.add(rel, data, answer)
    c.write()


def dep5(text):
    """Paragraphs of a DEP-5 file as lists of (field, first line, body
    lines)."""
    paras, cur, field = [], [], None
    for line in text.split('\n'):
        if not line.strip():
            if cur:
                paras.append(cur)
            cur, field = [], None
        elif line[0] in ' \t' and cur:
            cur[-1][2].append(line)
        elif ':' in line:
            k, v = line.split(':', 1)
            cur.append([k.strip().lower(), v.strip(), []])
    if cur:
        paras.append(cur)
    return paras


def field(para, name):
    for k, v, body in para:
        if k == name:
            return v, body
    return None, None


def paragraph_text(body):
    out = []
    for line in body:
        line = line[1:] if line[:1] in (' ', '\t') else line
        out.append('' if line.strip() == '.' else line.rstrip())
    return '\n'.join(out).strip('\n') + '\n'


def build_debian(work):
    c = Corpus(work, 'debian')
    names = shortnames()
    x = os.path.join(work, 'debian', 'x')
    for pkg in sorted(os.listdir(x)):
        root = os.path.join(x, pkg)
        cp = os.path.join(root, 'usr/share/doc', pkg, 'copyright')
        if not os.path.isfile(cp):
            c.skip('package: no copyright file of its own')
            continue
        text = open(cp, encoding='utf-8', errors='replace').read()
        paras = dep5(text)
        if not paras or 'copyright-format' not in (field(paras[0], 'format')[0] or ''):
            c.skip('package: copyright not machine-readable')
            continue
        # Stand-alone License paragraphs.
        n = 0
        for para in paras:
            if field(para, 'files')[0] is not None:
                continue
            short, body = field(para, 'license')
            if short is None or not body:
                continue
            n += 1
            spdx = names.get(short.lower())
            if spdx is None:
                c.skip('paragraph: short name maps to no single SPDX id')
                continue
            text = paragraph_text(body)
            if short.endswith('+') and not re.search(r'\blater\b', text, re.I):
                # Often only a pointer to /usr/share/common-licenses: the
                # "or later" of the name is nowhere in the text.
                c.skip('paragraph: named X+ but its text does not say "later"')
                continue
            safe = re.sub(r'[^A-Za-z0-9.+_-]', '_', short)
            c.add('%s/copyright-paragraphs/%02d-%s' % (pkg, n, safe),
                  text.encode(), spdx)
        # License files shipped in the package, when every Files paragraph
        # outside debian/ has the license of "Files: *".
        top, lics = None, set()
        for para in paras:
            files, _ = field(para, 'files')
            if files is None:
                continue
            lic = (field(para, 'license')[0] or '').lower()
            pats = files.split() + [l.strip() for k, v, b in para
                                    if k == 'files' for l in b]
            if files.strip() == '*':
                top = lic
            elif all(p.startswith('debian/') for p in pats if p):
                continue
            lics.add(lic)
        if top is None or names.get(top) is None:
            c.skip('package: Files: * has no single SPDX license')
            continue
        if len(lics) > 1:
            c.skip('package: files under more than one license')
            continue
        answer = names[top]
        for d, dirs, fs in os.walk(root):
            dirs.sort()
            for f in sorted(fs):
                full = os.path.join(d, f)
                base = f[:-3] if f.endswith('.gz') else f
                if not LICENSE_NAME.match(base) or os.path.islink(full) \
                        or not os.path.isfile(full):
                    continue
                if base.endswith(('.py', '.js', '.rb', '.go', '.html', '.pyc')):
                    continue
                data = open(full, 'rb').read()
                if f.endswith('.gz'):
                    data = gzip.decompress(data)
                rel = os.path.relpath(full, root)
                c.add('%s/%s' % (pkg, rel[:-3] if f.endswith('.gz') else rel),
                      data, answer)
    c.write()


def source_files(work):
    """Real source files of the npm and Debian trees holding none of the
    words license, licence, copyright, SPDX, sorted by path."""
    roots = [os.path.join(work, 'debian', 'x'), os.path.join(work, 'npm', 'node_modules')]
    for r in roots:
        for d, dirs, fs in os.walk(r):
            dirs.sort()
            for f in sorted(fs):
                if not f.endswith(SOURCE_EXT) or f.endswith(('.min.js', '.d.ts')):
                    continue
                full = os.path.join(d, f)
                if os.path.islink(full) or not os.path.isfile(full):
                    continue
                size = os.path.getsize(full)
                if size < 1000 or size > 200000:
                    continue
                data = open(full, 'rb').read()
                if b'\0' in data or LICENSE_WORDS.search(data):
                    continue
                yield os.path.relpath(full, work), data


def build_negative(work):
    c = Corpus(work, 'negative')
    # 50 files of each tree, the first by a hash of their path, so that no
    # one package dominates.
    cands = sorted(source_files(work),
                   key=lambda t: hashlib.sha256(t[0].encode()).hexdigest())
    for tree in ('debian/', 'npm/'):
        for rel, data in [t for t in cands if t[0].startswith(tree)][:50]:
            c.add('source/' + rel.replace('/node_modules/', '/nm/'), data, 'NONE')
    d = os.path.join(HERE, 'negative')
    for f in sorted(os.listdir(d)):
        c.add('handwritten/' + f, open(os.path.join(d, f), 'rb').read(), 'NONE')
    c.write()


def build_large(work):
    """A real license text followed by about 10 MB of real source code that
    holds no license words."""
    c = Corpus(work, 'large')
    lic = os.path.join(work, 'npm', 'node_modules', 'typescript', 'LICENSE')
    data = bytearray(open(lic, 'rb').read())
    data += b'\n\n'
    for rel, src in sorted(source_files(work)):
        if len(data) >= 10 * 1000 * 1000:
            break
        data += src
        if not src.endswith(b'\n'):
            data += b'\n'
    c.add('typescript-LICENSE-plus-10MB-of-code.txt', bytes(data), 'Apache-2.0')
    c.write()


def main():
    work = sys.argv[1]
    for name in sys.argv[2:]:
        globals()['build_' + name](work)


if __name__ == '__main__':
    main()
