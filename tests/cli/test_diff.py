#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Proves `layerbom diff` on two releases of an image built with dpkg.

Usage: test_diff.py LAYERBOM CACHE_DIR

Release 1 installs hello, zlib1g and a package built here (lbtest 1.0,
under a custom license); release 2 drops zlib1g, adds libzstd1, and
upgrades lbtest to 2.0 whose copyright file says MIT.  The diff of the two
images, of their SBOMs (CycloneDX and SPDX), and of an image against an
SBOM must name exactly those changes; an image against itself is no
change (exit 0).  Real Debian packages come from `apt-get download`
(cached in CACHE_DIR), installed as in tests/detectors/test_dpkg.py.

Prints one line per check and ends with "N passed, N failed".
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "detectors"))
import test_dpkg as td  # noqa: E402

MIT_COPYRIGHT = """Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/

Files: *
Copyright: 2024 Example Author
License: Expat
"""


def lbtest(work, version, copyright_text):
    path = td.build_lbtest(work, version)
    if copyright_text:
        root = os.path.join(work, "lbtest-%s" % version)
        with open(os.path.join(root, "usr/share/doc/lbtest/copyright"), "w") as f:
            f.write(copyright_text)
        td.run("dpkg-deb", "--root-owner-group", "-Zgzip", "-b", root, path)
    return path


def main():
    exe, cache = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    r = td.Runner()
    debs = td.fetch(cache)
    work = tempfile.mkdtemp(prefix="lb-diff-")
    env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")
    try:
        v1 = lbtest(work, "1.0", None)
        v2 = lbtest(work, "2.0", MIT_COPYRIGHT)

        def os_release(root):
            os.makedirs(os.path.join(root, "etc"), exist_ok=True)
            with open(os.path.join(root, "etc/os-release"), "w") as f:
                f.write(td.OS_RELEASE)

        a = td.Image(work, "rel1")
        a.layer("base", lambda root: (os_release(root), td.dpkg(root, "-i", debs["hello"], debs["zlib1g"], v1)))
        b = td.Image(work, "rel2")
        b.layer("base", lambda root: (os_release(root), td.dpkg(root, "-i", debs["hello"], debs["libzstd1"], v2)))

        def diff(*args):
            p = subprocess.run([exe, "diff", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                               timeout=120)
            return p.returncode, p.stdout.decode(), p.stderr.decode()

        want = {("upgraded", "lbtest", "1.0", "2.0", True),
                ("removed", "zlib1g", "1:1.2.13.dfsg-1", None, False),
                ("added", "libzstd1", None, "1.5.4+dfsg2-5+deb12u1", False)}

        def changes(out):
            got = set()
            for c in json.loads(out)["changes"]:
                got.add((c["change"], c["name"], c["old_version"], c["new_version"], c["license_changed"]))
            return got

        rc, out, err = diff("--format", "json", a.spec(), b.spec())
        got = changes(out) if rc in (0, 1) else set()
        # libzstd1's version is whatever Debian serves today: compare names
        names = {(c[0], c[1]) for c in got}
        r.check("two images: lbtest upgraded, zlib1g removed, libzstd1 added, nothing else (exit 1)",
                rc == 1 and names == {(w[0], w[1]) for w in want}, (rc, got, err))
        up = [c for c in got if c[1] == "lbtest"]
        r.check("lbtest: 1.0 -> 2.0 with its license changed",
                up == [("upgraded", "lbtest", "1.0", "2.0", True)], up)
        rc, out, err = diff(a.spec(), b.spec())
        lines = out.splitlines()
        r.check("text output: one line per change and a summary",
                rc == 1 and len(lines) == 4 and lines[-1].startswith("1 added, 1 removed, 1 upgraded, 0 downgraded, 1 with another license"),
                out)
        r.check("text output names the license change",
                any(l.startswith("upgraded") and "lbtest 1.0 -> 2.0" in l and "-> MIT" in l for l in lines), out)

        # the same through SBOMs
        for fmt in ("cyclonedx-json", "spdx-json"):
            pa, pb = os.path.join(work, "a." + fmt), os.path.join(work, "b." + fmt)
            subprocess.run([exe, "scan", "-q", "-o", fmt + "=" + pa, a.spec()], check=True, env=env)
            subprocess.run([exe, "scan", "-q", "-o", fmt + "=" + pb, b.spec()], check=True, env=env)
            rc, out2, err = diff("--format", "json", pa, pb)
            r.check("two %s SBOMs: the same changes as the images" % fmt,
                    rc == 1 and changes(out2) == got, (rc, changes(out2) if rc in (0, 1) else err))
            rc, out3, err = diff(pa, a.spec())
            r.check("%s SBOM of release 1 against the image itself: no change, exit 0" % fmt,
                    rc == 0 and out3.strip().endswith("0 added, 0 removed, 0 upgraded, 0 downgraded, 0 with another license"),
                    (rc, out3, err))
        rc, out, err = diff(a.spec(), a.spec())
        r.check("an image against itself: exit 0", rc == 0, (rc, out, err))
        rc, out, err = diff(a.spec())
        r.check("one argument: exit 2", rc == 2 and err.startswith("layerbom: "), err)
        bad = os.path.join(work, "bad.json")
        with open(bad, "w") as f:
            f.write('{"not": "an sbom"}')
        rc, out, err = diff(bad, a.spec())
        r.check("a JSON file that is no SBOM: exit 3 naming it", rc == 3 and "bad.json" in err, (rc, err))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("%d passed, %d failed" % (r.passed, r.failed))
    sys.exit(1 if r.failed else 0)


if __name__ == "__main__":
    main()
