#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Hostile images: layerbom must end with a result or the documented error
(exit 3, one line naming the file) in bounded time and memory, never crash,
never write outside its outputs, and its SBOMs must stay valid JSON.

Usage: test_hostile.py LAYERBOM
Prints one line per check and ends with "N passed, N failed"; exits 1 if a
check failed.  Every image is built here at test time (tests/lib/imagetool.py,
Python's tarfile and zipfile, zlib, zstd); the time and peak memory of each
run of layerbom are printed as comments.
"""

import hashlib
import io
import json
import os
import struct
import subprocess
import sys
import tempfile
import time
import zipfile
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
import imagetool as it  # noqa: E402
from imagetool import Entry as E, Layer  # noqa: E402

TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None
# Under AddressSanitizer (CI's sanitizer suite, a debug build) memory is
# about three times what it is in a normal build (shadow memory, redzones,
# the quarantine) and the code is slower.
SLACK = 4 if "ASAN_OPTIONS" in os.environ else 1
MAX_SECS = 30 * (2 if SLACK > 1 else 1)
MAX_RSS_MB = 200 * SLACK
GiB = 1 << 30


class Result:
    def __init__(self, rc, out, err, secs, rss_mb):
        self.rc, self.out, self.err, self.secs, self.rss_mb = rc, out, err, secs, rss_mb

    def __repr__(self):
        return "exit %s in %.1f s, %d MB, stderr %r" % (self.rc, self.secs, self.rss_mb,
                                                         self.err[:600])


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
            detail = detail if len(detail) < 2000 else detail[:2000] + "..."
            print("FAIL " + name + (": " + detail.replace("\n", "\n     | ") if detail else ""))
        sys.stdout.flush()
        return ok

    def path(self, *parts):
        return os.path.join(self.work, *parts)

    def new_dir(self, name):
        self.n += 1
        d = self.path("%02d-%s" % (self.n, name))
        os.makedirs(d)
        return d

    def run(self, *args, timeout=MAX_SECS + 30):
        """Runs layerbom; its exit code, output, time and peak RSS.  The peak
        comes from /usr/bin/time (wait4 in a small parent): Linux counts the
        memory of the process that forked into a child's maxrss, and this
        Python process is large."""
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
                tempfile.NamedTemporaryFile(dir=self.work) as tm:
            cmd = [self.exe, *args]
            if TIME:
                cmd = [TIME, "-q", "-f", "%M", "-o", tm.name] + cmd
            start = time.monotonic()
            # a fresh layer cache for every run: each run does the whole work
            env = dict(os.environ, XDG_CACHE_HOME=tempfile.mkdtemp(dir=self.work))
            p = subprocess.Popen(cmd, stdout=out, stderr=err, start_new_session=True, env=env)
            while True:
                pid, status, ru = os.wait4(p.pid, os.WNOHANG)
                if pid:
                    break
                if time.monotonic() - start > timeout:
                    os.killpg(p.pid, 9)
                    pid, status, ru = os.wait4(p.pid, 0)
                    break
                time.sleep(0.02)
            secs = time.monotonic() - start
            rc = os.waitstatus_to_exitcode(status)
            p.returncode = rc
            rss = ru.ru_maxrss // 1024
            if TIME:
                lines = open(tm.name).read().split()
                rss = int(lines[-1]) // 1024 if lines and lines[-1].isdigit() else -1
            out.seek(0)
            err.seek(0)
            res = Result(rc, out.read(), err.read().decode("utf-8", "replace"), secs, rss)
            err.seek(0)
            res.err_raw = err.read()
            return res

    def scan(self, image, *opts):
        """A scan writing spdx-json and cyclonedx-json; (Result, {format: bytes})."""
        d = tempfile.mkdtemp(dir=self.work)
        outs = {f: os.path.join(d, f + ".json") for f in ("spdx-json", "cyclonedx-json")}
        res = self.run("scan", "--no-cache", *opts, *["-o%s=%s" % kv for kv in outs.items()], image)
        docs = {}
        for f, p in outs.items():
            if os.path.exists(p):
                with open(p, "rb") as fh:
                    docs[f] = fh.read()
        print("#   %s" % res)
        return res, docs

    # ---- the common checks

    def bounded(self, name, res, secs=MAX_SECS, rss=MAX_RSS_MB):
        return self.check("%s: within %d s and %d MB (%.1f s, %d MB)" % (name, secs, rss, res.secs,
                                                                         res.rss_mb),
                          res.secs < secs and res.rss_mb < rss, repr(res))

    def stderr_ok(self, name, res):
        """Every line is a message, in UTF-8 without control characters (names
        from the image are escaped: no terminal escape sequences get through)."""
        bad = [l for l in res.err.splitlines() if not l.startswith("layerbom: ")]
        self.check(name + ": every stderr line starts with 'layerbom: '", not bad,
                   "\n".join(bad[:5]))
        raw = res.err_raw
        try:
            text = raw.decode("utf-8")
            ctl = [c for c in text if (ord(c) < 32 and c != "\n") or ord(c) == 127]
        except UnicodeDecodeError as e:
            ctl = [repr(e)]
        return self.check(name + ": stderr is UTF-8 text without control characters", not ctl,
                          repr(raw[:600]))

    def error(self, name, res, names):
        """Exit 3 with one error line that names one of names."""
        lines = [l for l in res.err.splitlines() if not l.startswith("layerbom: warning: ")]
        ok = res.rc == 3 and len(lines) == 1 and lines[0].startswith("layerbom: ") and \
            any(n in lines[0] for n in names)
        return self.check(name + ": exit 3, one line naming %s" % " or ".join(repr(n) for n in names),
                          ok, repr(res))

    def result(self, name, res, docs):
        """Exit 0 and both SBOMs valid JSON (in valid UTF-8)."""
        if not self.check(name + ": exit 0", res.rc == 0, repr(res)):
            return None
        parsed = {}
        for f in ("spdx-json", "cyclonedx-json"):
            try:
                parsed[f] = json.loads(docs[f].decode("utf-8"))
            except (KeyError, ValueError) as e:
                self.check(name + ": %s is valid JSON" % f, False, repr(e))
                return None
        self.check(name + ": spdx-json and cyclonedx-json are valid JSON", True)
        return parsed


# ---- building images ---------------------------------------------------------

def sha256(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


def oci(path, blobs, diff_ids, config=None, media_type=it.MT_LAYER["gzip"]):
    """An OCI layout from stored layer blobs (bytes) and their diff IDs."""
    lay = it.OciLayout(path)
    if config is None:
        config = it.jdump({"architecture": "amd64", "os": "linux",
                           "rootfs": {"type": "layers", "diff_ids": diff_ids},
                           "history": [{"created_by": "layer %d" % (i + 1)}
                                       for i in range(len(diff_ids))]})
    man = {"schemaVersion": 2, "mediaType": it.MT_MANIFEST,
           "config": lay.add_bytes(config, it.MT_CONFIG),
           "layers": [lay.add_bytes(b, media_type) if isinstance(b, bytes) else b for b in blobs]}
    lay.write_index([lay.add_bytes(it.jdump(man), it.MT_MANIFEST)])
    return "oci-dir:" + path


def image(r, name, layers):
    """An OCI layout from Layer objects; its spec."""
    d = r.new_dir(name)
    built = it.build_layers(layers, os.path.join(d, "layers"))
    it.build_oci(os.path.join(d, "oci"), built)
    return "oci-dir:" + os.path.join(d, "oci")


def tar_header(name, size=0, typ=b"0", mode=0o644, link=b""):
    h = bytearray(512)
    h[0:len(name)] = name
    h[100:108] = b"%07o\0" % mode
    h[108:116] = b"0000000\0"
    h[116:124] = b"0000000\0"
    h[124:136] = b"%011o\0" % size
    h[136:148] = b"00000000000\0"
    h[148:156] = b" " * 8
    h[156:157] = typ
    h[157:157 + len(link)] = link
    h[257:265] = b"ustar\x0000"
    h[148:156] = b"%06o\0 " % sum(h)
    return bytes(h)


def gz(data, level=6):
    c = zlib.compressobj(level, zlib.DEFLATED, 31)
    return c.compress(data) + c.flush()


def zstd(data):
    return subprocess.run(["zstd", "-q", "-c"], input=data, stdout=subprocess.PIPE,
                          check=True).stdout


# ---- the cases ---------------------------------------------------------------

def case_gzip_bomb(r):
    """4 MB of gzip (multi-member) that inflates to 3 GiB of zeros in one file."""
    name = "gzip bomb (3 GiB of zeros in one file)"
    chunk = 64 << 20
    zeros = bytes(chunk)
    member = gz(zeros, 9)
    n = 3 * GiB // chunk
    head = tar_header(b"zeros", 3 * GiB)
    diff = hashlib.sha256(head)
    for _ in range(n):
        diff.update(zeros)
    diff.update(bytes(1024))
    blob = gz(head) + member * n + gz(bytes(1024))
    spec = oci(r.new_dir("gzip-bomb"), [blob], ["sha256:" + diff.hexdigest()])
    print("#   layer blob: %d bytes for %d decoded" % (len(blob), 3 * GiB + 1536))
    res, docs = r.scan(spec)
    r.bounded(name, res)
    r.stderr_ok(name, res)
    if res.rc == 3:
        r.error(name, res, ["blobs/sha256/", "layer"])
    else:
        r.result(name, res, docs)


def case_zstd_bomb(r):
    """zstd frames that decode to 10 GiB: past 1 GiB the ratio cap must stop it."""
    name = "zstd bomb (10 GiB, ratio over 2000)"
    chunk = 256 << 20
    frame = subprocess.run("head -c %d /dev/zero | zstd -q -c -3" % chunk, shell=True,
                           stdout=subprocess.PIPE, check=True).stdout
    n = 10 * GiB // chunk
    head = tar_header(b"zeros", 10 * GiB)
    blob = zstd(head) + frame * n
    spec = oci(r.new_dir("zstd-bomb"), [blob], ["sha256:" + "0" * 64],
               media_type=it.MT_LAYER["zstd"])
    print("#   layer blob: %d bytes for %d decoded" % (len(blob), 10 * GiB + 512))
    res, _ = r.scan(spec)
    r.bounded(name, res)
    r.stderr_ok(name, res)
    r.error(name, res, ["blobs/sha256/"])


def case_million(r):
    """One layer of a million empty files (a 512 MB tar, zstd-compressed)."""
    name = "a million empty entries in one layer"
    d = r.new_dir("million")
    tar = os.path.join(d, "layer.tar.zst")
    diff = hashlib.sha256()
    with open(tar, "wb") as f:
        z = subprocess.Popen(["zstd", "-q", "-1", "-c"], stdin=subprocess.PIPE, stdout=f)
        first = tar_header(b"f/", 0, b"5", 0o755)
        diff.update(first)
        z.stdin.write(first)
        base = tar_header(b"f/0000000")
        digits0 = sum(b"0000000")
        pre, post = base[:2], base[9:148]
        tail = base[156:]
        chk0 = sum(base[:148]) + 8 * 32 + sum(tail) - digits0
        for start in range(0, 1000000, 10000):
            parts = []
            for i in range(start, start + 10000):
                num = b"%07d" % i
                parts.append(pre + num + post + b"%06o\0 " % (chk0 + sum(num)) + tail)
            block = b"".join(parts)
            diff.update(block)
            z.stdin.write(block)
        diff.update(bytes(1024))
        z.stdin.write(bytes(1024))
        z.stdin.close()
        z.wait()
    with open(tar, "rb") as f:
        blob = f.read()
    spec = oci(os.path.join(d, "oci"), [blob], ["sha256:" + diff.hexdigest()],
               media_type=it.MT_LAYER["zstd"])
    res, docs = r.scan(spec)
    # a million entries are a million file table rows: the cap is 10 million per layer
    r.bounded(name, res, MAX_SECS, 1024 * SLACK)
    r.stderr_ok(name, res)
    r.result(name, res, docs)
    res = r.run("files", spec)
    rows = res.out.count(b"\n") - 1
    r.check(name + ": files lists 1000001 entries (%.1f s, %d MB)" % (res.secs, res.rss_mb),
            res.rc == 0 and rows == 1000001, "%r, %d rows" % (res, rows))


def case_traversal(r):
    """Paths that leave the root, a write through a symlink, outside hard links."""
    name = "path traversal"
    target = r.path("pwned")
    rel = "../" * 40 + target.lstrip("/")
    spec = image(r, "traversal", [Layer([
        E("file", "../../etc/passwd", data=b"root:x:0:0::/root:/bin/sh\n"),
        E("file", rel, data=b"escaped\n"),
        E("file", "/etc/shadow", data=b"root:*:1::::::\n"),
        E("file", "./a/../../../../b", data=b"b\n"),
        E("file", b"../\x1b]0;title\x07\x1b[31mred\xff", data=b"escape sequences\n"),
        E("symlink", "evil", target="/etc"),
        E("file", "evil/written-through", data=b"x\n"),
        E("symlink", "up", target="../../../../../../.."),
        E("file", "up/" + target.lstrip("/"), data=b"escaped\n"),
        E("hardlink", "hl-outside", target="../../etc/passwd"),
        E("hardlink", "hl-absolute", target="/etc/hostname"),
        E("hardlink", "hl-missing", target="no/such/file"),
    ], writer="tarfile")])
    res, docs = r.scan(spec)
    r.bounded(name, res)
    r.stderr_ok(name, res)
    if res.rc == 3:
        r.error(name, res, ["blobs/sha256/", "layer"])
    else:
        r.result(name, res, docs)
    r.check(name + ": nothing written outside (%s)" % os.path.basename(target),
            not os.path.exists(target))
    res = r.run("files", "--format", "json", spec)
    try:
        rows = json.loads(res.out.decode("utf-8"))
        bad = [x["path"] for x in rows if not x["path"].startswith("/") or "/../" in x["path"] + "/"
               or "/./" in x["path"] + "/"]
        r.check(name + ": files lists only normalised paths inside the root", res.rc in (0, 3) and
                not bad, "%r %r" % (res, bad))
    except ValueError as e:
        r.check(name + ": files --format json is valid JSON", res.rc == 3, "%r %r" % (res, e))


def case_symlink_loops(r):
    """Symbolic links in loops, also where detectors look (os-release, dpkg)."""
    name = "symlink loops"
    spec = image(r, "loops", [Layer([
        E("dir", "etc"), E("symlink", "etc/os-release", target="os-release"),
        E("dir", "usr"), E("dir", "usr/lib"),
        E("symlink", "usr/lib/os-release", target="../../usr/lib/os-release"),
        E("symlink", "a", target="b"), E("symlink", "b", target="a"),
        E("symlink", "self", target="self/self"),
        E("dir", "var"), E("dir", "var/lib"), E("symlink", "var/lib/dpkg", target="dpkg"),
        E("dir", "app"), E("symlink", "app/node_modules", target="../app"),
    ]), Layer([E("file", "var/lib/x", data=b"x")])])
    res, docs = r.scan(spec)
    r.bounded(name, res)
    r.stderr_ok(name, res)
    r.result(name, res, docs)


def zip_bytes(files, compression=zipfile.ZIP_STORED):
    bio = io.BytesIO()
    with zipfile.ZipFile(bio, "w", compression) as z:
        for n, data in files:
            z.writestr(zipfile.ZipInfo(n, (1980, 1, 1, 0, 0, 0)), data)
    return bio.getvalue()


MANIFEST = b"Manifest-Version: 1.0\r\nImplementation-Title: t\r\nImplementation-Version: 1\r\n\r\n"


def case_deep_jar(r):
    """A jar in a jar in a jar ... 100 deep."""
    name = "jar nested 100 deep"
    data = zip_bytes([("META-INF/MANIFEST.MF", MANIFEST)])
    for i in range(100):
        data = zip_bytes([("META-INF/MANIFEST.MF", MANIFEST), ("lib/level%d.jar" % i, data)])
    spec = image(r, "deep-jar", [Layer([E("dir", "app"), E("file", "app/deep.jar", data=data)])])
    res, docs = r.scan(spec)
    r.bounded(name, res)
    r.stderr_ok(name, res)
    r.result(name, res, docs)
    r.check(name + ": a warning says the nesting was cut",
            any("nest" in l and "deep" in l for l in res.err.splitlines()), repr(res))


def overlapping_zip(inner_name, inner, copies):
    """One stored local entry, and a central directory of `copies` entries
    that all point at it (overlapping entries, as in zip bombs)."""
    crc = zlib.crc32(inner)
    local = struct.pack("<IHHHHHIIIHH", 0x04034b50, 20, 0, 0, 0, 0x21, crc, len(inner), len(inner),
                        len(inner_name), 0) + inner_name + inner
    central = b""
    for i in range(copies):
        n = b"%d-%s" % (i, inner_name)
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014b50, 20, 20, 0, 0, 0, 0x21, crc,
                               len(inner), len(inner), len(n), 0, 0, 0, 0, 0, 0) + n
    end = struct.pack("<IHHHHIIH", 0x06054b50, 0, 0, copies, copies, len(central), len(local), 0)
    return local + central + end


def case_overlapping_zip(r):
    """Overlapping entries, nested: 200 names for one jar, four levels deep."""
    name = "zip with overlapping entries"
    data = zip_bytes([("META-INF/MANIFEST.MF", MANIFEST)])
    for _ in range(4):
        data = overlapping_zip(b"inner.jar", data, 200)
    spec = image(r, "overlap-zip", [Layer([E("dir", "app"), E("file", "app/overlap.jar", data=data)])])
    res, docs = r.scan(spec)
    r.bounded(name, res)
    r.stderr_ok(name, res)
    r.result(name, res, docs)


def case_thousand_layers(r):
    """A manifest that lists the same layer 1,000 times."""
    name = "the same layer listed 1000 times"
    d = r.new_dir("thousand")
    layer = it.build_layers([Layer([E("file", "x", data=b"x")])], os.path.join(d, "layers"))[0]
    with open(layer.blob, "rb") as f:
        blob = f.read()
    lay = it.OciLayout(os.path.join(d, "oci"))
    desc = lay.add_bytes(blob, it.MT_LAYER["gzip"])
    spec = oci(os.path.join(d, "oci"), [desc] * 1000, [layer.diff_id] * 1000)
    res, _ = r.scan(spec)
    r.bounded(name, res)
    r.stderr_ok(name, res)
    r.error(name, res, [os.path.join(d, "oci")])
    r.check(name + ": the message gives the cap", "512" in res.err, repr(res))


def case_corrupt_streams(r):
    """Truncated and corrupted gzip and zstd layers (with matching blob digests)."""
    d = r.new_dir("corrupt")
    entries = [E("dir", "data"), E("file", "data/blob", data=it.pattern(300000)),
               E("file", "data/text", data=b"hello\n" * 50000)]
    raw = it.build_layers([Layer(entries, compression="none")], os.path.join(d, "layers"))[0]
    with open(raw.tar, "rb") as f:
        tar = f.read()
    for comp, blob, mt in (("gzip", gz(tar), "gzip"), ("zstd", zstd(tar), "zstd")):
        mid = len(blob) // 2
        flipped = bytearray(blob)
        for k in range(mid, mid + 64):
            flipped[k] ^= 0x5a
        for kind, bad in (("truncated", blob[:mid]), ("corrupted", bytes(flipped)),
                          ("cut in its header", blob[:5])):
            name = "%s layer %s" % (comp, kind)
            spec = oci(os.path.join(d, "%s-%s" % (comp, kind.split()[0])), [bad], [raw.diff_id],
                       media_type=it.MT_LAYER[mt])
            res, _ = r.scan(spec)
            r.bounded(name, res)
            r.stderr_ok(name, res)
            r.error(name, res, ["blobs/sha256/" + sha256(bad)[7:]])


def case_deep_config(r):
    """A config JSON nested 100,000 deep."""
    name = "config nested 100000 deep"
    d = r.new_dir("deep-config")
    layer = it.build_layers([Layer([E("file", "x", data=b"x")])], os.path.join(d, "layers"))[0]
    with open(layer.blob, "rb") as f:
        blob = f.read()
    config = b'{"rootfs":{"type":"layers","diff_ids":["' + layer.diff_id.encode() + b'"]},"x":' + \
        b"[" * 100000 + b"]" * 100000 + b"}"
    spec = oci(os.path.join(d, "oci"), [blob], [layer.diff_id], config=config)
    res, docs = r.scan(spec)
    r.bounded(name, res)
    r.stderr_ok(name, res)
    if res.rc == 3:
        r.error(name, res, [sha256(config)[7:]])
    else:
        r.result(name, res, docs)


def case_long_line(r):
    """A 50 MB line in /var/lib/dpkg/status."""
    name = "a 50 MB line in the dpkg status"
    status = (b"Package: base\nStatus: install ok installed\nVersion: 1\nArchitecture: all\n"
              b"Description: " + b"a" * (50 << 20) + b"\n\n"
              b"Package: after\nStatus: install ok installed\nVersion: 2\nArchitecture: all\n\n")
    spec = image(r, "long-line", [Layer([E("dir", "var"), E("dir", "var/lib"), E("dir", "var/lib/dpkg"),
                                         E("file", "var/lib/dpkg/status", data=status)])])
    res, docs = r.scan(spec)
    r.bounded(name, res, MAX_SECS, 400 * SLACK)
    r.stderr_ok(name, res)
    r.result(name, res, docs)


def case_bad_utf8(r):
    """Names, versions and licenses that are not UTF-8, in every detector's metadata."""
    name = "invalid UTF-8 in names and licenses"
    status = (b"Package: bad\xff\xfename\nStatus: install ok installed\nVersion: 1.0\xc3\x28\n"
              b"Architecture: amd64\nMaintainer: J\xe9r\xf4me <x@example.org>\n"
              b"Description: \xed\xa0\x80 surrogate\n\n"
              b"Package: good\nStatus: install ok installed\nVersion: 1\nArchitecture: all\n"
              b"Source: src\xc0\xaf\n\n")
    copyright_ = (b"Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\n"
                  b"Files: *\nCopyright: 2020 \xa9 Someone\xff\nLicense: GPL-2+\xfe or MIT\xe9\n")
    apk = (b"C:Q1AAAAAAAAAAAAAAAAAAAAAAAAAAA=\nP:apk\xfe\xff\nV:1.0-r0\xc3\nA:x86_64\nL:MIT\xff AND \xc3\x28\n"
           b"T:desc \xf4\x90\x80\x80\no:orig\xe9\n\n")
    pkg_json = b'{"name":"npm\xffname","version":"1.0.0","license":"MIT\xfe"}'
    pkg_json2 = b'{"name":"npm-esc","version":"1.0.0","license":"\\udc80 \\ud800"}'
    metadata = (b"Metadata-Version: 2.1\nName: py\xffname\nVersion: 1.0\nLicense: BSD\xe9\n"
                b"Classifier: License :: OSI Approved :: MIT License\xff\n")
    osr = b"ID=deb\xffian\nVERSION_ID=1\xfe\nPRETTY_NAME=\"\xc3\x28\"\n"
    spec = image(r, "bad-utf8", [Layer([
        E("dir", "etc"), E("file", "etc/os-release", data=osr),
        E("dir", "var"), E("dir", "var/lib"), E("dir", "var/lib/dpkg"),
        E("file", "var/lib/dpkg/status", data=status),
        E("dir", "usr"), E("dir", "usr/share"), E("dir", "usr/share/doc"),
        E("dir", b"usr/share/doc/bad\xff\xfename"),
        E("file", b"usr/share/doc/bad\xff\xfename/copyright", data=copyright_),
        E("dir", "lib"), E("dir", "lib/apk"), E("dir", "lib/apk/db"),
        E("file", "lib/apk/db/installed", data=apk),
        E("dir", "app"), E("dir", "app/node_modules"), E("dir", b"app/node_modules/n\xff"),
        E("file", b"app/node_modules/n\xff/package.json", data=pkg_json),
        E("dir", "app/node_modules/esc"),
        E("file", "app/node_modules/esc/package.json", data=pkg_json2),
        E("dir", "usr/lib"), E("dir", "usr/lib/python3"), E("dir", b"usr/lib/python3/py\xff-1.0.dist-info"),
        E("file", b"usr/lib/python3/py\xff-1.0.dist-info/METADATA", data=metadata),
        E("file", b"app/LICENSE\xff", data=b"Permission is hereby granted \xff free of charge\n"),
    ])])
    res, docs = r.scan(spec)
    r.bounded(name, res)
    r.stderr_ok(name, res)
    r.result(name, res, docs)
    res, docs = r.scan(spec, "--files", "--scope", "all-layers")
    r.result(name + " (--files, all layers)", res, docs)


def case_lying_sizes(r):
    """A dpkg status whose sizes lie."""
    name = "dpkg status that lies about sizes"
    status = b""
    for i, size in enumerate([b"18446744073709551617", b"-1", b"1e999", b"0x10",
                              b"99999999999999999999999999999999", b"", b"12 34"]):
        status += (b"Package: p%d\nStatus: install ok installed\nVersion: 1\nArchitecture: all\n"
                   b"Installed-Size: %s\n\n" % (i, size))
    status += b"Package: cont\nStatus: install ok installed\nVersion: 1\n Installed-Size: 5\n\n"
    spec = image(r, "sizes", [Layer([
        E("dir", "var"), E("dir", "var/lib"), E("dir", "var/lib/dpkg"),
        E("file", "var/lib/dpkg/status", data=status), E("dir", "var/lib/dpkg/info"),
        E("file", "var/lib/dpkg/info/p0.list", data=b"/\n/usr\n" + b"/x" * 5000 + b"\n"),
    ])])
    res, docs = r.scan(spec)
    r.bounded(name, res)
    r.stderr_ok(name, res)
    r.result(name, res, docs)


def case_dir_specials(r):
    """dir: with FIFOs where the detectors read (opening one would block) and
    symbolic links out of the root."""
    name = "dir: with FIFOs and links out"
    root = r.new_dir("dir-specials")
    for d in ("etc", "var/lib/dpkg", "lib/apk/db", "app/node_modules/x"):
        os.makedirs(os.path.join(root, d))
    for f in ("etc/os-release", "var/lib/dpkg/status", "lib/apk/db/installed",
              "app/node_modules/x/package.json", "app/LICENSE"):
        os.mkfifo(os.path.join(root, f))
    os.symlink("/etc/passwd", os.path.join(root, "etc", "passwd"))
    os.symlink("/etc", os.path.join(root, "usr-etc"))
    os.symlink("../../../../../../../../etc/os-release", os.path.join(root, "os-release"))
    res, docs = r.scan("dir:" + root)
    r.bounded(name, res)
    r.stderr_ok(name, res)
    r.result(name, res, docs)


CASES = [case_gzip_bomb, case_zstd_bomb, case_million, case_traversal, case_symlink_loops,
         case_deep_jar, case_overlapping_zip, case_thousand_layers, case_corrupt_streams,
         case_deep_config, case_long_line, case_bad_utf8, case_lying_sizes, case_dir_specials]


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: test_hostile.py LAYERBOM [CASE...]")
    exe = os.path.abspath(sys.argv[1])
    only = sys.argv[2:]
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="lb-hostile-") as work:
        r = Runner(exe, work)
        for case in CASES:
            if only and case.__name__[5:] not in only:
                continue
            t = time.monotonic()
            try:
                case(r)
            except Exception as e:  # a case that cannot be built is a failure, not a crash
                r.check(case.__name__ + ": built and ran", False, repr(e))
            print("# %s: %.1f s" % (case.__name__[5:], time.monotonic() - t))
    print("# %.1f s" % (time.monotonic() - start))
    print("%d passed, %d failed" % (r.passed, r.failed))
    sys.exit(1 if r.failed else 0)


if __name__ == "__main__":
    main()
