#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Proves the rpm detector on images built at test time from real rpm
databases (tests/data/rpm: databases rpm itself wrote, with what `rpm -qa`
answered about them).

Usage: test_rpm.py DUMP_MODEL
Prints one line per check and ends with "N passed, N failed"; exits 1 if a
check failed.

The multi-layer images need a second snapshot of a database: it is made
here from the real sqlite one with Python's sqlite3 (a package's row deleted
= `rpm -e`; a header's VERSION string rewritten in place, same length =
an upgrade), so the test needs no rpm tools.  Where Debian's rpm is
installed, packages built with rpmbuild are also installed, upgraded and
erased by rpm itself layer by layer (without it that part prints "skip").
"""

import gzip
import json
import os
import re
import shutil
import sqlite3
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")
DATA = os.path.join(ROOT, "tests", "data", "rpm")
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
import imagetool as it  # noqa: E402
from imagetool import Entry as E, Layer  # noqa: E402


class Runner:
    def __init__(self, exe, work):
        self.exe, self.work = exe, work
        self.passed = self.failed = 0
        self.n = 0

    def check(self, name, ok, detail=""):
        if ok:
            self.passed += 1
            print("ok   " + name)
        else:
            self.failed += 1
            detail = detail if len(detail) < 3000 else detail[:3000] + "..."
            print("FAIL " + name + (": " + detail.replace("\n", "\n     | ") if detail else ""))
        sys.stdout.flush()
        return ok

    def image(self, layers):
        """Builds an OCI layout from a list of entry lists; returns its spec."""
        self.n += 1
        work = os.path.join(self.work, "img%d" % self.n)
        built = it.build_layers([Layer(l, created_by="layer %d" % (i + 1)) for i, l in enumerate(layers)],
                                work)
        it.build_oci(os.path.join(work, "oci"), built)
        return "oci-dir:" + os.path.join(work, "oci")

    def dump(self, image, all_layers=False):
        """(model dict or None, error text)."""
        args = [self.exe] + (["--all-layers"] if all_layers else []) + [image]
        p = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
        if p.returncode != 0:
            return None, "exit %d: %s" % (p.returncode, p.stderr.decode(errors="replace"))
        try:
            return json.loads(p.stdout), ""
        except ValueError as e:
            return None, "bad JSON: %s" % e


# ---- license expressions ---------------------------------------------------

def spdx_lists():
    with open(os.path.join(ROOT, "license-texts", "licenses.json")) as f:
        lic = {l["licenseId"] for l in json.load(f)["licenses"]}
    with open(os.path.join(ROOT, "license-texts", "exceptions.json")) as f:
        exc = {e["licenseExceptionId"] for e in json.load(f)["exceptions"]}
    return lic, exc


LICENSES, EXCEPTIONS = spdx_lists()
TOKEN = re.compile(r"\s*(\(|\)|[A-Za-z0-9.:+-]+)")


def spdx_problem(expr, refs):
    """None when expr is a valid SPDX 2.3 expression in canonical case whose
    every id is on the list and every LicenseRef is defined in refs."""
    toks, pos = [], 0
    while pos < len(expr):
        m = TOKEN.match(expr, pos)
        if not m:
            return "cannot read %r at %d" % (expr, pos)
        toks.append(m.group(1))
        pos = m.end()
    i = 0

    def lic_id(t):
        if t.startswith("LicenseRef-"):
            if not re.fullmatch(r"LicenseRef-[A-Za-z0-9.-]+", t):
                return "bad ref %r" % t
            return None if t in refs else "undefined %s" % t
        base = t[:-1] if t.endswith("+") else t
        return None if base in LICENSES else "unknown license id %r" % t

    def atom():
        nonlocal i
        if i >= len(toks):
            raise ValueError("expression ends early")
        t = toks[i]
        i += 1
        if t == "(":
            expr_or()
            if i >= len(toks) or toks[i] != ")":
                raise ValueError("missing )")
            i += 1
            return
        if t in ("AND", "OR", "WITH", ")"):
            raise ValueError("unexpected %r" % t)
        p = lic_id(t)
        if p:
            raise ValueError(p)
        if i < len(toks) and toks[i] == "WITH":
            if i + 1 >= len(toks) or toks[i + 1] not in EXCEPTIONS:
                raise ValueError("bad exception after WITH")
            i += 2

    def expr_and():
        nonlocal i
        atom()
        while i < len(toks) and toks[i] == "AND":
            i += 1
            atom()

    def expr_or():
        nonlocal i
        expr_and()
        while i < len(toks) and toks[i] == "OR":
            i += 1
            expr_and()

    try:
        expr_or()
        if i != len(toks):
            raise ValueError("trailing %r" % toks[i])
    except ValueError as e:
        return "%r: %s" % (expr, e)
    return None


def check_licenses(r, name, model):
    refs = {x["id"]: x for x in model["refs"]}
    problems = []
    for c in model["components"]:
        for slot in ("declared", "concluded"):
            if c[slot] is not None:
                p = spdx_problem(c[slot], refs)
                if p:
                    problems.append("%s %s: %s" % (c["name"], slot, p))
    for x in refs.values():
        if not x["text"]:
            problems.append("ref %s has no text" % x["id"])
    r.check(name + ": every license expression valid, every ref defined", not problems,
            "\n".join(problems))


# ---- expected answers ------------------------------------------------------

def read_psv(path):
    """rpm -qa answers: list of dicts (fields as in tests/data/rpm/README.md)."""
    keys = ["epoch", "name", "version", "release", "arch", "sourcerpm", "size", "license",
            "vendor", "summary", "sigmd5"]
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            out.append(dict(zip(keys, line.rstrip("\n").split("\u00b6"))))
    return out


def read_files(path):
    files = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            name, p = line.rstrip("\n").split("\t", 1)
            files.setdefault(name, set()).add(p)
    return files


def pct(s, keep=""):
    return "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-._~" + keep)
                   else "".join("%%%02X" % b for b in ch.encode()) for ch in s)


def want_purl(p, ns, distro):
    q = {"arch": p["arch"], "distro": distro, "epoch": p["epoch"],
         "upstream": p["sourcerpm"] if p["sourcerpm"] != "(none)" else ""}
    quals = "&".join("%s=%s" % (k, pct(v, ":")) for k, v in sorted(q.items()) if v)
    return "pkg:rpm/%s/%s@%s?%s" % (ns, pct(p["name"]), pct(p["version"] + "-" + p["release"], ":"),
                                    quals)


def rpm_comps(model):
    return [c for c in model["components"] if c["found_by"] == "rpm"]


def read_data(rel):
    path = os.path.join(DATA, rel)
    if path.endswith(".gz"):
        with gzip.open(path, "rb") as f:
            return f.read()
    with open(path, "rb") as f:
        return f.read()


def os_release(id_, version_id, name):
    return E("file", "etc/os-release",
             data=('NAME="%s"\nID=%s\nVERSION_ID="%s"\n' % (name, id_, version_id)).encode())


# ---- one database, the answers rpm gave ------------------------------------

DATABASES = [
    # (label, data file, path in the image, os-release ID, VERSION_ID, NAME, psv, files tsv)
    ("sqlite", "built/rpmdb.sqlite.gz", "usr/lib/sysimage/rpm/rpmdb.sqlite", "fedora", "39",
     "Fedora Linux", "built/expected-rpm-qa.psv", "built/expected-files.tsv"),
    ("sqlite in /var/lib/rpm", "built/rpmdb.sqlite.gz", "var/lib/rpm/rpmdb.sqlite", "rhel", "9.2",
     "Red Hat Enterprise Linux", "built/expected-rpm-qa.psv", "built/expected-files.tsv"),
    ("bdb le4096", "built/Packages-bdb-le4096", "var/lib/rpm/Packages", "centos", "7",
     "CentOS Linux", "built/expected-rpm-qa.psv", "built/expected-files.tsv"),
    ("bdb be512", "built/Packages-bdb-be512", "var/lib/rpm/Packages", "rhel", "8.8",
     "Red Hat Enterprise Linux", "built/expected-rpm-qa.psv", "built/expected-files.tsv"),
    ("bdb le16384", "built/Packages-bdb-le16384", "var/lib/rpm/Packages", "amzn", "2",
     "Amazon Linux", "built/expected-rpm-qa.psv", "built/expected-files.tsv"),
    ("ndb sle15-bci", "fixtures/sle15-bci-ndb/Packages.db.gz", "usr/lib/sysimage/rpm/Packages.db",
     "sles", "15.3", "SLES", "fixtures/sle15-bci-ndb/expected-rpm-qa.psv", None),
]


def run_database(r, label, data_file, path, id_, version_id, osname, psv, files_tsv):
    image = r.image([[os_release(id_, version_id, osname), E("file", path, data=read_data(data_file))]])
    model, err = r.dump(image)
    name = "rpm %s" % label
    if not r.check(name + ": scan", model is not None, err):
        return
    want = [p for p in read_psv(os.path.join(DATA, psv)) if p["name"] != "gpg-pubkey"]
    got = rpm_comps(model)
    wkeys = sorted((p["name"], p["version"] + "-" + p["release"], p["arch"]) for p in want)
    gkeys = sorted((c["name"], c["version"], c["arch"]) for c in got)
    r.check(name + ": the packages of rpm -qa, no gpg-pubkey, nothing else", wkeys == gkeys,
            "want %s\ngot  %s" % (wkeys, gkeys))
    by = {(c["name"], c["version"], c["arch"]): c for c in got}
    distro = "%s-%s" % (id_, version_id)
    problems = []
    for p in want:
        c = by.get((p["name"], p["version"] + "-" + p["release"], p["arch"]))
        if not c:
            continue
        exp = {
            "type": "os-package",
            "purl": want_purl(p, id_, distro),
            "supplier": p["vendor"] or None,
            "summary": p["summary"],
            "declared_raw": p["license"],
            "source_name": p["sourcerpm"].rsplit("-", 2)[0],
            "source_version": "-".join(p["sourcerpm"][:-len(".src.rpm")].rsplit("-", 2)[1:]),
            "introduced": 0, "last_changed": 0, "removed": -1,
        }
        for k, v in exp.items():
            if c[k] != v:
                problems.append("%s %s: want %r, got %r" % (p["name"], k, v, c[k]))
        if c["props"].get("rpm:epoch") != (p["epoch"] or None):
            problems.append("%s epoch: %r" % (p["name"], c["props"]))
        if p["sigmd5"] and c["props"].get("rpm:sigmd5") != p["sigmd5"]:
            problems.append("%s sigmd5: %r" % (p["name"], c["props"]))
        ev = [e for e in c["evidence"] if e["kind"] == "metadata"]
        if ev != [{"kind": "metadata", "path": "/" + path, "layer": 0, "field": "LICENSE",
                   "detail": p["license"]}]:
            problems.append("%s evidence: %r" % (p["name"], ev))
        if c["declared"] is None:
            problems.append("%s: no declared license for %r" % (p["name"], p["license"]))
    if files_tsv:
        files = read_files(os.path.join(DATA, files_tsv))
        for c in got:
            if set(c["files"]) != files.get(c["name"], set()) or len(c["files"]) != len(set(c["files"])):
                problems.append("%s files: want %d, got %d" % (c["name"], len(files.get(c["name"], ())),
                                                               len(c["files"])))
    r.check(name + ": purl, supplier, source, license, evidence, files as rpm says", not problems,
            "\n".join(problems))
    check_licenses(r, name, model)
    r.check(name + ": no warnings", not model["warnings"], repr(model["warnings"]))
    return model


def check_mappings(r, model):
    """Names that have a well-known SPDX id must not become LicenseRef-s."""
    want = {
        "libacl1": "GPL-2.0-or-later AND LGPL-2.1-or-later",        # "GPL-2.0+ and LGPL-2.1+"
        "libgcrypt20": "GPL-2.0-or-later AND LGPL-2.1-or-later",    # "GPL-2.0+ AND LGPL-2.1+"
        "perl-base": "Artistic-1.0 OR GPL-2.0-or-later",            # "Artistic-1.0 or GPL-2.0+"
        "libcap2": "BSD-3-Clause OR GPL-2.0-only",                  # "BSD-3-Clause or GPL-2.0"
        "glibc": "LGPL-2.1-or-later AND LGPL-2.1-or-later WITH GCC-exception-2.0 AND GPL-2.0-or-later",
        "libz1": "Zlib",
    }
    got = {c["name"]: c["declared"] for c in rpm_comps(model)}
    bad = ["%s: want %r, got %r" % (n, v, got.get(n)) for n, v in want.items() if got.get(n) != v]
    r.check("rpm ndb sle15-bci: SUSE's SPDX-ish tags map to SPDX ids", not bad, "\n".join(bad))


def run_fixtures(r):
    """The single-package real databases (RHEL 8 libuuid, syft's dive)."""
    cases = [
        ("libuuid-bdb", "fixtures/libuuid-bdb/Packages.gz", "rhel", "8.8",
         {"name": "libuuid", "version": "2.32.1-42.el8_8", "arch": "x86_64",
          "supplier": "Red Hat, Inc.", "declared": "LicenseRef-Fedora-BSD", "source_name": "util-linux",
          "purl": "pkg:rpm/rhel/libuuid@2.32.1-42.el8_8?arch=x86_64&distro=rhel-8.8"
                  "&upstream=util-linux-2.32.1-42.el8_8.src.rpm", "nfiles": 7}),
        ("dive-bdb", "fixtures/dive-bdb/Packages", "centos", "8",
         {"name": "dive", "version": "0.9.2-1", "supplier": None, "declared": "MIT",
          "files": ["/usr/local/bin/dive"]}),
    ]
    for label, data_file, id_, vid, want in cases:
        image = r.image([[os_release(id_, vid, id_), E("file", "var/lib/rpm/Packages", data=read_data(data_file))]])
        model, err = r.dump(image)
        if not r.check("rpm %s: scan" % label, model is not None, err):
            continue
        got = rpm_comps(model)
        problems = [] if len(got) == 1 else ["want one component, got %d" % len(got)]
        for c in got[:1]:
            for k, v in want.items():
                if k == "nfiles":
                    if len(c["files"]) != v:
                        problems.append("files: %d" % len(c["files"]))
                elif k == "declared" and v.startswith("LicenseRef-"):
                    if not (c[k] or "").startswith("LicenseRef-"):
                        problems.append("declared %r" % c[k])
                elif c[k] != v:
                    problems.append("%s: want %r, got %r" % (k, v, c[k]))
        r.check("rpm %s: the package rpm -qa lists" % label, not problems, "\n".join(problems))
        check_licenses(r, "rpm " + label, model)


# ---- layers ----------------------------------------------------------------

def header_strings(blob):
    """{tag: (offset in blob, string)} of the STRING tags of a header blob."""
    il, dl = struct.unpack(">II", blob[:8])
    store = 8 + 16 * il
    out = {}
    for i in range(il):
        tag, typ, off, cnt = struct.unpack(">IIiI", blob[8 + 16 * i:24 + 16 * i])
        if typ == 6 and 0 <= off < dl:
            end = blob.index(b"\0", store + off)
            out[tag] = (store + off, blob[store + off:end])
    return out


def derive_sqlite(data, work, upgrade=None, remove=()):
    """A copy of the sqlite database with `remove` packages deleted and the
    VERSION (and SOURCERPM) of upgrade=(name, old, new) rewritten."""
    path = os.path.join(work, "rpmdb.sqlite")
    os.makedirs(work, exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
    db = sqlite3.connect(path)
    for hnum, blob in db.execute("SELECT hnum, blob FROM Packages").fetchall():
        blob = bytearray(blob)
        s = header_strings(bytes(blob))
        name = s.get(1000, (0, b""))[1].decode()
        if name in remove:
            db.execute("DELETE FROM Packages WHERE hnum = ?", (hnum,))
        elif upgrade and name == upgrade[0]:
            old, new = upgrade[1].encode(), upgrade[2].encode()
            assert len(old) == len(new)
            for tag in (1001, 1044):           # VERSION, SOURCERPM
                off, val = s[tag]
                blob[off:off + len(val)] = val.replace(old, new, 1)
            db.execute("UPDATE Packages SET blob = ? WHERE hnum = ?", (bytes(blob), hnum))
    db.commit()
    db.close()
    for suffix in ("-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.unlink(path + suffix)
    with open(path, "rb") as f:
        return f.read()


def comp_table(model):
    return {(c["name"], c["version"]): (c["introduced"], c["last_changed"], c["removed"])
            for c in rpm_comps(model)}


def run_layers(r):
    sq = read_data("built/rpmdb.sqlite.gz")
    v2 = derive_sqlite(sq, os.path.join(r.work, "v2"), upgrade=("lb-hello", "1.0", "1.1"),
                       remove=("lb-space",))
    dbp = "var/lib/rpm/rpmdb.sqlite"
    layers = [
        # 1: the base: os-release, the database, some files of the packages
        [os_release("fedora", "35", "Fedora Linux"), E("file", dbp, data=sq),
         E("file", "usr/bin/lb-epoch", 0o755, b"#!/bin/sh\necho lb\n"),
         E("file", "etc/lb-hello.conf", data=b"x=1\n")],
        # 2: dnf upgrade lb-hello, dnf remove lb-space
        [E("file", dbp, data=v2), E("file", "etc/lb-hello.conf", data=b"x=1\n")],
        # 3: a file of lb-epoch changed by hand, no rpm transaction
        [E("file", "usr/bin/lb-epoch", 0o755, b"#!/bin/sh\necho patched\n")],
        # 4: nothing rpm cares about
        [E("file", "opt/app", data=b"app")],
    ]
    image = r.image(layers)
    model, err = r.dump(image)
    if r.check("rpm layers: scan", model is not None, err):
        want = {("lb-epoch", "2.5.1-0.rc1"): (0, 2, -1), ("lb-hello", "1.1-1"): (1, 1, -1),
                ("lb-nofiles", "0.1-7"): (0, 0, -1)}
        got = comp_table(model)
        r.check("rpm layers: upgrade attributed to layer 2, a hand edit is a change, removed is gone",
                got == want, "want %s\ngot  %s" % (want, got))
        c = [c for c in rpm_comps(model) if c["name"] == "lb-hello"]
        r.check("rpm layers: the upgraded package's purl and evidence are the new database's",
                c and c[0]["purl"] == "pkg:rpm/fedora/lb-hello@1.1-1?arch=noarch&distro=fedora-35"
                "&upstream=lb-hello-1.1-1.src.rpm" and c[0]["evidence"][0]["layer"] == 1,
                repr(c and (c[0]["purl"], c[0]["evidence"])))
    model, err = r.dump(image, all_layers=True)
    if r.check("rpm layers all-layers: scan", model is not None, err):
        want = {("lb-epoch", "2.5.1-0.rc1"): (0, 2, -1), ("lb-hello", "1.1-1"): (1, 1, -1),
                ("lb-nofiles", "0.1-7"): (0, 0, -1), ("lb-hello", "1.0-1"): (0, 0, 1),
                ("lb-space", "10-2"): (0, 0, 1)}
        got = comp_table(model)
        r.check("rpm layers all-layers: the replaced and the removed package, removed by layer 2",
                got == want, "want %s\ngot  %s" % (want, got))
        files = read_files(os.path.join(DATA, "built", "expected-files.tsv"))
        gone = [c for c in rpm_comps(model) if c["name"] == "lb-space"]
        r.check("rpm layers all-layers: the removed package keeps its files and evidence",
                gone and set(gone[0]["files"]) == files["lb-space"]
                and gone[0]["evidence"][0]["layer"] == 0, repr(gone))
        check_licenses(r, "rpm layers all-layers", model)

    # Berkeley DB converted to sqlite (rpmdb --rebuilddb on a distribution
    # upgrade): the same packages, still introduced by the first layer.
    bdb = read_data("built/Packages-bdb-le4096")
    image = r.image([[os_release("rhel", "8.8", "RHEL"), E("file", "var/lib/rpm/Packages", data=bdb)],
                     [os_release("rhel", "9.2", "RHEL"), E("whiteout", "var/lib/rpm/Packages"),
                      E("file", "var/lib/rpm/rpmdb.sqlite", data=v2)]])
    model, err = r.dump(image)
    if r.check("rpm bdb to sqlite: scan", model is not None, err):
        want = {("lb-epoch", "2.5.1-0.rc1"): (0, 0, -1), ("lb-hello", "1.1-1"): (1, 1, -1),
                ("lb-nofiles", "0.1-7"): (0, 0, -1)}
        got = comp_table(model)
        r.check("rpm bdb to sqlite: history follows the database across formats", got == want,
                "want %s\ngot  %s" % (want, got))

    # Fedora 36 moved the database: /var/lib/rpm becomes a symbolic link.
    image = r.image([[os_release("fedora", "35", "Fedora Linux"), E("file", dbp, data=sq)],
                     [os_release("fedora", "36", "Fedora Linux"), E("whiteout", "var/lib/rpm"),
                      E("symlink", "var/lib/rpm", target="../../usr/lib/sysimage/rpm"),
                      E("file", "usr/lib/sysimage/rpm/rpmdb.sqlite", data=v2)]])
    model, err = r.dump(image)
    if r.check("rpm moved to /usr/lib/sysimage: scan", model is not None, err):
        got = comp_table(model)
        want = {("lb-epoch", "2.5.1-0.rc1"): (0, 0, -1), ("lb-hello", "1.1-1"): (1, 1, -1),
                ("lb-nofiles", "0.1-7"): (0, 0, -1)}
        r.check("rpm moved to /usr/lib/sysimage: one set of packages, history kept", got == want,
                "want %s\ngot  %s" % (want, got))

    # A slim image: the last layer deletes the database.
    image = r.image([[os_release("fedora", "39", "Fedora Linux"), E("file", dbp, data=sq)],
                     [E("whiteout", "var/lib/rpm")]])
    model, err = r.dump(image)
    if r.check("rpm database deleted: scan", model is not None, err):
        r.check("rpm database deleted: no rpm components", not rpm_comps(model),
                repr(comp_table(model)))
    model, err = r.dump(image, all_layers=True)
    if r.check("rpm database deleted all-layers: scan", model is not None, err):
        got = comp_table(model)
        r.check("rpm database deleted all-layers: every package removed by layer 2",
                len(got) == 4 and all(v == (0, 0, 1) for v in got.values()), repr(got))


def run_bad(r):
    sq = read_data("built/rpmdb.sqlite.gz")
    cases = [
        ("garbage sqlite", "var/lib/rpm/rpmdb.sqlite", b"SQLite format 3\0" + it.pattern(50000)),
        ("truncated sqlite", "var/lib/rpm/rpmdb.sqlite", sq[:len(sq) // 2]),
        ("garbage bdb", "var/lib/rpm/Packages", it.pattern(70000)),
        ("empty ndb", "usr/lib/sysimage/rpm/Packages.db", b""),
        ("truncated bdb", "var/lib/rpm/Packages", read_data("built/Packages-bdb-be512")[:3000]),
    ]
    for label, path, data in cases:
        image = r.image([[os_release("fedora", "39", "Fedora Linux"), E("file", path, data=data)]])
        model, err = r.dump(image)
        if not r.check("rpm %s: scan succeeds" % label, model is not None, err):
            continue
        w = [x for x in model["warnings"] if ("/" + path) in x]
        r.check("rpm %s: one warning naming the file" % label, len(w) == 1, repr(model["warnings"]))
        check_licenses(r, "rpm " + label, model)


def run_bad_middle(r):
    """A lower database that cannot be read whole stays out of the history."""
    sq = read_data("built/rpmdb.sqlite.gz")
    dbp = "var/lib/rpm/rpmdb.sqlite"
    image = r.image([[os_release("fedora", "39", "Fedora Linux"), E("file", dbp, data=sq)],
                     [E("file", dbp, data=sq[:len(sq) // 3])],
                     [E("file", dbp, data=sq)]])
    model, err = r.dump(image)
    if r.check("rpm unreadable middle database: scan", model is not None, err):
        got = comp_table(model)
        r.check("rpm unreadable middle database: packages still introduced by layer 1",
                len(got) == 4 and all(v[0] == 0 for v in got.values()), repr(got))
        r.check("rpm unreadable middle database: one warning naming it",
                len([w for w in model["warnings"] if "(layer 1)" in w]) == 1,
                repr(model["warnings"]))


SPEC = """Name: {name}
Version: {version}
Release: {release}
{epoch}Summary: {name} for the layer test
License: {license}
BuildArch: noarch
%description
A package that real rpm installs, upgrades and erases.
%install
mkdir -p %{{buildroot}}/usr/share/{name}
echo {version} >%{{buildroot}}/usr/share/{name}/version
%files
/usr/share/{name}
"""


def run_real_rpm(r):
    """When Debian's rpm is installed: packages built with rpmbuild, then
    installed, upgraded (with an epoch), erased and installed again by rpm
    itself, one database snapshot per layer; the answer is what `rpm -qa`
    said of each snapshot."""
    if not (shutil.which("rpm") and shutil.which("rpmbuild")):
        print("skip rpm real tools: rpm and rpmbuild are not installed (apt-get install rpm)")
        return
    work = os.path.join(r.work, "real-rpm")
    top, db = os.path.join(work, "top"), os.path.join(work, "db")
    os.makedirs(os.path.join(top, "SPECS"))
    env = dict(os.environ, HOME=work, LC_ALL="C.UTF-8")
    pkgs = [("alpha", "1.0", "1", "", "GPLv2+ and BSD"), ("beta", "1.0", "1", "", "ASL 2.0"),
            ("beta", "2.0", "1", "1", "ASL 2.0 and MIT"), ("gamma", "0.5", "3", "", "LGPLv2+"),
            ("delta", "3", "1", "", "MIT")]
    rpms = {}
    for name, version, release, epoch, lic in pkgs:
        spec = os.path.join(top, "SPECS", "%s-%s.spec" % (name, version))
        with open(spec, "w") as f:
            f.write(SPEC.format(name=name, version=version, release=release, license=lic,
                                epoch="Epoch: %s\n" % epoch if epoch else ""))
        p = subprocess.run(["rpmbuild", "--quiet", "--define", "_topdir " + top,
                            "--define", "_build_id_links none", "-bb", spec],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
        if not r.check("rpm real tools: rpmbuild %s-%s" % (name, version), p.returncode == 0,
                       p.stdout.decode(errors="replace")):
            return
        rpms[(name, version)] = os.path.join(top, "RPMS", "noarch",
                                             "%s-%s-%s.noarch.rpm" % (name, version, release))

    def rpm(*args):
        return subprocess.run(["rpm", "--define", "_db_backend sqlite", "--dbpath", db, *args],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, check=True)

    def snapshot():
        qa = rpm("-qa", "--qf", "%{NAME}\t%{VERSION}-%{RELEASE}\t%|EPOCH?{%{EPOCH}}:{}|\t%{LICENSE}\n")
        with open(os.path.join(db, "rpmdb.sqlite"), "rb") as f:
            return f.read(), set(tuple(l.split("\t")) for l in qa.stdout.decode().splitlines())

    rpm("--initdb")
    rpm("-i", "--justdb", "--nodeps", rpms[("alpha", "1.0")], rpms[("beta", "1.0")], rpms[("gamma", "0.5")])
    s1, qa1 = snapshot()
    rpm("-U", "--justdb", "--nodeps", rpms[("beta", "2.0")])
    rpm("-e", "--justdb", "--nodeps", "gamma")
    s2, qa2 = snapshot()
    rpm("-i", "--justdb", "--nodeps", rpms[("delta", "3")])
    s3, qa3 = snapshot()
    p = "usr/lib/sysimage/rpm/"
    image = r.image([
        [os_release("fedora", "40", "Fedora Linux"), E("file", p + "rpmdb.sqlite", data=s1),
         E("file", p + "rpmdb.sqlite-shm", data=bytes(32768)), E("file", p + "rpmdb.sqlite-wal")],
        [E("file", p + "rpmdb.sqlite", data=s2)],
        [E("file", "opt/app", data=b"no rpm transaction here")],
        [E("file", p + "rpmdb.sqlite", data=s3)],
    ])
    model, err = r.dump(image)
    if not r.check("rpm real tools: scan", model is not None, err):
        return
    got = {(c["name"], c["version"], c["props"].get("rpm:epoch", ""), c["declared_raw"])
           for c in rpm_comps(model)}
    r.check("rpm real tools: the packages rpm -qa lists after the last layer", got == qa3,
            "want %s\ngot  %s" % (sorted(qa3), sorted(got)))
    want = {("alpha", "1.0-1"): (0, 0, -1), ("beta", "2.0-1"): (1, 1, -1), ("delta", "3-1"): (3, 3, -1)}
    r.check("rpm real tools: upgrade and install attributed to their layers", comp_table(model) == want,
            repr(comp_table(model)))
    check_licenses(r, "rpm real tools", model)
    model, err = r.dump(image, all_layers=True)
    if r.check("rpm real tools all-layers: scan", model is not None, err):
        want.update({("beta", "1.0-1"): (0, 0, 1), ("gamma", "0.5-3"): (0, 0, 1)})
        r.check("rpm real tools all-layers: what rpm -U replaced and rpm -e erased, removed by layer 2",
                comp_table(model) == want and {(n, v) for n, v, _, _ in qa1 | qa2} <= set(want),
                repr(comp_table(model)))


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: test_rpm.py DUMP_MODEL")
    exe = os.path.abspath(sys.argv[1])
    with tempfile.TemporaryDirectory(prefix="lb-rpm-") as work:
        r = Runner(exe, work)
        for d in DATABASES:
            model = run_database(r, *d)
            if model and d[0].startswith("ndb"):
                check_mappings(r, model)
        run_fixtures(r)
        run_layers(r)
        run_bad(r)
        run_bad_middle(r)
        run_real_rpm(r)
    print("%d passed, %d failed" % (r.passed, r.failed))
    sys.exit(1 if r.failed else 0)


if __name__ == "__main__":
    main()
