#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Proves the apk detector on images built at test time.

Usage: test_apk.py DUMP_MODEL
Prints one line per check and ends with "N passed, N failed"; exits 1 if a
check failed.

Debian has no Alpine packages, so the installed databases are written here,
in apk-tools' format (/lib/apk/db/installed: one block of "X:value" lines
per package, blocks separated by an empty line; F: a directory, R: a file
in it, a:/M: ownership and mode, Z: the file's checksum), from the values of
real Alpine packages.  Where each value comes from:

- ALPINE_2019_08 and ALPINE_2019_09: the name, version, description (T:),
  homepage (U:), installed size (I:) and license (L:) of every package of
  the official images alpine:20190809 and alpine:20190925 (Alpine edge of
  the time), as `apk info` printed them in docker-library's repo-info
  (repos/alpine/local/edge.md at those dates).  These are the old-style
  license strings: "GPL2", "MIT BSD GPL2+", "MPL-2.0 GPL-2.0-or-later",
  "BSD", "zlib", "GPL-2.0".
- ALPINE_3_19: pkgs.alpinelinux.org, branch v3.19 main x86_64 (libcrypto3
  3.1.8-r1, L:Apache-2.0, maintainer Ariadne Conill, commit 59dc6ad5...,
  built 2025-10-03 19:41:30 UTC) and v3.22 main x86_64 (musl-utils
  1.2.5-r10, L:MIT AND BSD-2-Clause AND GPL-2.0-or-later, commit 1a5f5e69...,
  built 2025-03-05 08:32:04 UTC); the musl block follows the installed
  database of an Alpine 3.15 musl 1.2.2-r7 quoted in public scanner docs
  (T:, U:, L:, o:, m:, t:, c:, p:, F:lib, R:, a:, Z: lines).
- origin (o:) and maintainer (m:) of the 2019 packages are those of their
  APKBUILDs in aports; the C:/Z: checksums, S: sizes and t:/c: of the 2019
  packages only have the right shape (apk-tools writes them; nothing here
  checks them).
"""

import base64
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
import imagetool as it  # noqa: E402
from imagetool import Entry as E, Layer  # noqa: E402

DB = "lib/apk/db/installed"

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


# ---- the packages --------------------------------------------------------

NCOPA = "Natanael Copa <ncopa@alpinelinux.org>"
TIMO = "Timo Ter\u00e4s <timo.teras@iki.fi>"
MUSL_T = "the musl c library (libc) implementation"


def pkg(name, version, T, U, I, L, o, m, files=(), arch="x86_64", t="1565385600", c=None, extra=()):
    """One package; files: (directory, [names]) pairs in database order."""
    return {"P": name, "V": version, "A": arch, "T": T, "U": U, "I": str(I), "L": L, "o": o,
            "m": m, "t": t, "c": c or hashlib.sha1((name + version).encode()).hexdigest(),
            "files": list(files), "extra": list(extra)}


ALPINE_2019_08 = [
    pkg("alpine-baselayout", "3.2.0-r2", "Alpine base dir structure and init scripts",
        "https://git.alpinelinux.org/cgit/aports/tree/main/alpine-baselayout", 409600,
        "GPL-2.0-only", "alpine-baselayout", NCOPA,
        [("dev", []), ("etc", ["hosts", "motd"]), ("etc/crontabs", ["root"])]),
    pkg("alpine-keys", "2.1-r2", "Public keys for Alpine Linux packages", "https://alpinelinux.org",
        98304, "MIT", "alpine-keys", NCOPA,
        [("etc/apk/keys", ["alpine-devel@lists.alpinelinux.org-4a6a0840.rsa.pub"])]),
    pkg("apk-tools", "2.10.4-r2", "Alpine Package Keeper - package manager for alpine",
        "https://git.alpinelinux.org/cgit/apk-tools/", 262144, "GPL2", "apk-tools", NCOPA,
        [("sbin", ["apk"])]),
    pkg("busybox", "1.31.0-r0", "Size optimized toolbox of many common UNIX utilities",
        "https://busybox.net/", 942080, "GPL-2.0", "busybox", NCOPA,
        [("bin", ["busybox"]), ("etc", ["securetty"])]),
    pkg("ca-certificates-cacert", "20190108-r0", "Mozilla bundled certificates",
        "https://www.mozilla.org/en-US/about/governance/policies/security-group/certs/", 245760,
        "MPL-2.0 GPL-2.0-or-later", "ca-certificates", NCOPA, [("etc/ssl", ["cert.pem"])]),
    pkg("libc-utils", "0.7.1-r0", "Meta package to pull in correct libc", "http://alpinelinux.org",
        4096, "BSD", "libc-dev", NCOPA),
    pkg("libcrypto1.1", "1.1.1c-r0", "Crypto library from openssl", "https://www.openssl.org",
        2760704, "OpenSSL", "openssl", TIMO, [("lib", ["libcrypto.so.1.1"])]),
    pkg("libssl1.1", "1.1.1c-r0", "SSL shared libraries", "https://www.openssl.org", 536576,
        "OpenSSL", "openssl", TIMO, [("lib", ["libssl.so.1.1"])]),
    pkg("libtls-standalone", "2.9.1-r0", "libtls extricated from libressl sources",
        "https://www.libressl.org/", 110592, "ISC", "libtls-standalone", NCOPA,
        [("usr", []), ("usr/lib", ["libtls-standalone.so.1"])]),
    pkg("musl", "1.1.23-r3", MUSL_T, "http://www.musl-libc.org/", 610304, "MIT", "musl", TIMO,
        [("lib", ["ld-musl-x86_64.so.1", "libc.musl-x86_64.so.1"])]),
    pkg("musl-utils", "1.1.23-r3", MUSL_T, "http://www.musl-libc.org/", 147456, "MIT BSD GPL2+",
        "musl", TIMO, [("sbin", ["ldconfig"]), ("usr/bin", ["getent"])]),
    pkg("scanelf", "1.2.4-r0", "Scan ELF binaries for stuff",
        "https://wiki.gentoo.org/wiki/Hardened/PaX_Utilities", 98304, "GPL-2.0-only", "pax-utils",
        NCOPA, [("usr/bin", ["scanelf"])]),
    pkg("ssl_client", "1.31.0-r0", "EXternal ssl_client for busybox wget", "https://busybox.net/",
        28672, "GPL-2.0", "busybox", NCOPA, [("usr/bin", ["ssl_client"])]),
    pkg("zlib", "1.2.11-r1", "A compression/decompression Library", "http://zlib.net", 102400,
        "zlib", "zlib", NCOPA, [("lib", ["libz.so.1", "libz.so.1.2.11"])]),
]

# alpine:20190925: what changed since alpine:20190809.
UPGRADES_2019_09 = {
    "apk-tools": {"V": "2.10.4-r3"},
    "busybox": {"V": "1.31.0-r1", "I": "950272"},
    "libcrypto1.1": {"V": "1.1.1d-r2", "I": "2748416"},
    "libssl1.1": {"V": "1.1.1d-r2"},
    "ssl_client": {"V": "1.31.0-r1"},
    "zlib": {"V": "1.2.11-r3", "U": "https://zlib.net/", "I": "110592", "L": "Zlib"},
}

ALPINE_3_19 = [
    pkg("musl", "1.2.4_git20230717-r4", MUSL_T, "https://musl.libc.org/", 622592, "MIT", "musl", TIMO,
        [("lib", ["ld-musl-x86_64.so.1", "libc.musl-x86_64.so.1"])], t="1632431095",
        c="bf5bbfdbf780092f387b7abe401fbfceda90c84d", extra=["p:so:libc.musl-x86_64.so.1=1"]),
    pkg("musl-utils", "1.2.4_git20230717-r5", MUSL_T, "https://musl.libc.org/", 106496,
        "MIT AND BSD-2-Clause AND GPL-2.0-or-later", "musl", TIMO,
        [("sbin", ["ldconfig"]), ("usr/bin", ["getent", "iconv", "ldd"])], t="1739467731",
        c="3789c5ec07eb5f7c12eb0802f749a883e7af8bae"),
    pkg("libcrypto3", "3.1.8-r1", "Crypto library from openssl", "https://www.openssl.org/", 4613734,
        "Apache-2.0", "openssl", "Ariadne Conill <ariadne@dereferenced.org>",
        [("etc/ssl", ["openssl.cnf.dist"]), ("usr/lib", ["libcrypto.so.3"])], t="1759520490",
        c="59dc6ad54cd12356f84ae96ea096962101534141", extra=["p:so:libcrypto.so.3=3"]),
    # `apk add --virtual .build-deps gcc`: apk-tools' own meta package.
    {"P": ".build-deps", "V": "20251003.194130", "A": "noarch", "T": "virtual meta package",
     "I": "0", "files": [], "extra": ["D:gcc"]},
]


def block(p):
    lines = ["C:Q1" + base64.b64encode(hashlib.sha1((p["P"] + p["V"]).encode()).digest()).decode(),
             "P:" + p["P"], "V:" + p["V"], "A:" + p["A"], "S:" + str(int(p["I"]) // 3),
             "I:" + p["I"], "T:" + p["T"]]
    for k in ("U", "L", "o", "m", "t", "c"):
        if p.get(k):
            lines.append("%s:%s" % (k, p[k]))
    lines += p["extra"]
    for d, names in p["files"]:
        lines += ["F:" + d, "M:0:0:755"]
        for n in names:
            lines += ["R:" + n, "a:0:0:755", "Z:Q1" + "A" * 27 + "="]
    return "\n".join(lines) + "\n"


def database(pkgs):
    return "\n".join(block(p) for p in pkgs).encode() + b"\n"


def upgraded(pkgs, changes):
    out = []
    for p in pkgs:
        p = dict(p)
        p.update(changes.get(p["P"], {}))
        out.append(p)
    return out


def files_of(p):
    return ["/%s/%s" % (d, n) for d, names in p["files"] for n in names]


def file_entries(pkgs, content=b"v1"):
    return [E("file", f.lstrip("/"), 0o755, content + f.encode()) for p in pkgs for f in files_of(p)]


def os_release(version_id):
    return E("file", "etc/os-release",
             data=('NAME="Alpine Linux"\nID=alpine\nVERSION_ID=%s\n'
                   'PRETTY_NAME="Alpine Linux v%s"\n' % (version_id, version_id)).encode())


def apk_comps(model):
    return [c for c in model["components"] if c["found_by"] == "apk"]


def table(model):
    return {(c["name"], c["version"]): (c["introduced"], c["last_changed"], c["removed"])
            for c in apk_comps(model)}


# ---- the checks ------------------------------------------------------------

def run_layers(r):
    """apk add in layer 2, apk upgrade in layer 3, apk del in layer 4."""
    base = [p for p in ALPINE_2019_08 if p["P"] != "ca-certificates-cacert"]
    added = ALPINE_2019_08
    up = upgraded(added, UPGRADES_2019_09)
    deleted = [p for p in up if p["P"] != "ssl_client"]
    changed = [p for p in up if p["P"] in UPGRADES_2019_09]
    cacert = [p for p in added if p["P"] == "ca-certificates-cacert"]
    layers = [
        [os_release("3.10.2"), E("file", DB, data=database(base))] + file_entries(base),
        [E("file", DB, data=database(added))] + file_entries(cacert),
        [E("file", DB, data=database(up))] + file_entries(changed, b"v2"),
        [E("file", DB, data=database(deleted)), E("whiteout", "usr/bin/ssl_client"),
         E("file", "etc/motd", data=b"edited by hand\n")],
    ]
    image = r.image(layers)
    model, err = r.dump(image)
    if not r.check("apk layers: scan", model is not None, err):
        return
    want = {}
    for p in deleted:
        if p["P"] in UPGRADES_2019_09:
            want[(p["P"], p["V"])] = (2, 2, -1)
        elif p["P"] == "ca-certificates-cacert":
            want[(p["P"], p["V"])] = (1, 1, -1)
        elif p["P"] == "alpine-baselayout":
            want[(p["P"], p["V"])] = (0, 3, -1)   # /etc/motd changed in layer 4
        else:
            want[(p["P"], p["V"])] = (0, 0, -1)
    got = table(model)
    r.check("apk layers: exactly the packages of the last database, with their layers",
            got == want, "want %s\ngot  %s" % (sorted(want.items()), sorted(got.items())))
    r.check("apk layers: no warnings", not model["warnings"], repr(model["warnings"]))
    by = {c["name"]: c for c in apk_comps(model)}
    bb = by.get("busybox", {})
    want_bb = {
        "type": "os-package", "version": "1.31.0-r1", "arch": "x86_64",
        "purl": "pkg:apk/alpine/busybox@1.31.0-r1?arch=x86_64&distro=alpine-3.10.2",
        "supplier": "Alpine Linux", "author": NCOPA, "source_name": "busybox",
        "summary": "Size optimized toolbox of many common UNIX utilities",
        "homepage": "https://busybox.net/", "declared_raw": "GPL-2.0",
        "files": ["/bin/busybox", "/etc/securetty"],
        "evidence": [{"kind": "metadata", "path": "/" + DB, "layer": 3, "field": "L",
                      "detail": "GPL-2.0"}],
    }
    bad = ["%s: want %r, got %r" % (k, v, bb.get(k)) for k, v in want_bb.items() if bb.get(k) != v]
    r.check("apk layers: busybox's fields, files from F:/R:, evidence in the final database", not bad,
            "\n".join(bad))
    muslu = by.get("musl-utils", {})
    r.check("apk layers: files under two directories", muslu.get("files") == ["/sbin/ldconfig",
                                                                             "/usr/bin/getent"],
            repr(muslu.get("files")))
    r.check("apk layers: a package without files owns none",
            by.get("libc-utils", {}).get("files") == [], repr(by.get("libc-utils")))
    check_licenses(r, "apk layers", model)
    want_lic = {
        "apk-tools": "GPL-2.0-only",                        # GPL2
        "zlib": "Zlib",                                     # Zlib (was "zlib" before the upgrade)
        "ca-certificates-cacert": "MPL-2.0 AND GPL-2.0-or-later",
        "libcrypto1.1": "OpenSSL",
        "libtls-standalone": "ISC",
        "alpine-keys": "MIT",
    }
    bad = ["%s: want %r, got %r" % (n, v, by.get(n, {}).get("declared"))
           for n, v in want_lic.items() if by.get(n, {}).get("declared") != v]
    mu = by.get("musl-utils", {}).get("declared") or ""
    # "BSD" names no one BSD license: a LicenseRef, not a guessed clause count.
    if not re.fullmatch(r"MIT AND LicenseRef-\S+ AND GPL-2\.0-or-later", mu):
        bad.append("musl-utils 'MIT BSD GPL2+': got %r" % mu)
    for n in ("busybox",):   # the deprecated id GPL-2.0
        if n not in by or by[n]["declared"] != "GPL-2.0-only":
            bad.append("%s 'GPL-2.0': got %r" % (n, by.get(n, {}).get("declared")))
    r.check("apk layers: old-style L: strings become the SPDX expressions they mean", not bad,
            "\n".join(bad))

    model, err = r.dump(image, all_layers=True)
    if not r.check("apk layers all-layers: scan", model is not None, err):
        return
    for p in added:
        if p["P"] in UPGRADES_2019_09:
            want[(p["P"], p["V"])] = (0, 0, 2)
    want[("ssl_client", "1.31.0-r1")] = (2, 2, 3)
    got = table(model)
    r.check("apk layers all-layers: upgraded-away versions removed by layer 3, the deleted "
            "package by layer 4", got == want,
            "want %s\ngot  %s" % (sorted(want.items()), sorted(got.items())))
    old = [c for c in apk_comps(model) if (c["name"], c["version"]) == ("zlib", "1.2.11-r1")]
    r.check("apk layers all-layers: a removed version is described by its own database",
            old and old[0]["declared_raw"] == "zlib" and old[0]["homepage"] == "http://zlib.net"
            and old[0]["evidence"][0]["layer"] == 1, repr(old))
    check_licenses(r, "apk layers all-layers", model)


def run_modern(r):
    for path in (DB, "usr/lib/apk/db/installed"):
        image = r.image([[os_release("3.19.9"), E("file", path, data=database(ALPINE_3_19))]
                         + file_entries(ALPINE_3_19)])
        model, err = r.dump(image)
        name = "apk 3.19 in /%s" % path
        if not r.check(name + ": scan", model is not None, err):
            continue
        got = sorted((c["name"], c["version"]) for c in apk_comps(model))
        want = sorted((p["P"], p["V"]) for p in ALPINE_3_19)
        r.check(name + ": every package apk info lists, the virtual one too", got == want,
                "want %s\ngot  %s" % (want, got))
        by = {c["name"]: c for c in apk_comps(model)}
        lc = by.get("libcrypto3", {})
        exp = {"declared": "Apache-2.0", "source_name": "openssl",
               "purl": "pkg:apk/alpine/libcrypto3@3.1.8-r1?arch=x86_64&distro=alpine-3.19.9",
               "files": ["/etc/ssl/openssl.cnf.dist", "/usr/lib/libcrypto.so.3"],
               "author": "Ariadne Conill <ariadne@dereferenced.org>"}
        bad = ["%s: want %r, got %r" % (k, v, lc.get(k)) for k, v in exp.items() if lc.get(k) != v]
        if lc.get("props", {}).get("apk:commit") != "59dc6ad54cd12356f84ae96ea096962101534141":
            bad.append("props %r" % lc.get("props"))
        if by.get("musl-utils", {}).get("declared") != "MIT AND BSD-2-Clause AND GPL-2.0-or-later":
            bad.append("musl-utils %r" % by.get("musl-utils", {}).get("declared"))
        if by.get(".build-deps", {}).get("declared", "x") is not None:
            bad.append(".build-deps %r" % by.get(".build-deps"))
        r.check(name + ": SPDX L: kept, purl, owner, props", not bad, "\n".join(bad))
        check_licenses(r, name, model)
        r.check(name + ": no warnings", not model["warnings"], repr(model["warnings"]))


def run_slim(r):
    base = ALPINE_2019_08
    image = r.image([[os_release("3.10.2"), E("file", DB, data=database(base))] + file_entries(base),
                     [E("whiteout", "lib/apk")]])
    model, err = r.dump(image)
    if r.check("apk slim (database deleted): scan", model is not None, err):
        r.check("apk slim: no apk components", not apk_comps(model), repr(table(model)))
    model, err = r.dump(image, all_layers=True)
    if r.check("apk slim all-layers: scan", model is not None, err):
        got = table(model)
        r.check("apk slim all-layers: every package removed by layer 2",
                len(got) == len(base) and all(v == (0, 0, 1) for v in got.values()), repr(got))


def run_bad(r):
    good = database(ALPINE_3_19[:1])
    novers = good + b"\nP:broken\nA:x86_64\nT:no version line\n"
    cut = good + b"\n" + b"P:huge\nV:1-r0\nT:" + b"x" * (65 << 20) + b"\n"
    cases = [
        ("garbage", it.pattern(100000), [], "lines are not apk database fields"),
        ("entry without a version", novers, ["musl"], "1 package entries without a name"),
        ("larger than the cap", cut, ["musl"], "only its start was read"),
        ("empty", b"", [], None),
    ]
    for label, data, want, warning in cases:
        image = r.image([[os_release("3.19.9"), E("file", DB, data=data)]])
        model, err = r.dump(image)
        if not r.check("apk %s: scan succeeds" % label, model is not None, err):
            continue
        got = sorted(c["name"] for c in apk_comps(model))
        r.check("apk %s: the readable packages" % label, got == want, repr(got))
        w = [x for x in model["warnings"] if "/" + DB in x]
        if warning:
            r.check("apk %s: one warning naming the file" % label,
                    len(w) == 1 and warning in w[0], repr(model["warnings"]))
        else:
            r.check("apk %s: no warning" % label, not w, repr(model["warnings"]))


def run_bad_middle(r):
    """A lower database that cannot be read whole stays out of the history."""
    db = database(ALPINE_3_19)
    image = r.image([[os_release("3.19.9"), E("file", DB, data=db)],
                     [E("file", DB, data=db[:len(db) // 2] + b"\x00\x01garbage\n")],
                     [E("file", DB, data=db)]])
    model, err = r.dump(image)
    if r.check("apk unreadable middle database: scan", model is not None, err):
        got = table(model)
        r.check("apk unreadable middle database: packages still introduced by layer 1",
                len(got) == len(ALPINE_3_19) and all(v[0] == 0 for v in got.values()), repr(got))
        r.check("apk unreadable middle database: one warning naming it",
                len([w for w in model["warnings"] if "(layer 1)" in w]) == 1,
                repr(model["warnings"]))


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: test_apk.py DUMP_MODEL")
    exe = os.path.abspath(sys.argv[1])
    with tempfile.TemporaryDirectory(prefix="lb-apk-") as work:
        r = Runner(exe, work)
        run_layers(r)
        run_modern(r)
        run_slim(r)
        run_bad(r)
        run_bad_middle(r)
    print("%d passed, %d failed" % (r.passed, r.failed))
    sys.exit(1 if r.failed else 0)


if __name__ == "__main__":
    main()
