#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Proves `layerbom files` and `scan` on real images built at test time.

Usage: test_images.py LAYERBOM [CASE...]
Prints one line per check and ends with "N passed, N failed"; exits 1 if a
check failed.  Images are built with GNU tar, tarfile, gzip, zstd, skopeo and
umoci (tests/lib/imagetool.py); squash cases are tests/cases/squash/*.case.
"""

import glob
import gzip
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
import casefile  # noqa: E402
import imagetool as it  # noqa: E402
from imagetool import Entry as E, Layer  # noqa: E402

HEADER = "path\ttype\tmode\tsize\tsha256\tlayer"


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

    def lb(self, *args, stdout=subprocess.PIPE):
        p = subprocess.run([self.exe, *args], stdout=stdout, stderr=subprocess.PIPE, timeout=120)
        return p.returncode, p.stdout, p.stderr.decode("utf-8", "replace")

    def files(self, image, *opts):
        """(rows, rc, stderr); rows are the TSV rows as tuples of str, or None."""
        rc, out, err = self.lb("files", *opts, image)
        return parse_tsv(out), rc, err

    def path(self, *parts):
        return os.path.join(self.work, *parts)


def parse_tsv(out):
    try:
        lines = out.decode("utf-8").split("\n")
    except UnicodeDecodeError:
        return None
    if lines[0] != HEADER or lines[-1] != "":
        return None
    rows = [tuple(l.split("\t")) for l in lines[1:-1]]
    return rows if all(len(r) == 6 for r in rows) else None


def unescape(p):
    return bytes(p, "utf-8").decode("unicode_escape").encode("latin-1") if "\\x" in p else p.encode()


def sorted_ok(rows):
    keys = [unescape(r[0]) for r in rows]
    return all(a <= b for a, b in zip(keys, keys[1:]))


def diff(want, got):
    missing = sorted(set(want) - set(got))
    extra = sorted(set(got) - set(want))
    return "\n".join(["missing " + "\t".join(r) for r in missing] +
                     ["unexpected " + "\t".join(r) for r in extra])


def one_line_error(rc, err, want_rc, names):
    lines = err.splitlines()
    if rc != want_rc:
        return "exit %s (want %d), stderr %r" % (rc, want_rc, err)
    if len(lines) != 1 or not lines[0].startswith("layerbom: "):
        return "want one 'layerbom: ' line on stderr, got %r" % err
    if not any(n in lines[0] for n in names):
        return "message names none of %r: %r" % (names, lines[0])
    return ""


# ---- squash cases ----------------------------------------------------------

def run_case(r, path):
    base = os.path.basename(path)[:-5]
    try:
        case = casefile.parse(path)
        work = r.path("case-" + base)
        built = it.build_layers(case.layers, work)
        it.build_oci(os.path.join(work, "oci"), built)
    except Exception as e:  # a broken case file is a failed check, not a crash
        return r.check("case %s: build" % base, False, repr(e))
    ids = [b.diff_id for b in built]
    image = "oci-dir:" + os.path.join(work, "oci")
    for scope, expect in case.expect.items():
        rows, rc, err = r.files(image, "--scope", scope)
        name = "case %s (%s)" % (base, scope if scope != "squashed" else case.name)
        problems = []
        if rc != 0 or rows is None:
            problems.append("exit %d, stderr %r, output unparsable: %s" % (rc, err, rows is None))
        else:
            want = []
            for p, typ, mode, size, layer, data in expect:
                digest = "-"
                if typ == "file":
                    digest = it.sha256(data).split(":")[1]
                    if len(data) != int(size):
                        problems.append("case file: %s has %d bytes of content, size %s"
                                        % (p, len(data), size))
                want.append((p, typ, mode, size, digest, ids[int(layer) - 1]))
            if set(want) != set(rows) or len(want) != len(rows):
                problems.append(diff(want, rows) or "duplicate rows")
            if not sorted_ok(rows):
                problems.append("rows are not sorted bytewise by path")
            lines = err.splitlines()
            if any(not l.startswith("layerbom: ") for l in lines):
                problems.append("stderr lines without 'layerbom: ': %r" % err)
            for w in case.warnings:
                if not any(w in l for l in lines):
                    problems.append("no warning containing %r in %r" % (w, err))
            if not case.warnings and err:
                problems.append("unexpected stderr %r" % err)
        r.check(name, not problems, "\n".join(problems))
    if case.umoci:
        squashed, _, _ = r.files(image)
        compare_umoci(r, "case %s vs umoci" % base, os.path.join(work, "oci"), squashed,
                      os.path.join(work, "bundle"))


def compare_umoci(r, name, oci, rows, bundle):
    """Compares layerbom rows with the rootfs umoci unpacks: path, type, mode,
    size and sha256.  Ownership is not compared (rootless unpack chowns
    nothing and `files` has no owner column); setuid/setgid bits survive
    because the tests run as root, so modes are compared in full."""
    try:
        rootfs = it.umoci_unpack(oci, "latest", bundle)
    except subprocess.CalledProcessError as e:
        return r.check(name, False, "umoci failed: %s" % e.stderr.decode(errors="replace"))
    ref = {casefile.escape(p): v for p, v in it.walk_rootfs(rootfs).items()}
    want = {(p, t, "%04o" % m, str(s), d) for p, (t, m, s, d) in ref.items()}
    got = {row[:5] for row in rows or []}
    return r.check(name, rows is not None and want == got, diff(want, got))


def run_cases(r):
    for path in sorted(glob.glob(os.path.join(HERE, "..", "cases", "squash", "*.case"))):
        run_case(r, path)


# ---- one content, every source kind ----------------------------------------

def reference_layers():
    """Three layers with whiteouts, an opaque directory, hard links (also to
    a lower layer), symlinks, setuid, sticky and non-UTF-8 names; only what
    umoci and skopeo also handle (no zstd here, no devices, no '..')."""
    return [
        Layer([E("dir", "bin"), E("file", "bin/busybox", 0o755, it.pattern(200000)),
               E("hardlink", "bin/sh", 0o755, target="bin/busybox"),
               E("symlink", "bin/ls", target="busybox"),
               E("dir", "etc"),
               E("file", "etc/os-release", 0o644,
                 b'NAME="Layerbom Test"\nID=lbtest\nPRETTY_NAME="Layerbom Test Linux 1.0"\n'),
               E("dir", "tmp", 0o1777), E("dir", "usr/bin"),
               E("file", "usr/bin/su", 0o4755, b"su"), E("file", "usr/bin/wall", 0o2755, b"wall"),
               E("dir", "var/lib/old"), E("file", "var/lib/old/a", 0o600, b"a"),
               E("dir", "var/cache"), E("file", "var/cache/x", 0o644, b"x"),
               E("file", "usr/share/na\u00efve.txt", 0o644, b"utf-8 name"),
               E("file", "opt/empty", 0o644, b""),
               E("file", "opt/deep/" + "d/" * 40 + "leaf", 0o644, b"deep")],
              "gzip", created_by="/bin/sh -c #(nop) ADD file:base in /"),
        Layer([E("whiteout", "var/lib/old"), E("dir", "var/cache"), E("opaque", "var/cache"),
               E("file", "var/cache/y", 0o644, b"y"), E("file", "bin/ls", 0o755, b"ls now a file"),
               E("hardlink", "usr/bin/su2", 0o4755, target="usr/bin/su"),
               E("file", b"opt/caf\xe9", 0o644, b"latin-1 name")],
              "none", "tarfile", "pax", created_by="/bin/sh -c apt-get install things"),
        Layer([E("dir", "etc/app", 0o700), E("file", "etc/app/conf", 0o640, b"k=v\n"),
               E("symlink", "etc/loop1", target="loop2"), E("symlink", "etc/loop2", target="loop1"),
               E("symlink", "etc/localtime", target="/usr/share/zoneinfo/UTC"),
               E("file", "opt/big", 0o644, it.pattern(1 << 20))],
              "gzip", created_by="/bin/sh -c #(nop) COPY dir:app in /etc/app"),
    ]


def run_sources(r):
    built = it.build_layers(reference_layers(), r.path("ref"))
    oci = r.path("ref-oci")
    it.build_oci(oci, built)
    ref, rc, err = r.files("oci-dir:" + oci)
    if not r.check("reference image: oci-dir lists", rc == 0 and ref is not None and not err,
                   "exit %d %r" % (rc, err)):
        return None
    ids = [b.diff_id for b in built]
    r.check("reference image: layer column holds the diff IDs",
            {row[5] for row in ref} == set(ids))
    compare_umoci(r, "reference image vs umoci unpack --rootless", oci, ref, r.path("ref-bundle"))

    zoci = r.path("ref-oci-zstd")
    it.build_oci(zoci, [it.recompress(b, "zstd") for b in built])
    moci = r.path("ref-oci-mixed")
    it.build_oci(moci, [it.recompress(b, c) for b, c in zip(built, ("zstd", "none", "gzip"))])
    it.skopeo_copy("oci:%s:latest" % oci, "oci-archive:" + r.path("ref.oci.tar"))
    it.skopeo_copy("oci:%s:latest" % zoci, "oci-archive:" + r.path("ref-zstd.oci.tar"))
    it.skopeo_copy("oci:%s:latest" % oci, "docker-archive:%s:lbtest/ref:1" % r.path("ref.docker.tar"))
    with open(r.path("ref.docker.tar"), "rb") as f, open(r.path("ref.docker.tar.gz"), "wb") as g:
        subprocess.run(["gzip", "-n", "-c"], stdin=f, stdout=g, check=True)
    subprocess.run(["zstd", "-q", r.path("ref.docker.tar"), "-o", r.path("ref.docker.tar.zst")],
                   check=True)
    it.write_docker_hybrid(r.path("ref.hybrid.tar"), [("lbtest/ref:1", built)])
    it.write_docker_hybrid(r.path("ref.hybrid-null.tar"), [("lbtest/ref:1", built)], True)
    it.write_docker_manifest_archive(r.path("ref.manifest.tar"), [("lbtest/ref:1", built)])
    it.write_docker_legacy(r.path("ref.legacy.tar"), "lbtest/ref:1", built)
    sources = [("oci-dir", "zstd layers", zoci), ("oci-dir", "zstd, plain, gzip layers", moci),
               ("oci-archive", "skopeo", "ref.oci.tar"),
               ("oci-archive", "skopeo, zstd layers", "ref-zstd.oci.tar"),
               ("docker-archive", "skopeo", "ref.docker.tar"),
               ("docker-archive", "skopeo, gzip outer", "ref.docker.tar.gz"),
               ("docker-archive", "skopeo, zstd outer", "ref.docker.tar.zst"),
               ("docker-archive", "Docker >= 25 hybrid", "ref.hybrid.tar"),
               ("docker-archive", "hybrid, manifests: null", "ref.hybrid-null.tar"),
               ("docker-archive", "Docker 1.10-24 manifest.json", "ref.manifest.tar"),
               ("docker-archive", "Docker < 1.10 legacy", "ref.legacy.tar")]
    for kind, what, p in sources:
        p = r.path(p)
        for spec in (kind + ":" + p, p):
            rows, rc, err = r.files(spec)
            r.check("source %s (%s)%s = oci-dir" % (kind, what, "" if ":" in spec[:15] else ", detected"),
                    rc == 0 and rows == ref and not err,
                    "exit %d %r\n%s" % (rc, err, diff(ref, rows or [])))

    rootfs = os.path.join(r.path("ref-bundle"), "rootfs")
    walked = {(casefile.escape(p), t, "%04o" % m, str(s), d, "-")
              for p, (t, m, s, d) in it.walk_rootfs(rootfs).items()}
    for spec in ("dir:" + rootfs, rootfs):
        rows, rc, err = r.files(spec)
        r.check("source dir:%s = walk of the unpacked rootfs" % ("" if spec == rootfs else " (prefix)"),
                rc == 0 and rows is not None and set(rows) == walked and len(rows) == len(walked),
                "exit %d %r\n%s" % (rc, err, diff(walked, rows or [])))
    if rows:
        r.check("source dir: = oci-dir but for the layer column",
                [x[:5] for x in rows] == [x[:5] for x in ref], diff([x[:5] for x in ref], [x[:5] for x in rows]))
    return oci, built, ref


def run_views(r, oci, built, ref):
    rows, rc, err = r.files(oci, "--scope", "all-layers")
    hidden = {("/var/lib/old/a", built[0].diff_id), ("/var/cache/x", built[0].diff_id),
              ("/bin/ls", built[0].diff_id)}
    got = {(x[0], x[5]) for x in rows or []}
    r.check("--scope all-layers shows whited-out, opaqued and replaced entries",
            rc == 0 and hidden <= got and set(ref) <= set(rows) and sorted_ok(rows),
            "exit %d %r, missing %r" % (rc, err, hidden - got))
    r.check("--scope all-layers lists each layer's version of a replaced file",
            [x[1] for x in rows or [] if x[0] == "/bin/ls"] == ["symlink", "file"])
    rc, out, err = r.lb("files", "--format", "json", oci)
    try:
        doc = json.loads(out)
        as_rows = [(o["path"], o["type"], o["mode"], str(o["size"]), o["sha256"], o["layer"])
                   for o in doc]
        targets = {o["path"]: o.get("target") for o in doc if o["type"] == "symlink"}
    except (ValueError, KeyError, TypeError) as e:
        as_rows, targets = repr(e), {}
    r.check("--format json parses and equals the TSV", rc == 0 and as_rows == ref,
            "exit %d %r %s" % (rc, err, as_rows if isinstance(as_rows, str) else diff(ref, as_rows)))
    r.check("--format json gives symlink targets", targets.get("/etc/localtime") ==
            "/usr/share/zoneinfo/UTC" and targets.get("/etc/loop1") == "loop2", repr(targets))
    rc, out, err = r.lb("files", "--format", "json", "--scope", "all-layers", oci)
    try:
        n = len(json.loads(out))
    except ValueError:
        n = -1
    r.check("--format json --scope all-layers parses", rc == 0 and n == len(
        r.files(oci, "--scope", "all-layers")[0] or []), "exit %d, %d objects" % (rc, n))

    outs = [r.lb("files", oci, "-j", j)[1] for j in ("1", "1", "4")]
    r.check("determinism: files twice gives identical bytes, and -j 4 the same",
            outs[0] == outs[1] == outs[2])
    rc, out1, err = r.lb("scan", oci)
    out2 = r.lb("scan", oci)[1]
    text = out1.decode("utf-8", "replace")
    r.check("determinism: scan twice gives identical bytes", out1 == out2)
    r.check("scan prints the OS from os-release", rc == 0 and "Layerbom Test Linux 1.0" in text,
            "exit %d %r\n%s" % (rc, err, text))
    lines = text.splitlines()
    table = all(any(b.diff_id in l and l.split()[0] == str(i + 1) for l in lines)
                for i, b in enumerate(built))
    r.check("scan prints the layer table (number, diff ID, created by)", table and
            "ADD file:base in /" in text and "apt-get install things" in text, text)


def run_platforms(r):
    plats = [{"os": "linux", "architecture": "amd64"}, {"os": "linux", "architecture": "arm64"},
             {"os": "linux", "architecture": "arm", "variant": "v7"}]
    spec = [(p, [Layer([E("file", "etc/platform", 0o644, platform_of(p).encode() + b"\n")])])
            for p in plats]
    oci = r.path("multi-oci")
    it.build_multiplatform(oci, spec, r.path("multi"))
    for opt, want in ((None, "linux/amd64"), ("linux/amd64", "linux/amd64"),
                      ("linux/arm64", "linux/arm64"), ("linux/arm/v7", "linux/arm/v7")):
        rows, rc, err = r.files(oci, *(["--platform", opt] if opt else []))
        sha = it.sha256(want.encode() + b"\n").split(":")[1]
        r.check("multi-platform index: %s picks %s" % ("--platform " + opt if opt else
                                                       "no --platform (on x86_64)", want),
                rc == 0 and rows is not None and [x[4] for x in rows if x[0] == "/etc/platform"] == [sha],
                "exit %d %r %r" % (rc, err, rows))
    rc, _, err = r.lb("files", "--platform", "linux/s390x", oci)
    ok = one_line_error(rc, err, 2, ["linux/s390x"])
    missing = [platform_of(p) for p in plats if platform_of(p) not in err]
    r.check("multi-platform index: unknown --platform exits 2 listing the choices",
            not ok and not missing and "unknown/unknown" not in err, ok or err)
    rc, out, err = r.lb("scan", "--platform", "linux/arm64", oci)
    r.check("scan --platform linux/arm64 reports that platform", rc == 0 and
            b"linux/arm64" in out, "exit %d %r" % (rc, err))
    rc, _, err = r.lb("files", "--platform", "linux/arm64", r.path("ref-oci"))
    r.check("single linux/amd64 image: --platform linux/arm64 exits 2",
            not one_line_error(rc, err, 2, ["linux/arm64"]), one_line_error(rc, err, 2, ["linux/arm64"]))


def platform_of(p):
    return "/".join(x for x in (p["os"], p["architecture"], p.get("variant")) if x)


def run_multi_image(r):
    base = Layer([E("file", "etc/base", 0o644, b"base\n")])
    built = it.build_layers([base, Layer([E("file", "etc/name", 0o644, b"alpha\n")]),
                             Layer([E("file", "etc/name", 0o644, b"beta\n")])], r.path("multiimg"))
    images = [("alpha:1", built[:2]), ("lbtest/beta:2", [built[0], built[2]])]
    for kind, write in (("manifest.json", it.write_docker_manifest_archive),
                        ("hybrid", it.write_docker_hybrid)):
        tar = r.path("multi-%s.tar" % kind)
        write(tar, images)
        for tag, name in (("alpha:1", b"alpha\n"), ("lbtest/beta:2", b"beta\n")):
            rows, rc, err = r.files(tar, "--image", tag)
            sha = it.sha256(name).split(":")[1]
            r.check("multi-image %s archive: --image %s" % (kind, tag), rc == 0 and rows is not None
                    and [x[4] for x in rows if x[0] == "/etc/name"] == [sha] and
                    [x[5] for x in rows if x[0] == "/etc/base"] == [built[0].diff_id],
                    "exit %d %r %r" % (rc, err, rows))
        rc, _, err = r.lb("files", tar)
        ok = one_line_error(rc, err, 2, ["alpha:1"])
        r.check("multi-image %s archive: no --image exits 2 listing the tags" % kind,
                not ok and "lbtest/beta:2" in err, ok or err)
        rc, _, err = r.lb("files", "--image", "gamma:3", tar)
        r.check("multi-image %s archive: unknown --image exits 2" % kind,
                not one_line_error(rc, err, 2, ["gamma:3"]), one_line_error(rc, err, 2, ["gamma:3"]))


# ---- broken input ----------------------------------------------------------

def rewrite_image(oci, layer_blobs=None, config=None):
    """Rewrites manifest and index.json of a one-image OCI dir after a change
    to its layer list or config, so the only defect is the one planted."""
    lay = it.OciLayout(oci)
    with open(os.path.join(oci, "index.json")) as f:
        desc = json.load(f)["manifests"][0]
    with open(lay.blob_path(desc["digest"]), "rb") as f:
        man = json.load(f)
    if layer_blobs:
        for i, (data, mt) in layer_blobs.items():
            man["layers"][i] = lay.add_bytes(data, mt)
    if config:
        man["config"] = lay.add_bytes(config, it.MT_CONFIG)
    lay.write_index([lay.add_bytes(it.jdump(man), it.MT_MANIFEST)])
    return man


def run_errors(r, oci, built):
    def fresh(name):
        dst = r.path("bad-" + name)
        shutil.copytree(oci, dst)
        return dst, it.OciLayout(dst)

    def expect(name, spec, names):
        rc, _, err = r.lb("files", spec)
        msg = one_line_error(rc, err, 3, names)
        r.check("bad input: %s exits 3, one message naming it" % name, not msg, msg)

    d, lay = fresh("layer-digest")
    with open(built[1].blob, "rb") as f:
        data = f.read()
    with open(lay.blob_path(built[1].digest), "wb") as f:
        f.write(data.replace(b"ls now a file", b"LS NOW A FILE"))
    expect("layer blob digest mismatch", d, [built[1].digest.split(":")[1]])

    d, lay = fresh("config-digest")
    with open(os.path.join(d, "index.json")) as f:
        mdig = json.load(f)["manifests"][0]["digest"]
    with open(lay.blob_path(mdig)) as f:
        cdig = json.load(f)["config"]["digest"]
    with open(lay.blob_path(cdig), "ab") as f:
        f.write(b" ")
    expect("config blob digest mismatch", d, [cdig.split(":")[1]])

    d, lay = fresh("diff-id")
    with open(lay.blob_path(cdig)) as f:
        cfg = json.load(f)
    cfg["rootfs"]["diff_ids"][2] = it.sha256(b"not this layer")
    rewrite_image(d, config=it.jdump(cfg))
    expect("wrong diff ID", d, [built[2].digest.split(":")[1]])

    for method in ("gzip", "zstd"):
        d, lay = fresh("truncated-" + method)
        with open(it.recompress(built[2], method).blob, "rb") as f:
            data = f.read()
        data = data[:len(data) // 2]
        rewrite_image(d, {2: (data, it.MT_LAYER[method])})
        expect("truncated %s layer" % method, d, [it.sha256(data).split(":")[1]])

    d, lay = fresh("missing-blob")
    os.unlink(lay.blob_path(built[0].digest))
    expect("missing layer blob", d, [built[0].digest.split(":")[1]])

    with open(r.path("ref.docker.tar"), "rb") as f:
        data = f.read()
    cut = r.path("truncated.docker.tar")
    with open(cut, "wb") as f:
        f.write(data[:len(data) * 6 // 10])
    expect("truncated outer tar", cut, [cut])
    for name, data in (("random bytes", os.urandom(4096)), ("empty file", b""),
                       ("plain text file", b"hello, this is not an image\n" * 20),
                       ("gzip of plain text", gzip.compress(b"not a tar\n", mtime=0))):
        p = r.path(name.replace(" ", "-"))
        with open(p, "wb") as f:
            f.write(data)
        expect(name, p, [p])
    d = r.path("garbage-index")
    os.makedirs(d)
    with open(os.path.join(d, "index.json"), "wb") as f:
        f.write(b"{ this is not json")
    expect("directory with a garbage index.json", d, [d])


def run_big_layer(r):
    tar = r.path("big.tar")
    with it.open_tar(tar, "gnu") as t:
        for d in range(100):
            t.addfile(it.tarinfo(b"d%02d" % d, "dir", 0o755))
            for i in range(1000):
                data = b"%d\n" % (d * 1000 + i)
                t.addfile(it.tarinfo(b"d%02d/f%04d" % (d, i), "file", 0o644, len(data)),
                          io.BytesIO(data))
    oci = r.path("big-oci")
    it.build_oci(oci, [it.recompress(it.Built(tar, tar, "none", "big"), "gzip")])
    start = time.monotonic()
    rc, out, err = r.lb("files", oci)
    took = time.monotonic() - start
    lines = out.split(b"\n")
    sample = it.sha256(b"54321\n").split(":")[1].encode()
    r.check("100,000-file layer listed completely in under 30 s (%.1f s)" % took,
            rc == 0 and len(lines) == 100102 and took < 30 and
            any(l.startswith(b"/d54/f0321\tfile\t0644\t6\t" + sample) for l in lines),
            "exit %d %r, %d lines" % (rc, err, len(lines)))


# ---- the command line --------------------------------------------------------

def run_cli(r, oci):
    rc, out, err = r.lb("--help")
    r.check("--help exits 0 with usage on stdout", rc == 0 and b"usage" in out.lower() and not err)
    rc, out, err = r.lb("--version")
    r.check("--version exits 0 with 'layerbom VERSION'", rc == 0 and out.startswith(b"layerbom ")
            and len(out.splitlines()) == 1, repr(out))
    rc, out, err = r.lb("help", "files")
    r.check("help files describes --scope and --format", rc == 0 and b"--scope" in out
            and b"--format" in out)
    for args, what in ((["frobnicate"], "an unknown command"), ([], "no command"),
                       (["files"], "files without IMAGE"), (["files", oci, oci], "files with two IMAGEs"),
                       (["files", "--format"], "--format without a value"),
                       (["files", "--format", "xml", oci], "an unknown --format"),
                       (["files", "--scope", "some", oci], "an unknown --scope"),
                       (["files", "--bogus", oci], "an unknown option"),
                       (["files", "-j", "0", oci], "-j 0"), (["scan"], "scan without IMAGE")):
        rc, out, err = r.lb(*args)
        lines = err.splitlines()
        r.check("usage error: %s exits 2 with a message on stderr" % what,
                rc == 2 and not out and (not args or lines[:1] and lines[0].startswith("layerbom: ")),
                "exit %d %r" % (rc, err))
    rd, wr = os.pipe()
    os.close(rd)
    rc, _, err = r.lb("files", oci, stdout=wr)
    os.close(wr)
    r.check("files into a closed pipe exits 4 with one message", rc == 4 and
            len(err.splitlines()) == 1 and err.startswith("layerbom: "), "exit %d %r" % (rc, err))
    with open("/dev/full", "wb") as full:
        for cmd in ("files", "scan"):
            rc, _, err = r.lb(cmd, oci, stdout=full)
            r.check("%s > /dev/full exits 4 with one message" % cmd, rc == 4 and
                    len(err.splitlines()) == 1 and err.startswith("layerbom: "),
                    "exit %d %r" % (rc, err))


def run_progress(r):
    """Progress goes to stderr only when it is a terminal (script(1) gives
    the command a pseudo-terminal), and never with -q or into a pipe."""
    sample = os.path.join(HERE, "..", "..", "examples", "sample.oci.tar")
    if not shutil.which("script"):
        return r.check("script(1) is installed for the progress test", False)
    cmd = "%s scan --no-cache %s >/dev/null" % (r.exe, sample)
    tty = subprocess.run(["script", "-qec", cmd, "/dev/null"], stdout=subprocess.PIPE, timeout=120)
    shown = tty.stdout.decode(errors="replace")
    r.check("scan at a terminal shows its progress on stderr, then wipes the line",
            tty.returncode == 0 and "layerbom: layers 4/4" in shown and shown.rstrip("\n").endswith("\r"), shown[-300:])
    quiet = subprocess.run(["script", "-qec", cmd.replace(" scan ", " scan -q "), "/dev/null"],
                           stdout=subprocess.PIPE, timeout=120)
    r.check("scan -q at a terminal shows no progress", b"layerbom: layers" not in quiet.stdout, quiet.stdout[-300:])
    rc, _, err = r.lb("scan", "--no-cache", sample)
    r.check("scan into a pipe shows no progress", rc == 0 and "layerbom: layers" not in err, err)


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: test_images.py LAYERBOM")
    exe = os.path.abspath(sys.argv[1])
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="lb-images-") as work:
        r = Runner(exe, work)
        run_cases(r)
        got = run_sources(r)
        if got:
            oci, built, ref = got
            run_views(r, oci, built, ref)
            run_errors(r, oci, built)
            run_cli(r, oci)
        run_platforms(r)
        run_multi_image(r)
        run_big_layer(r)
        run_progress(r)
    print("# %.1f s" % (time.monotonic() - start))
    print("%d passed, %d failed" % (r.passed, r.failed))
    sys.exit(1 if r.failed else 0)


if __name__ == "__main__":
    main()
