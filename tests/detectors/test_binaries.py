#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Proves the binaries detector on real executables of Debian 12.

Usage: test_binaries.py DUMP_MODEL CACHE_DIR

The .deb files are fetched with `apt-get download` (kept in CACHE_DIR
between runs); only the executables and libraries are taken out of them
(dpkg-deb --fsys-tarfile, tar) and put into image layers
(tests/lib/imagetool.py):
  layer 1: a merged-/usr base (/bin -> usr/bin, /lib -> usr/lib) where dpkg
           owns bash, libc.so.6 (listed as /bin/bash and
           /lib/x86_64-linux-gnu/libc.so.6, found under /usr) and openssl:
           a status file and .list files made from the .debs themselves;
  layer 2: the executables at paths no package owns (/opt/app/bin/openssl,
           /usr/local/bin/redis-server, ...), plus a renamed copy that
           matches no classifier and a shell script named like one;
  layer 3: deletes /usr/local/lib/libcurl-gnutls.so.4 (of libcurl3-gnutls).
Then a string split between two reads: the walker reads an uncompressed
layer in 256 KiB blocks of the tar stream, and tar places file data at
512-byte offsets, so a matched string (as the first scan's evidence gives
it) that crosses a 512-byte offset of its file can be put across a 256 KiB
boundary by a padding file before it; the binary itself is not changed.
Every expected version is the upstream part of the .deb's own Version
field (epoch, Debian revision and +dfsg-style repack suffixes dropped).

Prints one line per check and ends with "N passed, N failed".
"""

import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
import imagetool as it  # noqa: E402
from imagetool import Entry as E, Layer  # noqa: E402
import debs  # noqa: E402

JVM = "usr/lib/jvm/java-17-openjdk-amd64"
# (component name, classifier, deb, path in the .deb, path in the image, license)
UNOWNED = [
    ("busybox", "busybox", "busybox-static", "bin/busybox", "/opt/app/bin/busybox", "GPL-2.0-only"),
    ("openssl", "openssl", "openssl", "usr/bin/openssl", "/opt/app/bin/openssl", "Apache-2.0"),
    ("openssl", "openssl", "libssl3", "usr/lib/x86_64-linux-gnu/libcrypto.so.3",
     "/opt/app/lib/libcrypto.so.3", "Apache-2.0"),
    ("python", "python", "python3.11-minimal", "usr/bin/python3.11", "/usr/local/bin/python3.11", "PSF-2.0"),
    ("python", "python", "libpython3.11", "usr/lib/x86_64-linux-gnu/libpython3.11.so.1.0",
     "/usr/local/lib/libpython3.11.so.1.0", "PSF-2.0"),
    ("node", "nodejs", "libnode108", "usr/lib/x86_64-linux-gnu/libnode.so.108", "/opt/node/lib/libnode.so.108",
     "MIT"),
    ("openjdk", "openjdk-jvm", "openjdk-17-jre-headless", JVM + "/lib/server/libjvm.so",
     "/opt/java/lib/server/libjvm.so", "GPL-2.0-only WITH Classpath-exception-2.0"),
    ("openjdk", "openjdk-launcher", "openjdk-17-jre-headless", JVM + "/bin/java", "/opt/java/bin/java",
     "GPL-2.0-only WITH Classpath-exception-2.0"),
    ("go", "go", "golang-1.19-go", "usr/lib/go-1.19/bin/go", "/usr/local/go/bin/go", "BSD-3-Clause"),
    ("redis", "redis", "redis-tools", "usr/bin/redis-check-rdb", "/opt/redis/bin/redis-server",
     "BSD-3-Clause"),
    ("nginx", "nginx", "nginx", "usr/sbin/nginx", "/usr/local/nginx/sbin/nginx", "BSD-2-Clause"),
    ("httpd", "httpd", "apache2-bin", "usr/sbin/apache2", "/usr/local/apache2/bin/httpd", "Apache-2.0"),
    ("postgresql", "postgresql", "postgresql-15", "usr/lib/postgresql/15/bin/postgres",
     "/usr/local/pgsql/bin/postgres", "PostgreSQL"),
    ("mariadb", "mariadb", "mariadb-server-core", "usr/sbin/mariadbd", "/usr/local/mysql/bin/mariadbd",
     "GPL-2.0-only"),
    ("curl", "curl", "curl", "usr/bin/curl", "/usr/local/bin/curl", "curl"),
    ("libcurl", "libcurl", "libcurl4", "usr/lib/x86_64-linux-gnu/libcurl.so.4.8.0",
     "/usr/local/lib/libcurl.so.4", "curl"),
    ("libcurl", "libcurl", "libcurl3-nss", "usr/lib/x86_64-linux-gnu/libcurl-nss.so.4.8.0",
     "/opt/nss/lib/libcurl-nss.so.4", "curl"),
    ("bash", "bash", "bash", "bin/bash", "/usr/local/bin/bash", "GPL-3.0-or-later"),
    ("glibc", "glibc", "libc6", "lib/x86_64-linux-gnu/libc.so.6", "/opt/glibc/lib/libc.so.6",
     "LGPL-2.1-or-later"),
    ("musl", "musl", "musl", "lib/x86_64-linux-musl/libc.so", "/opt/musl/lib/ld-musl-x86_64.so.1", "MIT"),
]
# installed by dpkg in layer 1: (deb, path in the .deb)
OWNED = [("bash", "bin/bash"), ("libc6", "lib/x86_64-linux-gnu/libc.so.6"), ("openssl", "usr/bin/openssl")]
DELETED = "/usr/local/lib/libcurl-gnutls.so.4"
DELETED_SRC = ("libcurl3-gnutls", "usr/lib/x86_64-linux-gnu/libcurl-gnutls.so.4.8.0")


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


run = debs.run


def fetch(cache, names):
    return debs.fetch_debs(cache, names)


def member(deb, path):
    """The bytes of one file of a .deb (kept next to the .deb: unpacking
    the large ones takes seconds)."""
    keep = os.path.join(os.path.dirname(deb), "files", os.path.basename(deb), path)
    if not os.path.exists(keep):
        p = subprocess.Popen(["dpkg-deb", "--fsys-tarfile", deb], stdout=subprocess.PIPE)
        data = run("tar", "-xO", "./" + path, stdin=p.stdout).stdout
        p.stdout.close()
        if p.wait() != 0 or not data:
            raise RuntimeError("cannot extract %s from %s" % (path, deb))
        os.makedirs(os.path.dirname(keep), exist_ok=True)
        with open(keep + ".tmp", "wb") as f:
            f.write(data)
        os.rename(keep + ".tmp", keep)
    with open(keep, "rb") as f:
        return f.read()


def deb_field(deb, field):
    return run("dpkg-deb", "-f", deb, field).stdout.decode().strip()


def upstream(version):
    """Debian version -> upstream release: "1:1.35.0-4+deb12u1" -> "1.35.0",
    "18.20.4+dfsg-1~deb12u3" -> "18.20.4", "17.0.15+6-1~deb12u1" -> "17.0.15+6"."""
    v = version.split(":", 1)[-1]
    if "-" in v:
        v = v.rsplit("-", 1)[0]
    return re.sub(r"[+~](dfsg|ds|repack)[0-9.]*$", "", v)


def deb_list(deb):
    """What dpkg writes to info/NAME.list for this package."""
    names = run("dpkg-deb", "--fsys-tarfile", deb).stdout
    with tempfile.TemporaryFile() as f:
        f.write(names)
        f.seek(0)
        out = run("tar", "-t", stdin=f).stdout.decode().splitlines()
    lines = []
    for n in out:
        n = n.rstrip("/")
        lines.append("/." if n == "." else n[1:] if n.startswith("./") else "/" + n)
    return "\n".join(lines) + "\n"


def stanza(deb):
    ctl = run("dpkg-deb", "-I", deb, "control").stdout.decode().rstrip("\n")
    out = []
    for line in ctl.splitlines():
        out.append(line)
        if line.startswith("Package:"):
            out.append("Status: install ok installed")
    return "\n".join(out) + "\n\n"


def model(exe, spec, *opts):
    p = subprocess.run([exe, *opts, spec], stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    if p.returncode != 0:
        raise RuntimeError("dump_model exit %d: %s" % (p.returncode, p.stderr.decode()))
    return json.loads(p.stdout)


READ = 256 << 10


def distroless_test(r, exe, debs):
    """Distroless images: status.d/NAME and NAME.md5sums (the .deb's own
    md5sums, relative paths) instead of status and .list files."""
    deb = debs["bash"]
    ctl = run("dpkg-deb", "-I", deb, "control").stdout
    md5 = run("dpkg-deb", "-I", deb, "md5sums").stdout
    with tempfile.TemporaryDirectory() as work:
        l1 = [E("dir", "usr"), E("dir", "usr/bin"), E("symlink", "bin", target="usr/bin"),
              E("file", "usr/bin/bash", 0o755, member(deb, "bin/bash")),
              E("dir", "var"), E("dir", "var/lib"), E("dir", "var/lib/dpkg"), E("dir", "var/lib/dpkg/status.d"),
              E("file", "var/lib/dpkg/status.d/bash", data=ctl),
              E("file", "var/lib/dpkg/status.d/bash.md5sums", data=md5)]
        oci = os.path.join(work, "oci")
        it.build_oci(oci, it.build_layers([Layer(l1, "none", created_by="distroless")], work))
        m = model(exe, "oci-dir:" + oci)
    names = [(c["found_by"], c["name"]) for c in m["components"]]
    r.check("distroless: bash is dpkg's, listed as bin/bash in bash.md5sums",
            ("dpkg", "bash") in names and not any(f == "binaries" for f, _ in names), names)


def split_test(r, exe, bins, data):
    """A version string cut by the walker's reads is still found."""
    pick = None
    for c in sorted(bins, key=lambda c: c["name"]):
        for e in c["evidence"]:
            d = e["detail"] or ""
            if e["kind"] != "binary" or "\\x" in d or e["path"] not in data:
                continue
            at = data[e["path"]].find(d.encode())
            cut = (at // 512 + 1) * 512
            if at >= 0 and cut < at + len(d) and pick is None:
                pick = (c, e["path"], at, cut)
    if pick is None:
        print("skip split test: no matched string crosses a 512-byte offset of its file")
        return
    c, path, at, cut = pick
    base = path.rsplit("/", 1)[1]
    with tempfile.TemporaryDirectory() as work:
        # tar: pad header, pad data, the binary's header, its data
        data_start = 512 + 512
        pad = (READ - (data_start + cut) % READ) % READ
        layer = Layer([E("file", "0pad", data=b"\0" * pad), E("file", base, 0o755, data[path])], "none",
                      writer="tarfile", fmt="ustar")
        built = it.build_layers([layer], work)

        with tarfile.open(built[0].tar) as t:
            off = [m.offset_data for m in t.getmembers() if m.name == base][0]
        r.check("split: %s's string %d..%d is cut at a %d KiB read boundary" % (base, at, at + len(d_of(c, path)), READ >> 10),
                (off + cut) % READ == 0, off)
        oci = os.path.join(work, "oci")
        it.build_oci(oci, built)
        m = model(exe, "oci-dir:" + oci)
    got = [(x["name"], x["version"]) for x in m["components"] if x["found_by"] == "binaries"]
    r.check("split: %s %s still found" % (c["name"], c["version"]), got == [(c["name"], c["version"])], got)


def d_of(c, path):
    return [e["detail"] for e in c["evidence"] if e["path"] == path and e["kind"] == "binary"][0]


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: test_binaries.py DUMP_MODEL CACHE_DIR")
    exe, cache = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    r = Runner()
    debs = fetch(cache, sorted({u[2] for u in UNOWNED} | {o[0] for o in OWNED} | {DELETED_SRC[0]}))
    expect = {}
    for name, cls, deb, src, dst, lic in UNOWNED:
        expect[dst] = (name, cls, upstream(deb_field(debs[deb], "Version")), lic)

    with tempfile.TemporaryDirectory() as work:
        # layer 1: merged /usr, dpkg owns bash, libc.so.6 and openssl
        l1 = [E("dir", "usr"), E("dir", "usr/bin"), E("dir", "usr/lib"), E("dir", "usr/lib/x86_64-linux-gnu"),
              E("symlink", "bin", target="usr/bin"), E("symlink", "lib", target="usr/lib"),
              E("dir", "var"), E("dir", "var/lib"), E("dir", "var/lib/dpkg"), E("dir", "var/lib/dpkg/info")]
        status = ""
        for deb, path in OWNED:
            real = "usr/" + path if path.startswith(("bin/", "lib/")) else path
            l1.append(E("file", real, 0o755, member(debs[deb], path)))
            pkg = deb_field(debs[deb], "Package")
            l1.append(E("file", "var/lib/dpkg/info/%s.list" % pkg, data=deb_list(debs[deb]).encode()))
            status += stanza(debs[deb])
        l1.append(E("file", "var/lib/dpkg/status", data=status.encode()))

        # layer 2: the same software where no package owns it
        l2, dirs = [], set()
        for name, cls, deb, src, dst, lic in UNOWNED + [(None, None, *DELETED_SRC, DELETED, None)]:
            parts = dst.strip("/").split("/")
            for i in range(1, len(parts)):
                d = "/".join(parts[:i])
                if d not in dirs and d not in ("usr", "usr/lib", "usr/bin"):
                    dirs.add(d)
                    l2.append(E("dir", d))
            l2.append(E("file", dst.lstrip("/"), 0o755, member(debs[deb], src)))
        nginx = member(debs["nginx"], "usr/sbin/nginx")
        l2.append(E("file", "opt/app/bin/webserver", 0o755, nginx))          # a name no classifier knows
        l2.append(E("file", "opt/app/bin/node", 0o755,                       # a name one knows, not ELF
                    b"#!/bin/sh\n# https://nodejs.org/download/release/v99.1.2/node-v99.1.2.tar.gz\n" * 64))
        l2.sort(key=lambda e: e.name)

        # layer 3: deletes one copy
        l3 = [E("whiteout", DELETED.lstrip("/"))]

        built = it.build_layers([Layer(l1, "none", created_by="debian base"),
                                 Layer(l2, "gzip", created_by="COPY binaries /"),
                                 Layer(l3, "none", created_by="RUN rm " + DELETED)], work)
        oci = os.path.join(work, "oci")
        it.build_oci(oci, built)
        spec = "oci-dir:" + oci
        m = model(exe, spec)
        mall = model(exe, spec, "--all-layers")

    bins = [c for c in m["components"] if c["found_by"] == "binaries"]
    by_path = {}
    for c in bins:
        for f in c["files"]:
            by_path.setdefault(f, []).append(c)
    r.check("no warnings", not m["warnings"], m["warnings"])
    for dst, (name, cls, version, lic) in sorted(expect.items()):
        cs = by_path.get(dst, [])
        if not r.check("%s: one component" % dst, len(cs) == 1, [(c["name"], c["version"]) for c in bins]):
            continue
        c = cs[0]
        purl = "pkg:generic/%s@%s" % (name, urllib.parse.quote(version, safe=".-_~"))
        r.check("%s: %s %s" % (dst, name, version), (c["name"], c["version"]) == (name, version),
                (c["name"], c["version"]))
        r.check("%s: type binary, purl %s" % (dst, purl), c["type"] == "binary" and c["purl"] == purl,
                (c["type"], c["purl"]))
        r.check("%s: classifier %s" % (dst, cls), c["props"].get("binary:classifier") == cls, c["props"])
        r.check("%s: layer 2" % dst, c["introduced"] == 1 and c["last_changed"] == 1,
                (c["introduced"], c["last_changed"]))
        ev = [e for e in c["evidence"] if e["kind"] == "binary" and e["path"] == dst]
        r.check("%s: evidence names the file, its layer and the string" % dst,
                len(ev) == 1 and ev[0]["layer"] == 1 and ev[0]["field"] == "version-string" and
                version.split("+")[0] in (ev[0]["detail"] or ""), c["evidence"])
        r.check("%s: declared license %s" % (dst, lic), c["declared"] == lic and c["concluded"] is None,
                (c["declared"], c["concluded"]))
        r.check("%s: digest of the file" % dst, c.get("sha256") and len(c["sha256"]) == 64, c.get("sha256"))

    for deb, path in OWNED:
        real = "/usr/" + path if path.startswith(("bin/", "lib/")) else "/" + path
        r.check("owned by dpkg, not reported: " + real, real not in by_path, by_path.get(real))
        pkg = [c for c in m["components"] if c["type"] == "os-package" and c["name"] == deb]
        r.check("dpkg still reports " + deb, len(pkg) == 1, [c["name"] for c in m["components"]])
    r.check("renamed copy not reported", "/opt/app/bin/webserver" not in by_path, by_path.get("/opt/app/bin/webserver"))
    r.check("script named node not reported", "/opt/app/bin/node" not in by_path, by_path.get("/opt/app/bin/node"))
    r.check("deleted copy not reported", not any(DELETED == e["path"] for c in bins for e in c["evidence"]), bins)
    r.check("only the expected binaries", sorted(by_path) == sorted(expect), sorted(by_path))

    # --all-layers: the deleted copy is there, removed by layer 3
    gone = [c for c in mall["components"] if c["found_by"] == "binaries" and
            any(e["path"] == DELETED for e in c["evidence"])]
    r.check("all-layers: the deleted libcurl-gnutls, removed in layer 3",
            len(gone) == 1 and gone[0]["name"] == "libcurl" and gone[0]["removed"] == 2 and
            gone[0]["introduced"] == 1, [(c["name"], c["introduced"], c["removed"]) for c in gone])

    distroless_test(r, exe, debs)
    split_test(r, exe, bins, {dst: member(debs[deb], src) for _, _, deb, src, dst, _ in UNOWNED})

    print("%d passed, %d failed" % (r.passed, r.failed))
    sys.exit(1 if r.failed else 0)


if __name__ == "__main__":
    main()
