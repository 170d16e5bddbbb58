#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Proves the dpkg detector on images of real Debian packages.

Usage: test_dpkg.py DUMP_MODEL CACHE_DIR

Real .deb files of Debian 12 are fetched with `apt-get download` (kept in
CACHE_DIR between runs) and installed with dpkg into a rootfs that umoci
packs layer by layer, as `docker build` would: packages without maintainer
scripts only, so nothing runs on the host.  Two packages are built here
with dpkg-deb (lbtest 1.0 and 2.0) to have an upgrade, a custom license
and a package removed by a later layer.  The answers are compared with
what dpkg-query itself reports for the same rootfs.

Prints one line per check and ends with "N passed, N failed".
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

DEBS = ["hello", "gcc-12-base", "libgcc-s1", "zlib1g", "libzstd1", "liblz4-1", "libbz2-1.0",
        "sensible-utils", "libacl1", "libattr1", "libpcre2-8-0", "libgmp10", "libxxhash0"]
LAYER1 = ["gcc-12-base", "libgcc-s1", "zlib1g", "libzstd1", "liblz4-1", "libbz2-1.0",
          "sensible-utils", "libacl1", "libattr1"]
LAYER2 = ["hello", "libpcre2-8-0", "libgmp10", "libxxhash0"]

OS_RELEASE = """PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION="12 (bookworm)"
VERSION_CODENAME=bookworm
ID=debian
"""

LBTEST_COPYRIGHT = """Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: lbtest

Files: *
Copyright: 2024 Example Author <author@example.org>
License: Lbtest-Custom

Files: debian/*
Copyright: 2024 Example Maintainer
License: GPL-2+

License: Lbtest-Custom
 Permission is granted to use this software for testing layerbom only.
 .
 There is no warranty.

License: GPL-2+
 On Debian systems, the complete text of the GNU General Public License
 version 2 can be found in "/usr/share/common-licenses/GPL-2".
"""


class Runner:
    def __init__(self):
        self.passed = self.failed = 0

    def check(self, name, ok, detail=""):
        if ok:
            self.passed += 1
            print("ok   " + name)
        else:
            self.failed += 1
            print("FAIL " + name + (": " + str(detail)[:3000] if detail else ""))
        sys.stdout.flush()
        return ok


def run(*cmd, **kw):
    return subprocess.run(cmd, check=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)


def fetch(cache):
    os.makedirs(cache, exist_ok=True)
    have = {f.split("_")[0] for f in os.listdir(cache) if f.endswith(".deb")}
    missing = [d for d in DEBS if d not in have]
    if missing:
        try:
            run("apt-get", "download", *missing, cwd=cache)
        except subprocess.CalledProcessError:
            run("apt-get", "update", "-qq")        # stale package lists
            run("apt-get", "download", *missing, cwd=cache)
    out = {}
    for f in os.listdir(cache):
        if f.endswith(".deb"):
            out[f.split("_")[0]] = os.path.join(cache, f)
    return out


def build_lbtest(work, version, doc=True):
    root = os.path.join(work, "lbtest-%s" % version)
    os.makedirs(os.path.join(root, "DEBIAN"))
    os.makedirs(os.path.join(root, "usr/share/lbtest"))
    with open(os.path.join(root, "DEBIAN/control"), "w") as f:
        f.write("Package: lbtest\nVersion: %s\nArchitecture: all\nMaintainer: Example Maintainer "
                "<maint@example.org>\nSource: lbtest-src (%s~src)\nHomepage: https://example.org/lbtest\n"
                "Description: layerbom test package\n a package built by the tests\n" % (version, version))
    with open(os.path.join(root, "usr/share/lbtest/data.txt"), "w") as f:
        f.write("version %s\n" % version)
    if doc:
        os.makedirs(os.path.join(root, "usr/share/doc/lbtest"))
        with open(os.path.join(root, "usr/share/doc/lbtest/copyright"), "w") as f:
            f.write(LBTEST_COPYRIGHT)
    out = os.path.join(work, "lbtest_%s_all.deb" % version)
    run("dpkg-deb", "--root-owner-group", "-Zgzip", "-b", root, out)
    return out


class Image:
    """An OCI layout built layer by layer with umoci, like a Dockerfile."""

    def __init__(self, work, name):
        self.work, self.oci = work, os.path.join(work, name)
        run("umoci", "init", "--layout", self.oci)
        run("umoci", "new", "--image", self.oci + ":t")

    def layer(self, created_by, fn):
        bundle = os.path.join(self.work, "bundle")
        run("umoci", "unpack", "--rootless", "--image", self.oci + ":t", bundle)
        fn(os.path.join(bundle, "rootfs"))
        run("umoci", "repack", "--image", self.oci + ":t", "--history.created_by", created_by, bundle)
        shutil.rmtree(bundle)

    def spec(self):
        return "oci-dir:" + self.oci


def dpkg(root, *args):
    for d in ("var/lib/dpkg/info", "var/lib/dpkg/updates"):
        os.makedirs(os.path.join(root, d), exist_ok=True)
    for f in ("var/lib/dpkg/status", "var/lib/dpkg/available"):
        p = os.path.join(root, f)
        if not os.path.exists(p):
            open(p, "w").close()
    run("dpkg", "--root=" + root, "--force-script-chrootless", "--force-not-root", "--force-depends",
        "--no-triggers", "--log=/dev/null", *args)


def dpkg_query(root):
    """What dpkg itself says is installed: {name:arch: version}."""
    p = run("dpkg-query", "--admindir=" + os.path.join(root, "var/lib/dpkg"), "-W",
            "-f=${Package}:${Architecture}\t${Version}\t${db:Status-Abbrev}\n")
    out = {}
    for line in p.stdout.decode().splitlines():
        key, ver, st = line.split("\t")
        if st.startswith("ii"):
            out[key] = ver
    return out


def model(exe, spec, *opts):
    p = subprocess.run([exe, *opts, spec], stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    if p.returncode != 0:
        raise RuntimeError("dump_model exit %d: %s" % (p.returncode, p.stderr.decode()))
    return json.loads(p.stdout)


def load_ids():
    here = os.path.dirname(os.path.abspath(__file__))
    lt = os.path.join(here, "..", "..", "license-texts")
    ids = set()
    for f, key, idk in (("licenses.json", "licenses", "licenseId"), ("exceptions.json", "exceptions", "licenseExceptionId")):
        with open(os.path.join(lt, f)) as fh:
            for l in json.load(fh)[key]:
                if not l.get("isDeprecatedLicenseId"):
                    ids.add(l[idk])
    return ids


def expr_ok(expr, ids, refs):
    """A valid SPDX expression naming only current list ids and defined refs."""
    if not expr:
        return False
    toks = re.findall(r"\(|\)|[A-Za-z0-9.+:-]+", expr)
    if "".join(toks) != re.sub(r"\s+", "", expr):
        return False
    for t in toks:
        if t in ("(", ")", "AND", "OR", "WITH"):
            continue
        if t.startswith("LicenseRef-"):
            if t not in refs:
                return False
        elif t.rstrip("+") not in ids:
            return False
    return True


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: test_dpkg.py DUMP_MODEL CACHE_DIR")
    exe, cache = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    r = Runner()
    ids = load_ids()
    debs = fetch(cache)
    work = tempfile.mkdtemp(prefix="lb-dpkg-")
    try:
        v1, v2 = build_lbtest(work, "1.0"), build_lbtest(work, "2.0")
        img = Image(work, "deb")
        final = {}

        def l1(root):
            os.makedirs(os.path.join(root, "etc"), exist_ok=True)
            with open(os.path.join(root, "etc/os-release"), "w") as f:
                f.write(OS_RELEASE)
            dpkg(root, "-i", *[debs[d] for d in LAYER1], v1)

        def l3(root):
            dpkg(root, "-i", v2)
            dpkg(root, "--remove", "sensible-utils")

        def l4(root):
            os.remove(os.path.join(root, "usr/share/doc/libzstd1/copyright"))
            final.update(dpkg_query(root))

        img.layer("install base libraries and lbtest 1.0", l1)
        img.layer("install hello", lambda root: dpkg(root, "-i", *[debs[d] for d in LAYER2]))
        img.layer("upgrade lbtest, remove sensible-utils", l3)
        img.layer("rm libzstd1 copyright", l4)

        m = model(exe, img.spec())
        comps = {c["name"] + ":" + (c["arch"] or ""): c for c in m["components"] if c["found_by"] == "dpkg"}
        refs = {x["id"]: x for x in m["refs"]}
        got = {k: c["version"] for k, c in comps.items()}
        r.check("the installed set equals dpkg-query's (%d packages)" % len(final), got == final,
                "dpkg-query %r\nlayerbom %r" % (sorted(final.items()), sorted(got.items())))
        r.check("no duplicate components", len(comps) == sum(1 for c in m["components"] if c["found_by"] == "dpkg"))
        bad = {k: c["declared"] for k, c in comps.items() if not expr_ok(c["declared"], ids, refs)}
        r.check("every declared license is a valid expression of listed ids and defined refs", not bad, bad)
        norefs = [k for k, c in comps.items() if c["declared"] and "LicenseRef-" not in c["declared"]]
        r.check("most licenses need no LicenseRef (%d of %d)" % (len(norefs), len(comps)),
                len(norefs) >= 0.75 * len(comps))

        hello = comps.get("hello:amd64", {})
        r.check("hello: GPL-3+ and GFDL-NIV-1.3+ from its free-form copyright file",
                hello.get("declared") == "GPL-3.0-or-later AND GFDL-1.3-no-invariants-or-later", hello.get("declared"))
        r.check("hello: copyright statements collected",
                "Copyright (C) 1994,1995,1996 Ian Jackson." in hello.get("copyrights", []), hello.get("copyrights"))
        r.check("hello: introduced by layer 2", hello.get("introduced") == 1, hello.get("introduced"))
        r.check("hello: owns /usr/bin/hello", "/usr/bin/hello" in hello.get("files", []))
        r.check("hello: purl", hello.get("purl") == "pkg:deb/debian/hello@2.10-3?arch=amd64&distro=debian-12",
                hello.get("purl"))

        z = comps.get("zlib1g:amd64", {})
        r.check("zlib1g: version keeps the epoch, purl has it as a qualifier",
                z.get("version", "").startswith("1:") and "epoch=1" in (z.get("purl") or "")
                and "@1.2.13" in (z.get("purl") or "") and "upstream=zlib" in (z.get("purl") or ""), z.get("purl"))
        r.check("zlib1g: Zlib from its DEP-5 file", z.get("declared") == "Zlib", z.get("declared"))

        gcc, lib = comps.get("gcc-12-base:amd64", {}), comps.get("libgcc-s1:amd64", {})
        r.check("libgcc-s1: doc directory symlink to gcc-12-base followed",
                lib.get("declared") and lib.get("declared") == gcc.get("declared"),
                (lib.get("declared"), gcc.get("declared")))
        r.check("libgcc-s1: GCC runtime exception found",
                "GCC-exception-3.1" in (lib.get("declared") or ""), lib.get("declared"))

        zs = comps.get("libzstd1:amd64", {})
        notes = [e["detail"] for e in zs.get("evidence", []) if e["kind"] == "note"]
        r.check("libzstd1: copyright deleted by layer 4 still gives the license, with a note",
                zs.get("declared") and any("deleted by layer 4" in (n or "") for n in notes), (zs.get("declared"), notes))
        r.check("libzstd1: last changed by layer 4 (its file deleted)", zs.get("last_changed") == 3, zs.get("last_changed"))
        r.check("libzstd1: introduced by layer 1", zs.get("introduced") == 0, zs.get("introduced"))

        lb = comps.get("lbtest:all", {})
        r.check("lbtest: upgraded in layer 3 is version 2.0 introduced by layer 3",
                lb.get("version") == "2.0" and lb.get("introduced") == 2, (lb.get("version"), lb.get("introduced")))
        r.check("lbtest: declared is the license of 'Files: *', a LicenseRef with its paragraph's text",
                lb.get("declared") == "LicenseRef-Lbtest-Custom"
                and "testing layerbom only" in refs.get("LicenseRef-Lbtest-Custom", {}).get("text", ""),
                (lb.get("declared"), refs.get("LicenseRef-Lbtest-Custom")))
        r.check("lbtest: concluded is every paragraph's license",
                lb.get("concluded") == "LicenseRef-Lbtest-Custom AND GPL-2.0-or-later", lb.get("concluded"))
        zs1 = comps.get("libzstd1:amd64", {})
        r.check("libzstd1: declared from 'Files: *', concluded from all paragraphs",
                zs1.get("declared") == "BSD-3-Clause OR GPL-2.0-only"
                and zs1.get("concluded") == "(BSD-3-Clause OR GPL-2.0-only) AND Zlib AND MIT",
                (zs1.get("declared"), zs1.get("concluded")))
        bz = comps.get("libbz2-1.0:amd64", {})
        r.check("libbz2-1.0: the BSD-variant paragraph's text is identified in the concluded license",
                bz.get("declared") == "LicenseRef-BSD-variant" and "bzip2-1.0.6" in (bz.get("concluded") or ""),
                (bz.get("declared"), bz.get("concluded")))
        r.check("lbtest: source package with its own version in the purl",
                "upstream=lbtest-src%402.0~src" in (lb.get("purl") or "") or
                "upstream=lbtest-src@2.0~src" in (lb.get("purl") or ""), lb.get("purl"))
        r.check("lbtest: supplier and author", lb.get("supplier") == "Debian GNU/Linux"
                and lb.get("author") == "Example Maintainer <maint@example.org>", (lb.get("supplier"), lb.get("author")))
        r.check("sensible-utils (removed in layer 3) is not reported", "sensible-utils:all" not in comps)

        ma = model(exe, img.spec(), "--all-layers")
        gone = {(c["name"], c["version"]): c for c in ma["components"] if c["found_by"] == "dpkg" and c["removed"] >= 0}
        su = [c for (n, _), c in gone.items() if n == "sensible-utils"]
        r.check("all layers: sensible-utils introduced by layer 1, removed by layer 3",
                len(su) == 1 and su[0]["introduced"] == 0 and su[0]["removed"] == 2, su)
        old = gone.get(("lbtest", "1.0"))
        r.check("all layers: lbtest 1.0 replaced by layer 3",
                old is not None and old["introduced"] == 0 and old["removed"] == 2, old)
        r.check("all layers: nothing else removed", len(gone) == 2, sorted(gone))
        lbexe = os.path.join(os.path.dirname(os.path.dirname(exe)), "cmd", "layerbom")
        p = subprocess.run([lbexe, "scan", "--scope", "all-layers", img.spec()], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE)
        rows = [l.split() for l in p.stdout.decode().splitlines() if l.startswith("os-package ")]
        su_rows = [row for row in rows if row[1] == "sensible-utils"]
        r.check("scan --scope all-layers: the table gives sensible-utils layers 1-3 (in, then removed)",
                p.returncode == 0 and len(su_rows) == 1 and "1-3" in su_rows[0], su_rows)
        p = subprocess.run([lbexe, "scan", img.spec()], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        r.check("scan (squashed): no sensible-utils row", p.returncode == 0 and not [
            l for l in p.stdout.decode().splitlines() if l.startswith("os-package ") and " sensible-utils " in l])

        # A slim image: the dpkg database deleted by the last layer.
        img2 = Image(work, "nodb")
        img2.layer("install", lambda root: dpkg(root, "-i", debs["hello"]))
        img2.layer("rm -rf /var/lib/dpkg", lambda root: shutil.rmtree(os.path.join(root, "var/lib/dpkg")))
        m2 = model(exe, img2.spec())
        r.check("database deleted by a later layer: no dpkg components",
                not [c for c in m2["components"] if c["found_by"] == "dpkg"])
        m2a = model(exe, img2.spec(), "--all-layers")
        h = [c for c in m2a["components"] if c["found_by"] == "dpkg"]
        r.check("database deleted: all layers reports hello removed by layer 2",
                len(h) == 1 and h[0]["removed"] == 1, h)

        # Distroless: status.d stanzas and md5sums, no status file.
        img3 = Image(work, "distroless")

        def distroless(root):
            sd = os.path.join(root, "var/lib/dpkg/status.d")
            os.makedirs(sd)
            for name in ("libzstd1", "zlib1g"):
                run("dpkg-deb", "-x", debs[name], root)
                ctl = run("dpkg-deb", "-f", debs[name]).stdout
                with open(os.path.join(sd, name), "wb") as f:
                    f.write(ctl)
                md5 = run("sh", "-c", "dpkg-deb --ctrl-tarfile \"$1\" | tar -xO ./md5sums", "sh", debs[name]).stdout
                with open(os.path.join(sd, name + ".md5sums"), "wb") as f:
                    f.write(md5)

        img3.layer("distroless base", distroless)
        m3 = model(exe, img3.spec())
        d = {c["name"]: c for c in m3["components"] if c["found_by"] == "dpkg"}
        r.check("distroless: status.d packages found", sorted(d) == ["libzstd1", "zlib1g"], sorted(d))
        r.check("distroless: ownership from md5sums",
                any(f.startswith("/usr/lib/x86_64-linux-gnu/libzstd.so") for f in d.get("libzstd1", {}).get("files", [])),
                d.get("libzstd1", {}).get("files"))
        r.check("distroless: licenses read", all(c["declared"] for c in d.values()), {k: c["declared"] for k, c in d.items()})
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("%d passed, %d failed" % (r.passed, r.failed))
    sys.exit(1 if r.failed else 0)


if __name__ == "__main__":
    main()
