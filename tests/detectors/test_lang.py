#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Proves the npm, python, golang and java detectors on images of real packages.

Usage: test_lang.py DUMP_MODEL CACHE_DIR

What goes into the image, layer by layer (umoci, as docker build would):
 1. Debian 12 python3-* packages, two Go programs (fzf, age), Java
    libraries (lib*-java) and node-ms (/usr/share/nodejs) from
    `apt-get download`.  Their maintainer scripts would run py3compile on
    the host, so they are not installed with dpkg: each is unpacked with
    `dpkg-deb -x` and given a status stanza (`dpkg-deb -f`, plus
    "Status: install ok installed") and an info/NAME.list (`dpkg-deb -c`),
    which is what dpkg itself would have written; dpkg-query --admindir
    checks that dpkg reads the result as installed.
 2. Two Node.js applications installed with the machine's npm from the npm
    registry (`npm install --ignore-scripts`: nothing of the packages
    runs): scoped packages, nested node_modules from conflicting versions,
    a legacy "licenses" array, a package.json inside a package (tslib's
    modules/package.json) that is not a package.  Compared with what
    `npm ls --all --json` reports for the same directories.
 3. A virtual environment (`python -m venv`: pip and setuptools from
    ensurepip, with RECORD files) and, when the Go toolchain is installed,
    a module-mode Go program built here from the Debian -dev packages'
    sources served as a file:// module proxy (real modules and h1: sums,
    a replaced module, a directory replacement), copied to two places.
    Go build info is compared with `go version -m`; Python metadata with
    importlib.metadata reading the same directories.  A web archive made
    here of the Debian jars (one stored, one inside a jar inside the war);
    Java archives are compared with what Python's zipfile reads.
 4. Deletions: six's egg-info and node_modules/isarray removed.

npm and Go downloads are kept in CACHE_DIR between runs.  Prints one line
per check and ends with "N passed, N failed".
"""

import glob
import hashlib
import importlib.metadata
import io
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import zipfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import debs  # noqa: E402  (real Debian packages, apt-get download)

PY_DEBS = ["python3-six", "python3-idna", "python3-certifi", "python3-urllib3", "python3-chardet",
           "python3-packaging", "python3-attr", "python3-typing-extensions"]
GO_DEBS = ["fzf", "age"]
JAVA_DEBS = ["libcommons-lang3-java", "libslf4j-java", "libjsr305-java", "libcommons-io-java"]
NODE_DEBS = ["node-ms"]
SRC_DEBS = ["golang-github-google-uuid-dev", "golang-github-pkg-errors-dev"]
NPM_APP = ["debug@2.6.9", "ms@2.1.3", "chalk@4.1.2", "supports-color@5.5.0", "@types/ms@2.1.0",
           "@sindresorhus/is@4.6.0", "is-number@7.0.0", "json-schema@0.2.3", "isarray@1.0.0", "tslib@2.6.2"]
NPM_OTHER = ["ms@2.0.0"]

OS_RELEASE = """PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION="12 (bookworm)"
VERSION_CODENAME=bookworm
ID=debian
"""

GO_MAIN = """package main

import (
	"fmt"

	"example.org/local"
	"github.com/google/uuid"
	"github.com/pkg/errors"
)

var version = "dev"

func main() {
	fmt.Println(local.Name(), uuid.NewString(), errors.New("x"), version)
}
"""

GO_MOD = """module example.org/lbtest

go 1.19

require (
	example.org/local v0.0.0
	github.com/google/uuid v1.3.0
	github.com/pkg/errors v0.9.1
)

replace example.org/local => ./local

replace github.com/pkg/errors => example.org/errors-fork v0.9.1-lb
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


run = debs.run


def fetch_debs(cache, names):
    return debs.fetch_debs(os.path.join(cache, "debs"), names)


def npm_install(cache, name, specs, manifest):
    """An npm tree in the cache (installed once): the app dir."""
    d = os.path.join(cache, "npm", name)
    if not os.path.exists(os.path.join(d, "node_modules", ".package-lock.json")):
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d)
        with open(os.path.join(d, "package.json"), "w") as f:
            json.dump(manifest, f)
        run("npm", "install", "--ignore-scripts", "--no-audit", "--no-fund", "--cache",
            os.path.join(cache, "npm-cache"), *specs, cwd=d, timeout=240)
    return d


def npm_ls(d):
    """{(name, version)} of every package npm ls --all shows."""
    p = subprocess.run(["npm", "ls", "--all", "--json"], cwd=d, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=60)
    out = set()

    def walk(deps):
        for name, v in (deps or {}).items():
            if "version" in v:
                out.add((name, v["version"]))
            walk(v.get("dependencies"))
    walk(json.loads(p.stdout).get("dependencies"))
    return out


def deb_install(root, deb):
    """dpkg-deb -x plus the status stanza and .list dpkg would write."""
    admin = os.path.join(root, "var/lib/dpkg")
    os.makedirs(os.path.join(admin, "info"), exist_ok=True)
    run("dpkg-deb", "-x", deb, root)
    ctl = run("dpkg-deb", "-f", deb).stdout.decode().rstrip("\n").split("\n")
    stanza = [ctl[0], "Status: install ok installed"] + ctl[1:]
    with open(os.path.join(admin, "status"), "a") as f:
        f.write("\n".join(stanza) + "\n\n")
    name = run("dpkg-deb", "-f", deb, "Package").stdout.decode().strip()
    paths = ["/."]
    for line in run("dpkg-deb", "-c", deb).stdout.decode().splitlines():
        p = line.split(None, 5)[5].split(" -> ")[0]
        p = "/" + p.lstrip("./").rstrip("/")
        if p != "/":
            paths.append(p)
    with open(os.path.join(admin, "info", name + ".list"), "w") as f:
        f.write("\n".join(paths) + "\n")


def dpkg_query(root):
    p = run("dpkg-query", "--admindir=" + os.path.join(root, "var/lib/dpkg"), "-W",
            "-f=${Package}\t${Version}\t${db:Status-Abbrev}\n")
    return {l.split("\t")[0]: l.split("\t")[1] for l in p.stdout.decode().splitlines() if l.split("\t")[2].startswith("ii")}


def go_modproxy(cache, debs):
    """A file:// module proxy holding the Debian -dev packages' sources."""
    proxy = os.path.join(cache, "goproxy")
    if os.path.exists(os.path.join(proxy, "done")):
        return proxy
    shutil.rmtree(proxy, ignore_errors=True)
    src = os.path.join(cache, "gosrc")
    shutil.rmtree(src, ignore_errors=True)
    for d in SRC_DEBS:
        run("dpkg-deb", "-x", debs[d], src)
    mods = [("github.com/google/uuid", "v1.3.0", "github.com/google/uuid", "module github.com/google/uuid\n"),
            ("github.com/pkg/errors", "v0.9.1", "github.com/pkg/errors", "module github.com/pkg/errors\n"),
            ("example.org/errors-fork", "v0.9.1-lb", "github.com/pkg/errors", "module github.com/pkg/errors\n")]
    for path, ver, srcpath, gomod in mods:
        vd = os.path.join(proxy, path, "@v")
        os.makedirs(vd, exist_ok=True)
        with open(os.path.join(vd, "list"), "a") as f:
            f.write(ver + "\n")
        with open(os.path.join(vd, ver + ".info"), "w") as f:
            json.dump({"Version": ver, "Time": "2023-01-01T00:00:00Z"}, f)
        with open(os.path.join(vd, ver + ".mod"), "w") as f:
            f.write(gomod)
        base = os.path.join(src, "usr/share/gocode/src", srcpath)
        with zipfile.ZipFile(os.path.join(vd, ver + ".zip"), "w") as z:
            for dirpath, _, files in os.walk(base):
                for fn in sorted(files):
                    full = os.path.join(dirpath, fn)
                    rel = os.path.relpath(full, base)
                    if fn == "go.mod" or os.path.islink(full):
                        continue
                    z.write(full, "%s@%s/%s" % (path, ver, rel))
            z.writestr("%s@%s/go.mod" % (path, ver), gomod)
    open(os.path.join(proxy, "done"), "w").close()
    return proxy


def go_build(cache, debs):
    """The module-mode test program, built once; None without a Go toolchain."""
    if not shutil.which("go"):
        return None
    out = os.path.join(cache, "lbtest-go")
    if os.path.exists(out):
        return out
    proxy = go_modproxy(cache, debs)
    src = os.path.join(cache, "gobuild")
    shutil.rmtree(src, ignore_errors=True)
    os.makedirs(os.path.join(src, "local"))
    with open(os.path.join(src, "go.mod"), "w") as f:
        f.write(GO_MOD)
    with open(os.path.join(src, "main.go"), "w") as f:
        f.write(GO_MAIN)
    with open(os.path.join(src, "local", "go.mod"), "w") as f:
        f.write("module example.org/local\n\ngo 1.19\n")
    with open(os.path.join(src, "local", "local.go"), "w") as f:
        f.write("package local\n\nfunc Name() string { return \"local\" }\n")
    env = dict(os.environ, GOPROXY="file://" + proxy, GOSUMDB="off", GOFLAGS="-mod=mod -modcacherw",
               GOMODCACHE=os.path.join(cache, "gomod"), GOCACHE=os.path.join(cache, "gocache"),
               GOPATH=os.path.join(cache, "gopath"), CGO_ENABLED="0", GOTOOLCHAIN="local")
    run("go", "mod", "tidy", cwd=src, env=env, timeout=240)
    run("go", "build", "-trimpath", "-buildvcs=false", "-ldflags=-X main.version=1.0", "-o", out + ".tmp", ".",
        cwd=src, env=env, timeout=240)
    os.rename(out + ".tmp", out)
    return out


def go_old_format(src, dst):
    """A copy of a Go >= 1.18 binary whose build info is rewritten in the
    format of Go < 1.18: two pointers to Go string headers, resolved through
    the segments.  `go version -m` reads both formats, so it checks this."""
    data = bytearray(open(src, "rb").read())
    shoff, = struct.unpack_from("<Q", data, 40)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 58)
    secs = [struct.unpack_from("<IIQQQQ", data, shoff + i * shentsize) for i in range(shnum)]
    stroff = secs[shstrndx][4]
    for name, _, _, addr, off, _ in secs:
        if data[stroff + name:stroff + name + 14] == b".go.buildinfo\0":
            break
    else:
        raise RuntimeError("no .go.buildinfo")

    def uvarint(p):
        v = shift = 0
        while True:
            b = data[p]
            v |= (b & 0x7f) << shift
            p += 1
            if not b & 0x80:
                return v, p
            shift += 7
    n, p = uvarint(off + 32)
    ver = bytes(data[p:p + n])
    n, p = uvarint(p + n)
    mod = bytes(data[p:p + n])
    body = struct.pack("<QQQQ", addr + 64, len(ver), addr + 64 + len(ver), len(mod)) + ver + mod
    data[off + 14:off + 32] = bytes([8, 0]) + struct.pack("<QQ", addr + 32, addr + 48)
    data[off + 32:off + 32 + len(body)] = body
    with open(dst, "wb") as f:
        f.write(data)
    os.chmod(dst, 0o755)


def go_version_m(path):
    """What `go version -m` says: {path, mod, deps: {path: (version, sum, replaced_by)}, go, build}."""
    out = {"deps": {}, "build": {}}
    p = run("go", "version", "-m", path).stdout.decode()
    last = None
    for i, line in enumerate(p.splitlines()):
        if i == 0:
            out["go"] = line.split(": ", 1)[1]
            continue
        f = line.strip("\t").split("\t")
        if f[0] == "path":
            out["path"] = f[1]
        elif f[0] == "mod":
            out["mod"] = (f[1], f[2])
        elif f[0] == "dep":
            last = f[1]
            out["deps"][f[1]] = (f[2], f[3] if len(f) > 3 else None, None)
        elif f[0] == "=>":
            v, s, _ = out["deps"][last]
            out["deps"][last] = (v, s, (f[1], f[2] if len(f) > 2 else "", f[3] if len(f) > 3 else None))
        elif f[0] == "build":
            k, _, v = f[1].partition("=")
            out["build"][k] = v
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


def pep503(n):
    return re.sub(r"[-_.]+", "-", n).lower()


def py_dists(site):
    """{(normalised name, version)} as Python's importlib.metadata reads site."""
    return {(pep503(d.metadata["Name"]), d.version) for d in importlib.metadata.distributions(path=[site])}


def build_war(jars, out):
    """A web archive of real jars: one stored, one two levels deep."""
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w", zipfile.ZIP_DEFLATED) as z:
        z.write(os.path.join(jars, "commons-io.jar"), "lib/commons-io-2.11.0.jar")
        z.writestr("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\r\nImplementation-Title: lbtest-bundle\r\n"
                   "Implementation-Version: 0.3\r\nBundle-License: https://www.apache.org/licenses/"
                   "LICENSE-2.0.txt\r\n\r\n")
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\r\n\r\n")
        z.writestr("META-INF/maven/org.example/lbtest-app/pom.properties",
                   "#Generated by Maven\ngroupId=org.example\nartifactId=lbtest-app\nversion=1.0\n")
        z.write(os.path.join(jars, "commons-lang3.jar"), "WEB-INF/lib/commons-lang3-3.12.0.jar",
                compress_type=zipfile.ZIP_STORED)
        z.write(os.path.join(jars, "slf4j-api.jar"), "WEB-INF/lib/slf4j-api-1.7.32.jar")
        z.writestr("WEB-INF/lib/bundle.jar", inner.getvalue())


def java_reference(root):
    """{purl or sha256: [(archive, inner)]} read with Python's zipfile."""
    out = {}

    def walk(data, path, inner, depth):
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            poms = [n for n in z.namelist() if re.fullmatch(r"META-INF/maven/[^/]+/[^/]+/pom.properties", n)]
            for n in poms:
                props = dict(l.split("=", 1) for l in z.read(n).decode().splitlines() if "=" in l and l[0] != "#")
                out.setdefault("pkg:maven/%s/%s@%s" % (props["groupId"], props["artifactId"], props["version"]),
                               []).append((path, inner))
            if not poms:
                out.setdefault("sha256:" + hashlib.sha256(data).hexdigest(), []).append((path, inner))
            for n in z.namelist():
                if n.endswith(".jar") and depth < 4:
                    walk(z.read(n), path, (inner + "!/" if inner else "") + n, depth + 1)
    for dirpath, _, files in os.walk(root):
        for f in files:
            full = os.path.join(dirpath, f)
            if re.search(r"\.(jar|war)$", f) and not os.path.islink(full):
                with open(full, "rb") as fh:
                    walk(fh.read(), "/" + os.path.relpath(full, root), None, 0)
    return out


def metadata_paths(c):
    return [e["path"] for e in c["evidence"] if e["kind"] in ("metadata", "binary") and e["path"]]


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: test_lang.py DUMP_MODEL CACHE_DIR")
    exe, cache = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    r = Runner()
    ids = load_ids()
    debs = fetch_debs(cache, PY_DEBS + GO_DEBS + JAVA_DEBS + NODE_DEBS + SRC_DEBS)
    app = npm_install(cache, "app", NPM_APP, {"name": "lbtest-app", "version": "1.2.3", "license": "MIT",
                                                "private": True})
    other = npm_install(cache, "other", NPM_OTHER, {"name": "@lbtest/other", "version": "0.1.0",
                                                    "license": "Apache-2.0"})
    gobin = go_build(cache, debs)
    work = tempfile.mkdtemp(prefix="lb-lang-")
    try:
        img = Image(work, "lang")
        seen = {}

        def l1(root):
            os.makedirs(os.path.join(root, "etc"), exist_ok=True)
            with open(os.path.join(root, "etc/os-release"), "w") as f:
                f.write(OS_RELEASE)
            for d in PY_DEBS + GO_DEBS + JAVA_DEBS + NODE_DEBS:
                deb_install(root, debs[d])
            seen["dpkg"] = dpkg_query(root)
            seen["dist-packages"] = py_dists(os.path.join(root, "usr/lib/python3/dist-packages"))

        def l2(root):
            ign = shutil.ignore_patterns(".package-lock.json")
            shutil.copytree(app, os.path.join(root, "app"), symlinks=True, ignore=ign)
            shutil.copytree(other, os.path.join(root, "srv/other"), symlinks=True, ignore=ign)

        def l3(root):
            venv = os.path.join(root, "opt/venv")
            run(sys.executable, "-m", "venv", venv, timeout=120)
            site = glob.glob(os.path.join(venv, "lib/python3*/site-packages"))[0]
            seen["venv"] = py_dists(site)
            seen["venv-site"] = "/" + os.path.relpath(site, root)
            build_war(os.path.join(root, "usr/share/java"), os.path.join(root, "app/app.war"))
            seen["java"] = java_reference(root)
            if gobin:
                for dst in ("usr/local/bin/lbtest-go", "opt/tools/lbtest-go"):
                    os.makedirs(os.path.dirname(os.path.join(root, dst)), exist_ok=True)
                    shutil.copy2(gobin, os.path.join(root, dst))
                go_old_format(gobin, os.path.join(root, "usr/local/bin/lbtest-go-old"))
                seen["go-old"] = go_version_m(os.path.join(root, "usr/local/bin/lbtest-go-old"))

        def l4(root):
            shutil.rmtree(os.path.join(root, "usr/lib/python3/dist-packages/six-1.16.0.egg-info"))
            shutil.rmtree(os.path.join(root, "app/node_modules/isarray"))

        img.layer("install Debian python3 packages, fzf and age", l1)
        img.layer("COPY npm applications", l2)
        img.layer("python -m venv /opt/venv; COPY lbtest-go", l3)
        img.layer("rm six egg-info and node_modules/isarray", l4)

        m = model(exe, img.spec())
        ma = model(exe, img.spec(), "--all-layers")
        refs = {x["id"]: x for x in m["refs"]}
        comps = m["components"]
        dpkg_purls = {c["name"]: c["purl"] for c in comps if c["found_by"] == "dpkg"}
        bad = [(c["name"], c["declared"]) for c in comps
               if c["found_by"] in ("npm", "python") and c["declared"] and not expr_ok(c["declared"], ids, refs)]
        r.check("every npm and python declared license is a valid expression", not bad, bad)
        ids_seen = [c["id"] for c in comps]
        r.check("component ids unique", len(ids_seen) == len(set(ids_seen)))
        twice = [(c["name"], e) for c in comps if c["found_by"] in ("npm", "python", "golang", "java")
                 for i, e in enumerate(c["evidence"]) if e in c["evidence"][:i]]
        r.check("no evidence entry twice", not twice, twice[:5])

        # ---- npm ----
        npm = [c for c in comps if c["found_by"] == "npm"]
        libs = [c for c in npm if c["type"] == "library"]
        want = (npm_ls(app) | npm_ls(other)) - {("isarray", "1.0.0")}
        in_apps = [c for c in libs if any(p.startswith(("/app/", "/srv/other/")) for p in metadata_paths(c))]
        got = {(c["name"], c["version"]) for c in in_apps}
        r.check("npm: the packages npm ls lists (%d) are the libraries found (%d)" % (len(want), len(got)),
                got == want, "missing %r extra %r" % (sorted(want - got), sorted(got - want)))
        r.check("npm: each name@version once", len({(c["name"], c["version"]) for c in libs}) == len(libs), len(libs))
        places = set()
        for d, prefix in ((app, "/app"), (other, "/srv/other")):
            for pj in glob.glob(os.path.join(d, "node_modules", "**", "package.json"), recursive=True):
                rel = os.path.relpath(pj, d)
                if re.fullmatch(r"(node_modules/(@[^/]+/)?[^/.][^/]*/)+package.json", rel) and "/isarray/" not in rel:
                    places.add(prefix + "/" + rel)
        found_places = {p for c in libs for p in metadata_paths(c) if p.startswith(("/app/", "/srv/other/"))}
        r.check("npm: every installed copy is a location (%d package.json files)" % len(places),
                found_places == places, "missing %r extra %r" % (sorted(places - found_places), sorted(found_places - places)))
        r.check("npm: tslib's modules/package.json is not a package",
                not any("tslib/modules" in p for p in found_places))
        by = {(c["name"], c["version"]): c for c in libs}
        ms0 = by.get(("ms", "2.0.0"), {})
        r.check("npm: ms 2.0.0 in two applications is one component with two locations",
                sorted(metadata_paths(ms0)) == ["/app/node_modules/debug/node_modules/ms/package.json",
                                                "/srv/other/node_modules/ms/package.json"], metadata_paths(ms0))
        sc = by.get(("@sindresorhus/is", "4.6.0"), {})
        r.check("npm: scoped purl", sc.get("purl") == "pkg:npm/%40sindresorhus/is@4.6.0", sc.get("purl"))
        js = by.get(("json-schema", "0.2.3"), {})
        r.check("npm: legacy licenses array offered (OR)", js.get("declared") == "AFL-2.1 OR LicenseRef-BSD",
                js.get("declared"))
        mism = []
        for c in in_apps:
            for p in [p for p in metadata_paths(c) if p.startswith(("/app/", "/srv/other/"))][:1]:
                with open(os.path.join(app if p.startswith("/app/") else other,
                                       os.path.relpath(p, "/app" if p.startswith("/app/") else "/srv/other"))) as f:
                    lic = json.load(f).get("license")
                if isinstance(lic, str) and re.fullmatch(r"[A-Za-z0-9.-]+", lic) and lic in ids and c["declared"] != lic:
                    mism.append((c["name"], lic, c["declared"]))
        r.check("npm: SPDX license ids kept as package.json says", not mism, mism)
        ch = by.get(("chalk", "4.1.2"), {})
        r.check("npm: chalk owns its files, not those of nested packages",
                "/app/node_modules/chalk/source/index.js" in ch.get("files", [])
                and not any("/node_modules/chalk/node_modules/" in f for f in ch.get("files", [])), ch.get("files"))
        r.check("npm: chalk's license file is evidence",
                any(e["kind"] == "license-text" and e["path"] == "/app/node_modules/chalk/license"
                    for e in ch.get("evidence", [])), ch.get("evidence"))
        isn = by.get(("is-number", "7.0.0"), {})
        r.check("npm: author as a string, homepage", isn.get("author") == "Jon Schlinkert (https://github.com/jonschlinkert)"
                and isn.get("homepage") == "https://github.com/jonschlinkert/is-number", (isn.get("author"), isn.get("homepage")))
        r.check("npm: author as an object", sc.get("author") == "Sindre Sorhus <sindresorhus@gmail.com>", sc.get("author"))
        r.check("npm: introduced by layer 2", all(c["introduced"] == 1 for c in npm if c not in libs or c in in_apps
                                                  and not any(p.startswith("/usr/") for p in metadata_paths(c))),
                [(c["name"], c["introduced"]) for c in npm])
        tm = by.get(("@types/ms", "0.7.31"), {})
        r.check("npm: Debian's /usr/share/nodejs/@types/ms is a package linked to node-ms",
                metadata_paths(tm) == ["/usr/share/nodejs/@types/ms/package.json"]
                and tm.get("props", {}).get("owned-by") == dpkg_purls.get("node-ms") and tm.get("introduced") == 0, tm)
        m3 = by.get(("ms", "2.1.3"), {})
        r.check("npm: ms 2.1.3 from node-ms and from the registry is one package with two locations",
                sorted(metadata_paths(m3)) == ["/app/node_modules/ms/package.json", "/usr/share/nodejs/ms/package.json"]
                and m3.get("introduced") == 0, m3)
        apps = {(c["name"], c["version"], c["purl"]) for c in npm if c["type"] == "application"}
        r.check("npm: the two application roots", apps == {("lbtest-app", "1.2.3", "pkg:npm/lbtest-app@1.2.3"),
                                                           ("@lbtest/other", "0.1.0", "pkg:npm/%40lbtest/other@0.1.0")}, apps)
        r.check("npm: isarray deleted by layer 4 is not reported", ("isarray", "1.0.0") not in got)
        gone = [c for c in ma["components"] if c["found_by"] == "npm" and c["name"] == "isarray"]
        r.check("npm: all layers: isarray introduced by layer 2, removed by layer 4",
                len(gone) == 1 and gone[0]["introduced"] == 1 and gone[0]["removed"] == 3, gone)

        # ---- python ----
        py = [c for c in comps if c["found_by"] == "python"]
        dp = {c["name"]: c for c in py if any("/dist-packages/" in p for p in metadata_paths(c))}
        want = seen["dist-packages"] - {("six", "1.16.0")}
        got = {(pep503(c["name"]), c["version"]) for c in dp.values()}
        r.check("python: dist-packages as importlib.metadata reads it (%d, six deleted later)" % len(want),
                got == want, "missing %r extra %r" % (sorted(want - got), sorted(got - want)))
        venv = {(pep503(c["name"]), c["version"]) for c in py if any(p.startswith(seen["venv-site"]) for p in metadata_paths(c))}
        r.check("python: the venv as importlib.metadata reads it (%d)" % len(seen["venv"]), venv == seen["venv"],
                (sorted(venv), sorted(seen["venv"])))
        r.check("python: dpkg-query sees the hand-installed packages",
                all(d in seen["dpkg"] for d in PY_DEBS + GO_DEBS), seen["dpkg"])
        unlinked = [n for n, c in dp.items() if not any(pr.startswith("owned-by") for pr in c["props"])]
        r.check("python: every Debian-installed distribution is linked to its OS package", not unlinked, unlinked)
        six_owner = [c["props"].get("owned-by") for c in dp.values() if c["name"] == "certifi"]
        r.check("python: certifi owned-by python3-certifi's purl",
                six_owner == [dpkg_purls.get("python3-certifi")], (six_owner, dpkg_purls.get("python3-certifi")))
        expect = {"certifi": "MPL-2.0", "chardet": "LGPL-2.0-or-later", "idna": "BSD-3-Clause", "urllib3": "MIT",
                  "attrs": "MIT", "typing_extensions": "PSF-2.0",
                  "packaging": "LicenseRef-Apache-Software-License OR LicenseRef-BSD-License"}
        lic = {n: dp.get(n, {}).get("declared") for n in expect}
        r.check("python: declared licenses (License field, classifiers)", lic == expect, lic)
        te = dp.get("typing_extensions", {})
        r.check("python: PEP 503 name in the purl", te.get("purl") == "pkg:pypi/typing-extensions@4.4.0", te.get("purl"))
        pk = dp.get("packaging", {})
        r.check("python: RECORD gives packaging's files",
                "/usr/lib/python3/dist-packages/packaging/version.py" in pk.get("files", []), pk.get("files"))
        pip = [c for c in py if c["name"] == "pip"]
        r.check("python: pip in the venv: files from RECORD, no OS owner",
                len(pip) == 1 and len(pip[0]["files"]) > 100 and "owned-by" not in pip[0]["props"]
                and pip[0]["introduced"] == 2, [(c["name"], len(c["files"]), c["props"]) for c in pip])
        r.check("python: pip's license file in its dist-info is evidence",
                any(e["kind"] == "license-text" and e["path"] and ".dist-info/" in e["path"] for e in pip[0]["evidence"])
                if pip else False, pip[0]["evidence"] if pip else None)
        gone = [c for c in ma["components"] if c["found_by"] == "python" and c["name"] == "six"]
        r.check("python: all layers: six introduced by layer 1, removed by layer 4",
                len(gone) == 1 and gone[0]["introduced"] == 0 and gone[0]["removed"] == 3, gone)

        # ---- java ----
        jv = [c for c in comps if c["found_by"] == "java"]
        got = {}
        for c in jv:
            key = c["purl"] or "sha256:" + c.get("sha256", "")
            got[key] = sorted((e["path"], e["detail"]) for e in c["evidence"] if e["kind"] == "metadata"
                              and e["field"] in ("pom.properties", "MANIFEST.MF", "file name"))
        want = {k: sorted(v) for k, v in seen["java"].items()}
        r.check("java: the packages and places Python's zipfile finds (%d packages, %d places)"
                % (len(want), sum(len(v) for v in want.values())),
                {k for k in got if k.startswith("pkg:")} == {k for k in want if k.startswith("pkg:")}
                and all(got.get(k) == v for k, v in want.items() if k.startswith("pkg:")),
                "want %r\ngot %r" % (want, got))
        jb = {c["name"]: c for c in jv}
        js = jb.get("jsr305", {})
        r.check("java: jsr305's two identical copies are one component (no Maven metadata: no purl)",
                sum(1 for c in jv if c["name"] == "jsr305") == 1 and len(metadata_paths(js)) == 2
                and js.get("purl") is None and js.get("version") == "0.1~+svn49", js)
        sa = jb.get("slf4j-api", {})
        r.check("java: slf4j-api in /usr/share/java and in the war is one component linked to libslf4j-java",
                sorted(metadata_paths(sa)) == ["/app/app.war", "/usr/share/java/slf4j-api.jar"]
                and sa.get("props", {}).get("owned-by") == dpkg_purls.get("libslf4j-java"), sa)
        cl = jb.get("commons-lang3", {})
        tmp = os.path.join(work, "j")
        run("dpkg-deb", "-x", debs["libcommons-lang3-java"], tmp)
        with open(os.path.join(tmp, "usr/share/java/commons-lang3.jar"), "rb") as fh:
            sha1 = hashlib.sha1(fh.read()).hexdigest()
        r.check("java: the archive's SHA-1 (what Maven Central indexes)", cl.get("sha1") == sha1, (cl.get("sha1"), sha1))
        r.check("java: an archive's own package owns the file", sorted(js.get("files", [])) == [
                "/usr/share/java/jsr305-0.1~+svn49.jar", "/usr/share/maven-repo/org/jsr-305/jsr305/0.1-SNAPSHOT/"
                "jsr305-0.1-SNAPSHOT.jar"] and cl.get("files") == ["/usr/share/java/commons-lang3.jar"],
                (js.get("files"), cl.get("files")))
        ci = jb.get("commons-io", {})
        r.check("java: a jar two levels deep", ("/app/app.war", "WEB-INF/lib/bundle.jar!/lib/commons-io-2.11.0.jar")
                in [(e["path"], e["detail"]) for e in ci.get("evidence", [])], ci.get("evidence"))
        lic = {n: jb.get(n, {}).get("declared") for n in ("jcl-over-slf4j", "log4j-over-slf4j", "lbtest-bundle")}
        r.check("java: licenses from pom.xml names, pom.xml URLs and Bundle-License URLs",
                lic == {"jcl-over-slf4j": "Apache-2.0", "log4j-over-slf4j": "Apache-2.0", "lbtest-bundle": "Apache-2.0"},
                lic)
        r.check("java: the war itself", jb.get("lbtest-app", {}).get("purl") == "pkg:maven/org.example/lbtest-app@1.0"
                and jb.get("lbtest-app", {}).get("introduced") == 2, jb.get("lbtest-app"))

        # ---- go ----
        go = [c for c in comps if c["found_by"] == "golang"]
        gapplist = [c for c in go if c["type"] == "application"]   # one per binary: names repeat
        gapps = {c["name"]: c for c in gapplist}
        r.check("go: the Debian programs' main packages",
                {"github.com/junegunn/fzf", "filippo.io/age/cmd/age", "filippo.io/age/cmd/age-keygen"} <= set(gapps),
                sorted(gapps))
        fz = gapps.get("github.com/junegunn/fzf", {})
        r.check("go: fzf linked to its Debian package", fz.get("props", {}).get("owned-by") == dpkg_purls.get("fzf"),
                fz.get("props"))
        r.check("go: fzf's build settings", fz.get("props", {}).get("go:build:-trimpath") == "true"
                and fz.get("props", {}).get("go:build:GOOS") == "linux", fz.get("props"))
        stds = [c for c in go if c["name"] == "stdlib"]
        if shutil.which("go"):
            for path in ("usr/bin/fzf", "usr/bin/age", "usr/bin/age-keygen"):
                tmp = os.path.join(work, "x")
                shutil.rmtree(tmp, ignore_errors=True)
                run("dpkg-deb", "-x", debs["fzf" if "fzf" in path else "age"], tmp)
                gv = go_version_m(os.path.join(tmp, path))
                mine = [c for c in gapplist if "/" + path in metadata_paths(c)]
                r.check("go: /%s as go version -m reads it (%s, %s)" % (path, gv["path"], gv["go"]),
                        len(mine) == 1 and mine[0]["name"] == gv["path"] and mine[0]["props"].get("go:version") == gv["go"]
                        and all(mine[0]["props"].get("go:build:" + k) == v for k, v in gv["build"].items()),
                        (mine, gv))
        else:
            print("skip go version -m comparisons: no Go toolchain")
        if gobin:
            gv = go_version_m(gobin)
            main_c = [c for c in gapplist if "/usr/local/bin/lbtest-go" in metadata_paths(c)]
            r.check("go: two copies of one binary are one application with two locations",
                    len(main_c) == 1 and sorted(metadata_paths(main_c[0])) == ["/opt/tools/lbtest-go", "/usr/local/bin/lbtest-go"],
                    main_c)
            mc = main_c[0] if main_c else {}
            r.check("go: main module example.org/lbtest, built from a tree: no version",
                    mc.get("name") == gv["mod"][0] and mc.get("version") is None and gv["mod"][1] == "(devel)"
                    and mc.get("purl") == "pkg:golang/example.org/lbtest", (mc.get("name"), mc.get("purl"), gv["mod"]))
            r.check("go: -ldflags build setting", mc.get("props", {}).get("go:build:-ldflags") == gv["build"].get("-ldflags"),
                    (mc.get("props"), gv["build"]))
            deps = {c["props"].get("go:replaces", c["name"] + "@" + str(c["version"])).split("@")[0]: c
                    for c in go if c["type"] == "library" and c["name"] != "stdlib"
                    and "/usr/local/bin/lbtest-go" in metadata_paths(c)}
            r.check("go: the dependencies go version -m lists (%d)" % len(gv["deps"]), set(deps) == set(gv["deps"]),
                    (sorted(deps), sorted(gv["deps"])))
            u = deps.get("github.com/google/uuid", {})
            r.check("go: uuid's version, h1 sum and purl",
                    u.get("version") == gv["deps"]["github.com/google/uuid"][0]
                    and u.get("props", {}).get("go:sum") == gv["deps"]["github.com/google/uuid"][1]
                    and u.get("purl") == "pkg:golang/github.com/google/uuid@v1.3.0", u)
            e = deps.get("github.com/pkg/errors", {})
            r.check("go: a replaced module is reported as what was compiled in",
                    e.get("name") == "example.org/errors-fork" and e.get("version") == "v0.9.1-lb"
                    and e.get("props", {}).get("go:replaces") == "github.com/pkg/errors@v0.9.1"
                    and e.get("props", {}).get("go:sum") == gv["deps"]["github.com/pkg/errors"][2][2], e)
            lo = deps.get("example.org/local", {})
            r.check("go: a directory replacement has no version",
                    lo.get("version") is None and lo.get("props", {}).get("go:replaced-by-directory") == "./local", lo)
            r.check("go: one stdlib per Go version, with every binary as evidence",
                    len(stds) == 1 and stds[0]["purl"] == "pkg:golang/stdlib@" + gv["go"][2:]
                    and len(metadata_paths(stds[0])) == 6, stds)
            old = [c for c in gapplist if "/usr/local/bin/lbtest-go-old" in metadata_paths(c)]
            olddeps = {c["purl"] for c in go if c["type"] == "library" and c["name"] != "stdlib"
                       and "/usr/local/bin/lbtest-go-old" in metadata_paths(c)}
            r.check("go: the build info format of Go < 1.18 (pointers), as go version -m reads it",
                    seen["go-old"]["deps"] == gv["deps"] and len(old) == 1 and old[0]["name"] == gv["mod"][0]
                    and old[0]["props"].get("go:version") == gv["go"]
                    and olddeps == {c["purl"] for c in deps.values()}, (old, olddeps))
        else:
            print("skip go module-mode checks: no Go toolchain")
            r.check("go: one stdlib", len(stds) == 1, stds)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("%d passed, %d failed" % (r.passed, r.failed))
    sys.exit(1 if r.failed else 0)


if __name__ == "__main__":
    main()
