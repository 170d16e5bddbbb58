#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Writes the seed corpora of the fuzz targets into tests/fuzz/corpus/.

Run on Debian 12 with the test tools of scripts/setup; the seeds take real
metadata from the packages installed there (README.md here says which) and
from the test data of this repository.  The committed corpus is what the
fuzzers start from; this script is how it was made.
"""

import gzip
import hashlib
import io
import json
import os
import re
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")
OUT = os.path.join(HERE, "corpus")
sys.path.insert(0, os.path.join(ROOT, "tests", "detectors"))
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))
import test_apk  # noqa: E402  (the Alpine blocks, from real packages' values)
import test_lang2  # noqa: E402  (Composer, .NET and Cargo values of real packages)


def read(path, limit=None):
    with open(path, "rb") as f:
        data = f.read()
    return data if limit is None else data[:limit]


def seed(target, name, data):
    if isinstance(data, str):
        data = data.encode()
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def rec(kind, path, content=b""):
    """One record of fuzz_records.h."""
    if isinstance(content, str):
        content = content.encode()
    if isinstance(path, str):
        path = path.encode()
    assert b"\n%%" not in content, path
    return b"%%" + kind.encode() + b" " + path + b"\n" + content


def records(*rs):
    return b"\n".join(rs)


def dpkg_paragraphs(names):
    """The paragraphs of the installed packages names, from this machine's status."""
    text = read("/var/lib/dpkg/status").decode()
    out = []
    for para in text.split("\n\n"):
        m = re.match(r"Package: (\S+)", para)
        if m and m.group(1) in names:
            out.append(para.strip("\n"))
    assert len(out) == len(names), names
    return "\n\n".join(out) + "\n"


def tar_bytes(members, fmt=tarfile.PAX_FORMAT):
    """members: (name, kind, data or link target)."""
    bio = io.BytesIO()
    with tarfile.open(fileobj=bio, mode="w", format=fmt) as t:
        for name, kind, data in members:
            ti = tarfile.TarInfo(name)
            ti.mtime = 0
            if kind == "dir":
                ti.type, ti.mode = tarfile.DIRTYPE, 0o755
                t.addfile(ti)
            elif kind == "symlink":
                ti.type, ti.linkname = tarfile.SYMTYPE, data
                t.addfile(ti)
            elif kind == "hardlink":
                ti.type, ti.linkname = tarfile.LNKTYPE, data
                t.addfile(ti)
            else:
                ti.size, ti.mode = len(data), 0o755 if kind == "exe" else 0o644
                t.addfile(ti, io.BytesIO(data))
    # tarfile pads to 10 KiB: keep the two end blocks only
    return _trim(bio.getvalue())


def _trim(data):
    end = len(data)
    while end >= 512 and data[end - 512:end] == b"\0" * 512:
        end -= 512
    return data[:end] + b"\0" * 1024


def zstd(data):
    return subprocess.run(["zstd", "-q", "-c", "-19"], input=data, stdout=subprocess.PIPE,
                          check=True).stdout


def gz(data):
    return gzip.compress(data, mtime=0)


def sha(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


def go_elf(buildinfo):
    """A small ELF64 executable holding a Go build ID note and the build
    info blob of a real Go binary in a .go.buildinfo section (and in a
    writable PT_LOAD segment)."""
    import struct
    note_desc = b"fuzzseed/buildid/0000000000000000\x00\x00\x00"
    note = struct.pack("<III", 4, len(note_desc), 4) + b"Go\x00\x00" + note_desc
    note_off = 64 + 2 * 56
    bi_off = (note_off + len(note) + 15) // 16 * 16
    shstr = b"\x00.note.go.buildid\x00.go.buildinfo\x00.shstrtab\x00"
    shstr_off = bi_off + len(buildinfo)
    sh_off = (shstr_off + len(shstr) + 7) // 8 * 8
    base = 0x400000
    hdr = b"\x7fELF" + bytes([2, 1, 1, 0]) + b"\x00" * 8
    hdr += struct.pack("<HHIQQQIHHHHHH", 2, 62, 1, base, 64, sh_off, 0, 64, 56, 2, 64, 4, 3)
    ph = struct.pack("<IIQQQQQQ", 4, 4, note_off, base + note_off, base + note_off, len(note),
                     len(note), 4)
    ph += struct.pack("<IIQQQQQQ", 1, 6, bi_off, base + bi_off, base + bi_off, len(buildinfo),
                      len(buildinfo), 16)
    body = hdr + ph + note
    body += b"\x00" * (bi_off - len(body)) + buildinfo + shstr
    body += b"\x00" * (sh_off - len(body))
    sh = b"\x00" * 64
    sh += struct.pack("<IIQQQQIIQQ", 1, 7, 2, base + note_off, note_off, len(note), 0, 0, 4, 0)
    sh += struct.pack("<IIQQQQIIQQ", 18, 1, 3, base + bi_off, bi_off, len(buildinfo), 0, 0, 16, 0)
    sh += struct.pack("<IIQQQQIIQQ", 32, 3, 0, 0, shstr_off, len(shstr), 0, 0, 1, 0)
    return body + sh


def dpkg_fields(para):
    """The fields of one status paragraph (continuation lines joined)."""
    out = {}
    key = None
    for line in para.split("\n"):
        if line.startswith((" ", "\t")) and key:
            out[key] += "\n" + line.strip()
        elif ":" in line:
            key, _, v = line.partition(":")
            out[key] = v.strip()
    return out


def html_lines(paras, copyrights, unowned):
    """A fuzz_html input: the model a scan makes of dpkg status paragraphs."""
    lines = ["debian:12", "debian-12.tar", "sha256:" + "0" * 64, "linux", "amd64", "0.1.0",
             "L", sha(b"layer0"), "/bin/sh -c #(nop) ADD file:1234 in /",
             "L", sha(b"layer1"), 'RUN apt-get install -y "<pkg>" && echo \'done\' >/dev/null']
    for i, para in enumerate(paras):
        f = dpkg_fields(para)
        lines += ["C1%d%d" % (1, i % 2), f["Package"], f["Version"],
                  "pkg:deb/debian/%s@%s?arch=%s&distro=debian-12" % (f["Package"], f["Version"],
                                                                      f["Architecture"]),
                  copyrights.get(f["Package"], ("", ""))[0], ""]
        lines += ["E0", "/var/lib/dpkg/status", "Package", ""]
        lines += ["E3", "", "", f["Description"].split("\n")[0]]
        for c in copyrights.get(f["Package"], ("", []))[1]:
            lines.append("R" + c)
    for path, expr in unowned:
        lines += ["U0", path, expr]
    return "\n".join(lines) + "\n"


def copyright_statements(path):
    """The "Copyright" lines of a file (what the copyright extractor looks at)."""
    return [line.strip() for line in read(path).decode("utf-8", "replace").split("\n")
            if re.search(r"(?i)copyright|\(c\)|\u00a9", line) and re.search(r"\d{4}", line)]


def cache_records(layerbom, layers):
    """Payloads of the per-layer cache: layerbom scans a docker-archive of
    the layers with --cache, and the records come out of its database."""
    with tempfile.TemporaryDirectory() as tmp:
        cfg = json.dumps({"architecture": "amd64", "os": "linux",
                          "rootfs": {"type": "layers", "diff_ids": [sha(raw) for _, raw in layers]},
                          "history": [{"created_by": "fuzz seed"} for _ in layers]}).encode()
        members = [("config.json", "file", cfg),
                   ("manifest.json", "file", json.dumps([{
                       "Config": "config.json", "RepoTags": ["seed:1"],
                       "Layers": ["l%d.tar" % i for i in range(len(layers))]}]).encode())]
        members += [("l%d.tar" % i, "file", blob) for i, (blob, _) in enumerate(layers)]
        image = os.path.join(tmp, "image.tar")
        with open(image, "wb") as f:
            f.write(tar_bytes(members))
        subprocess.run([layerbom, "scan", "-q", "--cache", os.path.join(tmp, "cache"), "-o",
                        "spdx-json=" + os.devnull, "docker-archive:" + image], check=True)
        db = sqlite3.connect(os.path.join(tmp, "cache", "layers.sqlite"))
        out = [bytes(r[0]) for r in db.execute("SELECT payload FROM layers ORDER BY size")]
        db.close()
    return out


def main():
    os_release = read("/etc/os-release")
    status = dpkg_paragraphs(["base-files", "zlib1g", "tzdata"])
    copyright_ = read("/usr/share/doc/zlib1g/copyright")
    listfile = read("/var/lib/dpkg/info/base-files.list")
    apk = "\n".join(test_apk.block(p) for p in test_apk.ALPINE_3_19)
    rpm = read(os.path.join(ROOT, "tests/data/rpm/fixtures/dive-bdb/Packages"))
    metadata = read("/usr/lib/python3/dist-packages/distro-1.8.0.dist-info/METADATA")
    # the registry's ms 2.1.3 package.json (name, version, license, ...)
    package_json = json.dumps({
        "name": "ms", "version": "2.1.3", "description": "Tiny millisecond conversion utility",
        "repository": "vercel/ms", "main": "./index", "license": "MIT",
        "files": ["index.js"]}, indent=2)
    jar = read("/usr/share/java/atinject-jsr330-api-1.0.jar")
    goinfo = subprocess.run(["objcopy", "-O", "binary", "--only-section=.go.buildinfo",
                             "/usr/bin/kubectl", "/dev/stdout"], stdout=subprocess.PIPE,
                            check=True).stdout
    apache = read("/usr/share/common-licenses/Apache-2.0")

    # --- scan: one seed per detector, and layered ones
    seed("scan", "os-release", records(rec("f", "etc/os-release", os_release)))
    seed("scan", "dpkg", records(rec("d", "var/lib/dpkg"),
                                 rec("f", "var/lib/dpkg/status", status),
                                 rec("f", "var/lib/dpkg/info/base-files.list", listfile),
                                 rec("f", "usr/share/doc/zlib1g/copyright", copyright_)))
    seed("scan", "dpkg-distroless", records(
        rec("f", "var/lib/dpkg/status.d/zlib1g", dpkg_paragraphs(["zlib1g"])),
        rec("f", "var/lib/dpkg/status.d/zlib1g.md5sums",
            "0123456789abcdef0123456789abcdef  usr/lib/x86_64-linux-gnu/libz.so.1.2.13\n")))
    seed("scan", "apk", records(rec("f", "lib/apk/db/installed", apk),
                                rec("f", "etc/os-release", "ID=alpine\nVERSION_ID=3.19.0\n")))
    seed("scan", "rpm", records(rec("f", "var/lib/rpm/Packages", rpm)))
    seed("scan", "npm", records(rec("f", "usr/lib/node_modules/ms/package.json", package_json),
                                rec("f", "app/node_modules/ms/package.json", package_json)))
    seed("scan", "python", records(
        rec("f", "usr/lib/python3/dist-packages/distro-1.8.0.dist-info/METADATA", metadata),
        rec("f", "usr/lib/python3/dist-packages/distro-1.8.0.dist-info/top_level.txt", "distro\n")))
    seed("scan", "java", records(rec("f", "usr/share/java/atinject-jsr330-api-1.0.jar", jar)))
    nested = io.BytesIO()
    with zipfile.ZipFile(nested, "w", zipfile.ZIP_STORED) as z:
        z.writestr(zipfile.ZipInfo("META-INF/MANIFEST.MF", (1980, 1, 1, 0, 0, 0)),
                   "Manifest-Version: 1.0\r\nImplementation-Title: outer\r\n"
                   "Implementation-Version: 1.0\r\n\r\n")
        z.writestr(zipfile.ZipInfo("lib/atinject-jsr330-api-1.0.jar", (1980, 1, 1, 0, 0, 0)), jar)
    seed("scan", "java-nested", records(rec("f", "app/app.war", nested.getvalue())))
    seed("scan", "java-maven", records(
        rec("f", "usr/share/java/slf4j-nop.jar", read("/usr/share/java/slf4j-nop.jar"))))
    egg = "/usr/lib/python3/dist-packages/oauthlib-3.2.2.egg-info/"
    seed("scan", "python-egg", records(
        rec("f", egg[1:] + "PKG-INFO", read(egg + "PKG-INFO")),
        rec("f", egg[1:] + "requires.txt", read(egg + "requires.txt")),
        rec("f", egg[1:] + "top_level.txt", read(egg + "top_level.txt")),
        rec("f", "usr/lib/python3/dist-packages/distro-1.8.0.dist-info/RECORD",
            read("/usr/lib/python3/dist-packages/distro-1.8.0.dist-info/RECORD")),
        rec("f", "usr/lib/python3/dist-packages/distro-1.8.0.dist-info/METADATA", metadata[:1500])))
    seed("scan", "php", records(
        rec("f", "srv/app/vendor/composer/installed.json", json.dumps(test_lang2.COMPOSER2, indent=1)),
        rec("f", "srv/legacy/vendor/composer/installed.json", json.dumps(test_lang2.COMPOSER1))))
    seed("scan", "dotnet", records(
        rec("f", "app/webapp/WebApp.deps.json",
            json.dumps(test_lang2.deps_json("WebApp", test_lang2.WEBAPP_PKGS))),
        rec("f", "app/worker/Worker.deps.json",
            json.dumps(test_lang2.deps_json("Worker", test_lang2.WORKER_PKGS,
                                            ("Microsoft.NETCore.App.Runtime.linux-x64", "8.0.0"))))))
    seed("scan", "rust", records(
        rec("f", "src/rg/Cargo.lock", test_lang2.cargo_lock(test_lang2.RG_LOCK_PKGS)),
        rec("f", "src/other/Cargo.lock", test_lang2.cargo_lock(test_lang2.OTHER_LOCK_PKGS, 1))))
    spec = "/usr/share/rubygems-integration/all/specifications/dotenv-2.4.0.gemspec"
    seed("scan", "ruby", records(rec("f", spec[1:], read(spec)),
                                 rec("f", "var/lib/gems/3.1.0/specifications/variant-1.0.gemspec",
                                     test_lang2.SPEC_VARIANT)))
    seed("scan", "golang", records(rec("g", "usr/local/bin/kubectl", go_elf(goinfo))))
    seed("scan", "licfiles", records(rec("f", "opt/app/LICENSE", read("/usr/share/common-licenses/BSD"))))
    seed("scan", "layers", records(
        rec("f", "var/lib/dpkg/status", status),
        rec("f", "etc/os-release", os_release),
        rec("l", "usr/lib/os-release", "../../etc/os-release"),
        rec("f", "app/node_modules/ms/package.json", package_json),
        rec("L", ""),
        rec("f", "app/node_modules/.wh.ms"),
        rec("f", "var/lib/dpkg/status", dpkg_paragraphs(["base-files"])),
        rec("f", "etc/.wh..wh..opq"),
        rec("h", "etc/os-release2", "usr/lib/os-release"),
        rec("L", ""),
        rec("f", "lib/apk/db/installed", apk)))

    # --- image: outer archives described as records
    layer = tar_bytes([("etc/", "dir", b""), ("etc/os-release", "file", os_release)])
    cfg = json.dumps({"architecture": "amd64", "os": "linux",
                      "rootfs": {"type": "layers", "diff_ids": [sha(layer)]},
                      "history": [{"created_by": "COPY os-release /etc/"}]}).encode()
    seed("image", "docker-manifest", records(
        rec("f", "manifest.json", json.dumps([{"Config": "config.json", "RepoTags": ["fuzz:latest"],
                                               "Layers": ["layer/layer.tar"]}])),
        rec("f", "config.json", cfg), rec("f", "layer/layer.tar", layer)))
    v1 = "a" * 64
    seed("image", "docker-legacy", records(
        rec("f", "repositories", json.dumps({"fuzz": {"latest": v1}})),
        rec("f", v1 + "/json", json.dumps({"id": v1, "os": "linux", "architecture": "amd64",
                                           "container_config": {"Cmd": ["/bin/sh", "-c", "true"]}})),
        rec("f", v1 + "/VERSION", "1.0"), rec("f", v1 + "/layer.tar", layer)))
    man = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                      "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                                 "digest": sha(cfg), "size": len(cfg)},
                      "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar",
                                  "digest": sha(layer), "size": len(layer)}]}).encode()
    index = json.dumps({"schemaVersion": 2, "manifests": [
        {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": sha(man),
         "size": len(man), "platform": {"os": "linux", "architecture": "amd64"},
         "annotations": {"org.opencontainers.image.ref.name": "fuzz"}}]})
    blobs = [rec("f", "blobs/sha256/" + sha(b)[7:], b) for b in (cfg, man, layer)]
    seed("image", "oci-archive", records(rec("f", "oci-layout", '{"imageLayoutVersion":"1.0.0"}'),
                                         rec("f", "index.json", index), *blobs))
    seed("image", "docker-hybrid", records(
        rec("f", "oci-layout", '{"imageLayoutVersion":"1.0.0"}'), rec("f", "index.json", index),
        rec("f", "manifest.json", json.dumps([{"Config": "blobs/sha256/" + sha(cfg)[7:],
                                               "RepoTags": ["fuzz:latest"],
                                               "Layers": ["blobs/sha256/" + sha(layer)[7:]]}])),
        *blobs))

    # --- layer: raw layer blobs
    members = [("etc/", "dir", b""), ("etc/os-release", "file", os_release),
               ("var/lib/dpkg/status", "file", dpkg_paragraphs(["base-files"]).encode()),
               ("usr/lib/os-release", "symlink", "../../etc/os-release"),
               ("etc/hard", "hardlink", "etc/os-release"),
               ("app/node_modules/.wh.old", "file", b""), ("opt/.wh..wh..opq", "file", b""),
               ("a/" + "long-name/" * 20 + "package.json", "file", package_json.encode())]
    plain = tar_bytes(members)
    seed("layer", "pax.tar", plain)
    seed("layer", "gnu.tar", tar_bytes(members, tarfile.GNU_FORMAT))
    seed("layer", "pax.tar.gz", gz(plain))
    seed("layer", "pax.tar.zst", zstd(plain))

    # --- tarindex: outer archives
    outer = tar_bytes([("manifest.json", "file", b"[]"), ("blobs/", "dir", b""),
                       ("blobs/sha256/" + "b" * 64, "file", b"x" * 700),
                       ("./index.json", "file", b"{}"), ("l", "symlink", "index.json")])
    seed("tarindex", "ustar.tar", tar_bytes([("manifest.json", "file", b"[]")], tarfile.USTAR_FORMAT))
    seed("tarindex", "pax.tar", outer)
    seed("tarindex", "gnu.tar", tar_bytes([("x" * 150 + "/layer.tar", "file", b"data")],
                                          tarfile.GNU_FORMAT))
    seed("tarindex", "pax.tar.gz", gz(outer))

    # --- stream: compressed and plain bytes
    text = os_release * 4
    seed("stream", "plain", text)
    seed("stream", "gzip", gz(text))
    seed("stream", "gzip-members", gz(text[:100]) + gz(text[100:]))
    seed("stream", "zstd", zstd(text))
    seed("stream", "zstd-frames", zstd(text[:100]) + b"\x50\x2a\x4d\x18\x04\x00\x00\x00skip"
         + zstd(text[100:]))

    # --- licmatch: license texts and notices
    seed("licmatch", "apache-2.0", apache)
    seed("licmatch", "zlib-copyright", copyright_)
    seed("licmatch", "gpl-notice",
         "This program is free software; you can redistribute it and/or modify\n"
         "it under the terms of the GNU General Public License as published by\n"
         "the Free Software Foundation; either version 2 of the License, or\n"
         "(at your option) any later version.\n")
    seed("licmatch", "spdx-tag", "/* SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note */\n")
    seed("licmatch", "metadata", metadata[:3000])

    # --- spdx: expressions in every dialect
    for i, e in enumerate(["MIT", "(MIT OR Apache-2.0) AND BSD-3-Clause",
                           "GPL-2.0-or-later WITH Classpath-exception-2.0",
                           "LicenseRef-foo AND DocumentRef-x:LicenseRef-y", "GPL2+",
                           "MIT BSD GPL2+", "Apache License 2.0", "GPL-2+ | LGPL-2.1",
                           "mit/x11", "(GPL-2.0+ OR MPL-1.1) AND (MIT)"]):
        seed("spdx", "expr%d" % i, e)

    # --- rpmdb: kind byte, then the database
    seed("rpmdb", "bdb-dive", b"\x00" + rpm)

    # --- copyright: license files and source headers
    seed("copyright", "zlib-copyright", copyright_)
    seed("copyright", "zlib-h", read("/usr/include/zlib.h", 1500))
    seed("copyright", "archive-h", read("/usr/include/archive.h", 1600))
    seed("copyright", "libarchive-copyright", read("/usr/share/doc/libarchive13/copyright", 4000))
    seed("copyright", "base-files-copyright", read("/usr/share/doc/base-files/copyright"))

    # --- html: the models of the dpkg seed, and license files no one owns
    paras = status.split("\n\n")
    stmts = {"zlib1g": ("Zlib", copyright_statements("/usr/share/doc/zlib1g/copyright")),
             "base-files": ("GPL-2+", copyright_statements("/usr/share/doc/base-files/copyright")),
             "tzdata": ("public-domain", [])}
    seed("html", "dpkg", html_lines(paras, stmts, [("/opt/app/LICENSE", "BSD-3-Clause")]))
    seed("html", "libarchive", html_lines(
        [dpkg_paragraphs(["libarchive13"])],
        {"libarchive13": ("BSD-2-clause", copyright_statements("/usr/share/doc/libarchive13/copyright")[:8])},
        []))

    # --- cache: records layerbom wrote for the layer seeds and a layer of
    # executables (streamed detectors' summaries, a hard link to one); needs
    # a build: LAYERBOM=build/cmd/layerbom
    layerbom = os.environ.get("LAYERBOM")
    if layerbom:
        exe = tar_bytes([("usr/bin/bash", "exe", read("/usr/bin/bash")),
                         ("bin/bash", "hardlink", "usr/bin/bash"),
                         ("usr/lib/x86_64-linux-gnu/libcrypto.so.3", "file",
                          read("/usr/lib/x86_64-linux-gnu/libcrypto.so.3"))])
        recs = cache_records(layerbom, [(plain, plain), (gz(plain), plain),
                                        (tar_bytes(members, tarfile.GNU_FORMAT),
                                         tar_bytes(members, tarfile.GNU_FORMAT)),
                                        (zstd(layer), layer), (exe, exe)])
        for i, r in enumerate(recs):
            seed("cache", "record%d" % i, r)
    else:
        print("make-corpus.py: no LAYERBOM: the cache seeds are not written", file=sys.stderr)


if __name__ == "__main__":
    main()
