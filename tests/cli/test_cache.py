#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Proves the per-layer cache of `layerbom scan` and `check` (--cache DIR,
--no-cache) on images built at test time.

Usage: test_cache.py LAYERBOM
Prints one line per check and ends with "N passed, N failed"; exits 1 if a
check failed.

That a cached layer is not read is shown without timings: after a scan
filled the cache, a copy of the image gets a layer blob replaced by garbage
of the same size.  With the cache the scan succeeds and says the same (the
blob is never opened); with --no-cache it fails with exit 3.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
import imagetool as it  # noqa: E402
from imagetool import Entry as E, Layer  # noqa: E402

SDE = "1700000000"
DPKG_STATUS = b"""Package: hello
Status: install ok installed
Priority: optional
Section: devel
Installed-Size: 100
Maintainer: Someone <someone@example.org>
Architecture: amd64
Version: 2.10-3
Description: example package
 An example.

"""
MIT = b"""Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/

Files: *
Copyright: 2020 Someone
License: MIT

License: MIT
 Permission is hereby granted, free of charge, to any person obtaining a copy
 of this software and associated documentation files (the "Software"), to deal
 in the Software without restriction, including without limitation the rights
 to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
 copies of the Software, and to permit persons to whom the Software is
 furnished to do so, subject to the following conditions:
 .
 The above copyright notice and this permission notice shall be included in all
 copies or substantial portions of the Software.
 .
 THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
 IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
 FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
 AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
 LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
 OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
 SOFTWARE.
"""
PACKAGE_JSON = json.dumps({"name": "left-pad", "version": "1.3.0", "license": "WTFPL"}).encode()


class Runner:
    def __init__(self, exe, work):
        self.exe, self.work = exe, work
        self.passed = self.failed = 0

    def check(self, name, ok, detail=""):
        if ok:
            self.passed += 1
            print("ok   " + name)
        else:
            self.failed += 1
            detail = detail if len(detail) < 2000 else detail[:2000] + "..."
            print("FAIL " + name + (": " + detail.replace("\n", "\n     | ") if detail else ""))
        sys.stdout.flush()
        return ok

    def env(self, extra=None):
        env = dict(os.environ, SOURCE_DATE_EPOCH=SDE)
        # never the user's cache: checks of the default place set these
        env["XDG_CACHE_HOME"] = self.path("xdg-default")
        env.update(extra or {})
        return {k: v for k, v in env.items() if v is not None}

    def lb(self, *args, env=None):
        p = subprocess.run([self.exe, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=300, env=self.env(env))
        return p.returncode, p.stdout, p.stderr.decode("utf-8", "replace")

    def scan(self, image, *opts, env=None):
        """(rc, spdx-json bytes, table bytes, stderr) of one scan writing both."""
        sp, tb = self.path("out.spdx.json"), self.path("out.table")
        for f in (sp, tb):
            if os.path.exists(f):
                os.unlink(f)
        rc, _, err = self.lb("scan", *opts, "-o", "spdx-json=" + sp, "-o", "table=" + tb, image, env=env)
        return rc, read(sp), read(tb), err

    def path(self, *parts):
        return os.path.join(self.work, *parts)


def read(path):
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError:
        return None


def warnings(err):
    return [l for l in err.splitlines() if l.startswith("layerbom: warning:")]


def base_layer():
    return Layer([E("dir", "etc"),
                  E("file", "etc/os-release", 0o644,
                    b'NAME="Layerbom Test"\nID=lbtest\nVERSION_ID=1.0\nPRETTY_NAME="Layerbom Test 1.0"\n'),
                  E("dir", "var/lib/dpkg"), E("file", "var/lib/dpkg/status", 0o644, DPKG_STATUS),
                  E("dir", "usr/share/doc/hello"),
                  E("file", "usr/share/doc/hello/copyright", 0o644, MIT),
                  E("hardlink", "usr/share/doc/hello/copyright.again", 0o644,
                    target="usr/share/doc/hello/copyright"),
                  E("symlink", "usr/share/doc/hello/link", target="copyright"),
                  E("dir", "opt/gone"), E("file", "opt/gone/x", 0o600, b"x"),
                  E("file", "opt/big", 0o644, it.pattern(300000))],
                 "gzip", created_by="base")


def app_layer(name="left-pad"):
    pj = json.dumps({"name": name, "version": "1.3.0", "license": "WTFPL"}).encode()
    return Layer([E("dir", "app/node_modules/" + name),
                  E("file", "app/node_modules/%s/package.json" % name, 0o644, pj),
                  E("whiteout", "opt/gone"),
                  E("file", "etc/motd", 0o644, name.encode())],
                 "zstd", created_by="app " + name)


def blob_of(oci, built):
    return it.OciLayout(oci).blob_path(built.digest)


def garble(path):
    """Replaces the file with garbage of the same size (a new file: blobs
    are hard links to the built layers)."""
    n = os.path.getsize(path)
    os.unlink(path)
    with open(path, "wb") as f:
        f.write(bytes((i * 7 + 13) & 0xff for i in range(n)))


def records(db):
    """{diff ID hex: (key, sum, payload)} of a cache file."""
    c = sqlite3.connect(db)
    try:
        rows = c.execute("SELECT key, sum, payload FROM layers").fetchall()
    finally:
        c.close()
    return {bytes(p[41:73]).hex(): (bytes(k), bytes(s), bytes(p)) for k, s, p in rows}


def put_record(db, key, payload, fix_sum=True, sum_=None):
    c = sqlite3.connect(db)
    try:
        s = hashlib.sha256(payload).digest() if fix_sum else sum_
        c.execute("INSERT OR REPLACE INTO layers (key, sum, payload, size, created, used)"
                  " VALUES (?, ?, ?, ?, 0, strftime('%s', 'now'))", (key, s, payload, len(payload)))
        c.commit()
    finally:
        c.close()


def run_basic(r, oci, built, ref):
    cache = r.path("c1")
    db = os.path.join(cache, "layers.sqlite")
    rc, sp, tb, err = r.scan(oci, "--cache", cache)
    r.check("first scan with --cache: exit 0, no warnings, same SBOM as --no-cache",
            rc == 0 and not err and (sp, tb) == ref, "exit %d %r" % (rc, err))
    r.check("first scan fills the cache: one record per layer",
            os.path.exists(db) and len(records(db)) == len(built),
            "%s" % (list(records(db)) if os.path.exists(db) else "no file"))
    st_dir, st_db = os.stat(cache), os.stat(db)
    r.check("the cache directory is 0700 and its file 0600",
            stat.S_IMODE(st_dir.st_mode) == 0o700 and stat.S_IMODE(st_db.st_mode) == 0o600,
            "%o %o" % (st_dir.st_mode, st_db.st_mode))
    rc, sp, tb, err = r.scan(oci, "--cache", cache)
    r.check("second scan: byte-identical spdx-json and table, no warnings",
            rc == 0 and not err and (sp, tb) == ref, "exit %d %r" % (rc, err))
    for j in ("1", "4"):
        rc, sp, tb, err = r.scan(oci, "--cache", cache, "-j", j)
        r.check("second scan with -j %s: identical" % j, rc == 0 and not err and (sp, tb) == ref,
                "exit %d %r" % (rc, err))
    rc, sp, _, err = r.scan(oci, "--cache", cache, "--scope", "all-layers", "--files")
    rc2, sp2, _, err2 = r.scan(oci, "--no-cache", "--scope", "all-layers", "--files")
    r.check("--scope all-layers --files from the cache = without it",
            rc == rc2 == 0 and sp == sp2 and not err and not err2, "exit %d %d %r %r" % (rc, rc2, err, err2))
    # records without every file's SHA-1 serve no --files scan: a second
    # record per layer, which the next --files scan reads
    c = sqlite3.connect(db)
    try:
        nrec = c.execute("SELECT count(*) FROM layers").fetchone()[0]
    finally:
        c.close()
    r.check("a --files scan stores records of its own (every SHA-1): two per layer now",
            nrec == 2 * len(built), "%d records" % nrec)
    rc, sp3, _, err = r.scan(oci, "--cache", cache, "--scope", "all-layers", "--files")
    r.check("and a second --files scan from them is the same", rc == 0 and sp3 == sp2 and not err,
            "exit %d %r" % (rc, err))

    # the blobs are not read: garbage in their place changes nothing
    # (documents name the image path: the reference is of the copy, intact)
    bad = r.path("garbled-oci")
    shutil.copytree(oci, bad)
    ref_bad = r.scan(bad, "--no-cache")
    for b in built:
        garble(blob_of(bad, b))
    rc, sp, tb, err = r.scan(bad, "--cache", cache)
    r.check("cached layers are not read: every blob garbage, the scan succeeds, same SBOM",
            ref_bad[0] == 0 and rc == 0 and not err and (sp, tb) == ref_bad[1:3],
            "exit %d %r" % (rc, err))
    rc, sp, tb, err = r.scan(bad, "--no-cache")
    r.check("the same garbled image with --no-cache: exit 3",
            rc == 3 and "layerbom: " in err and sp is None, "exit %d %r" % (rc, err))
    rc, sp, tb, err = r.scan(bad, "--cache", r.path("c-fresh"))
    r.check("the garbled image with an empty cache: exit 3, nothing stored",
            rc == 3 and len(records(os.path.join(r.path("c-fresh"), "layers.sqlite"))) == 0,
            "exit %d %r" % (rc, err))
    rc, out, err = r.lb("check", "--cache", cache, bad)
    rc2, out2, err2 = r.lb("check", "--no-cache", oci)
    out2 = out2.replace(oci.encode(), bad.encode())
    r.check("check --cache reads the cache too (garbled blobs): same verdicts",
            rc == rc2 and out == out2 and not err and not err2, "exit %d %d %r %r" % (rc, rc2, err, err2))
    rc, out, err = r.lb("check", "--no-cache", bad)
    r.check("check --no-cache on the garbled image: exit 3", rc == 3, "exit %d %r" % (rc, err))
    return cache


def run_shared_base(r, built, cache):
    """A second image on the same base layer walks only its new layer."""
    top = it.build_layers([app_layer("right-pad")], r.path("other"), prefix="o")
    layers = [built[0], top[0]]
    good, bad = r.path("other-oci"), r.path("other-oci-garbled")
    it.build_oci(good, layers)
    it.build_oci(bad, layers)
    ref = r.scan(bad, "--no-cache")
    garble(blob_of(bad, built[0]))
    db = os.path.join(cache, "layers.sqlite")
    before = set(records(db))
    rc, sp, tb, err = r.scan(bad, "--cache", cache)
    after = set(records(db))
    r.check("second image sharing the base: base layer from the cache (its blob garbage), same SBOM",
            ref[0] == 0 and rc == 0 and not err and (sp, tb) == ref[1:3], "exit %d %r" % (rc, err))
    r.check("second image sharing the base: only its new layer was stored",
            after - before == {top[0].diff_id.split(":")[1]}, "%s" % (after - before))
    rc, sp, tb, err = r.scan(bad, "--no-cache")
    r.check("second image, garbled base, --no-cache: exit 3", rc == 3, "exit %d %r" % (rc, err))

    # records unused for 30 days go when something is stored
    d = r.path("c-idle")
    r.scan(r.path("oci"), "--cache", d)
    db = os.path.join(d, "layers.sqlite")
    c = sqlite3.connect(db)
    c.execute("UPDATE layers SET used = used - 31 * 86400")
    c.commit()
    c.close()
    rc, sp, tb, err = r.scan(good, "--cache", d)
    got = set(records(db))
    r.check("records unused for 30 days are dropped by the next store; a hit keeps its record",
            rc == 0 and not err and got == {b.diff_id.split(":")[1] for b in layers},
            "exit %d %r %s" % (rc, err, got))


def run_damage(r, oci, built, ref):
    """Corrupt, foreign and tampered caches: a warning, and the right answer."""
    d = r.path("c-random")
    os.makedirs(d)
    db = os.path.join(d, "layers.sqlite")
    junk = bytes((i * 31 + 7) & 0xff for i in range(65536))
    with open(db, "wb") as f:
        f.write(junk)
    os.chmod(db, 0o600)
    rc, sp, tb, err = r.scan(oci, "--cache", d)
    w = warnings(err)
    r.check("a cache file of random bytes: one warning naming it, scan right",
            rc == 0 and (sp, tb) == ref and len(w) == 1 and
            "cache '%s' ignored: not a SQLite database" % db in w[0], "exit %d %r" % (rc, err))
    r.check("the random file is left as it was", read(db) == junk)

    d = r.path("c-foreign")
    os.makedirs(d)
    db = os.path.join(d, "layers.sqlite")
    c = sqlite3.connect(db)
    c.execute("CREATE TABLE layers (key BLOB, payload BLOB)")
    c.commit()
    c.close()
    os.chmod(db, 0o600)
    rc, sp, tb, err = r.scan(oci, "--cache", d)
    w = warnings(err)
    r.check("another program's SQLite file: warning 'not a layerbom cache', scan right",
            rc == 0 and (sp, tb) == ref and len(w) == 1 and "ignored: not a layerbom cache" in w[0],
            "exit %d %r" % (rc, err))

    d = r.path("c-other-writable")
    r.scan(oci, "--cache", d)
    db = os.path.join(d, "layers.sqlite")
    os.chmod(db, 0o666)
    rc, sp, tb, err = r.scan(oci, "--cache", d)
    w = warnings(err)
    r.check("a cache file writable by others is refused with a warning",
            rc == 0 and (sp, tb) == ref and len(w) == 1 and "writable by other users" in w[0],
            "exit %d %r" % (rc, err))

    d = r.path("c-shared-dir")
    os.makedirs(d)
    os.chmod(d, 0o777)
    rc, sp, tb, err = r.scan(oci, "--cache", d)
    w = warnings(err)
    r.check("a cache directory writable by others is refused with a warning, nothing written",
            rc == 0 and (sp, tb) == ref and len(w) == 1 and "directory is writable by other users" in w[0]
            and not os.listdir(d), "exit %d %r" % (rc, err))

    f = r.path("a-file")
    with open(f, "w") as fh:
        fh.write("x")
    rc, sp, tb, err = r.scan(oci, "--cache", os.path.join(f, "sub"))
    w = warnings(err)
    r.check("a cache directory that cannot be made: warning, scan right",
            rc == 0 and (sp, tb) == ref and len(w) == 1 and "cannot create" in w[0],
            "exit %d %r" % (rc, err))

    # tampered records, each in a fresh copy of a good cache
    good = r.path("c-good")
    r.scan(oci, "--cache", good)
    recs = records(os.path.join(good, "layers.sqlite"))
    base_id, app_id = (b.diff_id.split(":")[1] for b in built)

    def tampered(name, change, want):
        d = r.path("c-" + name)
        shutil.copytree(good, d)
        db = os.path.join(d, "layers.sqlite")
        change(db)
        rc, sp, tb, err = r.scan(oci, "--cache", d)
        w = warnings(err)
        r.check("tampered record (%s): one warning, miss, scan right" % name,
                rc == 0 and (sp, tb) == ref and len(w) == 1 and want in w[0] and base_id in w[0],
                "exit %d %r" % (rc, err))
        rc, sp, tb, err = r.scan(oci, "--cache", d)
        r.check("tampered record (%s): replaced by the next walk" % name,
                rc == 0 and (sp, tb) == ref and not err, "exit %d %r" % (rc, err))

    key, sum_, payload = recs[base_id]
    flipped = bytearray(payload)
    flipped[len(flipped) // 2] ^= 0x55
    tampered("flipped-byte", lambda db: put_record(db, key, bytes(flipped), False, sum_),
             "checksum mismatch")
    tampered("truncated", lambda db: put_record(db, key, payload[:len(payload) - 9]), "truncated")
    i = payload.find(b"/etc/os-release")
    bad_path = payload[:i] + b"//tc/os-release" + payload[i + 15:]
    tampered("bad path", lambda db: put_record(db, key, bad_path), "path not normalised")
    tampered("another layer's record", lambda db: put_record(db, key, recs[app_id][2]),
             "another layer's")
    def oversized(db):
        c = sqlite3.connect(db)
        c.execute("UPDATE layers SET payload = zeroblob(257 << 20) WHERE key = ?", (key,))
        c.commit()
        c.close()
    tampered("payload over 256 MiB", oversized, "larger than 256 MiB")
    huge = payload[:73 + 16] + b"\xff\xff\xff\x7f" + payload[73 + 20:]
    tampered("huge length", lambda db: put_record(db, key, huge), "ignored:")


def run_concurrent(r):
    """Several scans at once on one new cache: all succeed, all agree."""
    layers = [Layer([E("dir", "d%d" % i), E("file", "d%d/blob" % i, 0o644, os.urandom(3 << 20)),
                     E("file", "d%d/small" % i, 0o644, b"small")], "gzip", created_by="l%d" % i)
              for i in range(4)]
    layers.append(base_layer())
    built = it.build_layers(layers, r.path("conc"), prefix="c")
    oci = r.path("conc-oci")
    it.build_oci(oci, built)
    ref = r.scan(oci, "--no-cache")
    cache = r.path("c-conc")
    procs = []
    for i in range(4):
        out = r.path("conc-%d.json" % i)
        procs.append((out, subprocess.Popen([r.exe, "scan", "-j", "2", "--cache", cache, "-o",
                                              "spdx-json=" + out, oci], stdout=subprocess.DEVNULL,
                                             stderr=subprocess.PIPE, env=r.env())))
    results = []
    for out, p in procs:
        _, err = p.communicate(timeout=300)
        results.append((p.returncode, read(out), err.decode("utf-8", "replace")))
    r.check("4 concurrent scans sharing a new cache: all exit 0, no warnings, same SBOM",
            all(rc == 0 and sp == ref[1] and not err for rc, sp, err in results),
            "%r" % [(rc, sp == ref[1], err) for rc, sp, err in results])
    recs = records(os.path.join(cache, "layers.sqlite"))
    r.check("after the concurrent scans the cache holds each layer once",
            set(recs) == {b.diff_id.split(":")[1] for b in built}, "%s" % list(recs))
    rc, sp, tb, err = r.scan(oci, "--cache", cache)
    r.check("and a scan from it is right", rc == 0 and not err and (sp, tb) == ref[1:3],
            "exit %d %r" % (rc, err))


def run_default_place(r, oci, ref):
    xdg = r.path("xdg")
    rc, sp, tb, err = r.scan(oci, env={"XDG_CACHE_HOME": xdg})
    r.check("default cache: $XDG_CACHE_HOME/layerbom/layers.sqlite",
            rc == 0 and not err and os.path.exists(os.path.join(xdg, "layerbom", "layers.sqlite")),
            "exit %d %r %s" % (rc, err, os.listdir(r.work)))
    home = r.path("home")
    os.makedirs(home)
    for what, x in (("unset", None), ("relative", "rel/cache")):
        rc, sp, tb, err = r.scan(oci, env={"XDG_CACHE_HOME": x, "HOME": home})
        r.check("default cache with XDG_CACHE_HOME %s: $HOME/.cache/layerbom" % what,
                rc == 0 and not err and (sp, tb) == ref and
                os.path.exists(os.path.join(home, ".cache", "layerbom", "layers.sqlite")),
                "exit %d %r" % (rc, err))
    nc = r.path("xdg-none")
    rc, sp, tb, err = r.scan(oci, "--no-cache", env={"XDG_CACHE_HOME": nc})
    rc2, out, err2 = r.lb("check", "--no-cache", oci, env={"XDG_CACHE_HOME": nc})
    r.check("--no-cache (scan, check) writes nothing", rc == 0 and rc2 == 0 and not err and
            (sp, tb) == ref and not os.path.exists(nc), "exit %d %d %r %r" % (rc, rc2, err, err2))
    rc, sp, tb, err = r.scan(oci, "--cache", r.path("c-last"), "--no-cache")
    rc2, sp2, tb2, err2 = r.scan(oci, "--no-cache", "--cache", r.path("c-last2"))
    r.check("the last of --cache and --no-cache wins",
            rc == rc2 == 0 and not os.path.exists(r.path("c-last")) and
            os.path.exists(os.path.join(r.path("c-last2"), "layers.sqlite")), "exit %d %d" % (rc, rc2))
    rc, out, err = r.lb("scan", "--cache")
    r.check("--cache without a value: usage error", rc == 2, "exit %d %r" % (rc, err))
    rc, out, _ = r.lb("help", "scan")
    rc2, out2, _ = r.lb("help", "check")
    r.check("help scan and help check describe --cache and --no-cache",
            all(b"--cache DIR" in o and b"--no-cache" in o for o in (out, out2)))


def run_warned_layer(r):
    """A layer whose walk warns is not cached: its warning comes back."""
    layers = [Layer([E("file", "ok", 0o644, b"ok"), E("file", "../escape", 0o644, b"x")], "gzip",
                    created_by="warns"),
              app_layer()]
    built = it.build_layers(layers, r.path("warn"), prefix="w")
    oci = r.path("warn-oci")
    it.build_oci(oci, built)
    cache = r.path("c-warn")
    runs = [r.scan(oci, "--cache", cache) for _ in range(2)]
    recs = records(os.path.join(cache, "layers.sqlite"))
    r.check("a layer whose walk warned is not stored, the others are",
            set(recs) == {built[1].diff_id.split(":")[1]}, "%s" % list(recs))
    r.check("its warning is given again on the next scan",
            runs[0][0] == runs[1][0] == 0 and runs[0][3] == runs[1][3] and "'..'" in runs[1][3],
            "%r" % [x[3] for x in runs])


def run_sources(r, oci, built):
    """Other image forms: an OCI tarball, a gzip-compressed docker save
    (layers streamed in one pass), a Docker 1.10-24 archive (no blob digests)."""
    built = [built[0], it.recompress(built[1], "gzip")]      # docker archives: no zstd
    oci = r.path("oci-gzip")
    it.build_oci(oci, built)
    it.skopeo_copy("oci:%s:latest" % oci, "oci-archive:" + r.path("img.oci.tar"))
    it.skopeo_copy("oci:%s:latest" % oci, "docker-archive:%s:lbtest/c:1" % r.path("img.docker.tar"))
    with open(r.path("img.docker.tar"), "rb") as f, open(r.path("img.docker.tar.gz"), "wb") as g:
        subprocess.run(["gzip", "-n", "-c"], stdin=f, stdout=g, check=True)
    it.write_docker_manifest_archive(r.path("img.manifest.tar"), [("lbtest/c:1", built)])
    for name in ("img.oci.tar", "img.docker.tar.gz", "img.manifest.tar"):
        p = r.path(name)
        cache = r.path("c-" + name)
        ref = r.scan(p, "--no-cache")
        runs = [r.scan(p, "--cache", cache) for _ in range(2)]
        n = len(records(os.path.join(cache, "layers.sqlite")))
        r.check("%s: first and second scan with the cache = without (%d records)" % (name, n),
                ref[0] == 0 and not ref[3] and n == len(built) and
                all(x == ref for x in runs), "%r" % ([ref[0], ref[3]] + [(x[0], x[3]) for x in runs]))
        # the base layer's bytes inside the archive turned to garbage
        gz = name.endswith(".gz")
        with open(r.path(name[:-3]) if gz else p, "rb") as f:
            data = f.read()
        at = -1
        for src in (built[0].blob, built[0].tar):
            with open(src, "rb") as f:
                member = f.read()
            at = data.find(member)
            if at >= 0:
                break
        if not r.check("%s: the base layer is found in the archive" % name, at >= 0):
            continue
        data = data[:at] + bytes((i * 7 + 13) & 0xff for i in range(len(member))) + data[at + len(member):]
        bad = r.path("garbled-" + name)
        with open(bad[:-3] if gz else bad, "wb") as f:
            f.write(data)
        if gz:
            with open(bad[:-3], "rb") as f, open(bad, "wb") as g:
                subprocess.run(["gzip", "-n", "-c"], stdin=f, stdout=g, check=True)
        rc, _, _, err = r.scan(bad, "--cache", cache)
        rc2, _, _, err2 = r.scan(bad, "--no-cache")
        r.check("%s: base layer garbage in the archive: the cache answers (exit 0), "
                "--no-cache exits 3" % name, rc == 0 and not err and rc2 == 3,
                "exit %d %d %r %r" % (rc, rc2, err, err2))


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: test_cache.py LAYERBOM")
    exe = os.path.abspath(sys.argv[1])
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="lb-cache-") as work:
        r = Runner(exe, work)
        built = it.build_layers([base_layer(), app_layer()], r.path("img"))
        oci = r.path("oci")
        it.build_oci(oci, built)
        rc, sp, tb, err = r.scan(oci, "--no-cache")
        if r.check("reference scan (--no-cache): exit 0, no warnings, finds the package",
                   rc == 0 and not err and b"hello" in tb and b"left-pad" in tb,
                   "exit %d %r %r" % (rc, err, tb)):
            ref = (sp, tb)
            cache = run_basic(r, oci, built, ref)
            run_shared_base(r, built, cache)
            run_damage(r, oci, built, ref)
            run_default_place(r, oci, ref)
            run_warned_layer(r)
            run_sources(r, oci, built)
            run_concurrent(r)
    print("# %.1f s" % (time.monotonic() - start))
    print("%d passed, %d failed" % (r.passed, r.failed))
    sys.exit(1 if r.failed else 0)


if __name__ == "__main__":
    main()
