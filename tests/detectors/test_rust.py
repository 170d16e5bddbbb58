#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Proves the rust detector on cargo-auditable data (.dep-v0) in executables.

Usage: test_rust.py DUMP_MODEL CACHE_DIR

No Debian 12 package is built with cargo-auditable (Debian 12 has no
cargo-auditable package, and its ripgrep and fd-find binaries have no
.dep-v0 section: checked below with readelf), so the executables are built
here: small C programs (gcc) linked with an object file that holds a
section .dep-v0 with sh_flags 0, the way cargo-auditable hands its data to
the linker, holding zlib-compressed JSON in cargo-auditable's format
(auditable-serde: compact JSON, "packages" with name, version, source,
kind, dependencies, root).  The crates are real: those Debian's ripgrep
13.0.0 and fd-find 8.6.0 were built with, from the X-Cargo-Built-Using
fields of the .deb files downloaded here (rust-NAME (= VERSION-REV)).

What goes into the image, layer by layer (umoci, as docker build would):
 1. Debian's real rg (no .dep-v0: nothing may come of it); rg-auditable:
    the ripgrep crates in the current format (root true); a Cargo.lock
    with two of them; a shared library (mode 0644) with .dep-v0.
 2. fd-auditable: the fd-find crates in the older format (no "root": the
    root is the crate nothing depends on), root from "local", two build
    dependencies (one that rg uses at run time); a copy of rg-auditable;
    tiny: a static program whose .dep-v0 starts 40 bytes before 4096, where
    the walker always cuts (the first 4 KiB go to the sniff first); carry:
    the same with the zlib header's first byte the last of the head; six
    damaged binaries: truncated zlib data, JSON that is not JSON, JSON
    nested 200 deep; one whose 9 kB of zlib data inflate to 9 MiB; JSON
    not compressed; zlib-compressed cargo-auditable JSON in the program's
    read-only data before a real .dep-v0 (the section headers at the end
    say it is not the section); embedded: such data and no .dep-v0
    section at all (a program carrying another one's audit data: nothing
    to report).
 3. rm fd-auditable.

A second image has one uncompressed layer (GNU tar, tests/lib/imagetool)
holding straddle, the ripgrep crates again, whose .dep-v0 starts 16 bytes
before layer offset 262144: the walker reads an uncompressed layer 256 KiB
at a time, so the zlib stream is cut there (the offsets are checked with
readelf and Python's tarfile).

The expected components come from the files: `objcopy --dump-section
.dep-v0` and Python's zlib and json read each binary.  Debian downloads
are kept in CACHE_DIR.  Prints one line per check and ends with
"N passed, N failed".
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import test_lang  # noqa: E402  (Runner, Image, model)
import imagetool as it  # noqa: E402
import debs  # noqa: E402

DEBS = ["ripgrep", "fd-find"]

# pad (read-only) makes the file large enough to be read; wpad (writable
# data, right before the unloaded sections) moves .dep-v0 byte by byte: the
# linker starts the writable segment on a new page.
C_MAIN = """#include <stdio.h>
static const unsigned char pad[65536] = { 1 };
static unsigned char wpad[PAD] = { 1 };
int main(int argc, char **argv)
{
	(void)argv;
	wpad[0] = (unsigned char)argc;
	printf("%d %d\\n", pad[argc % 65536], wpad[argc % PAD]);
	return 0;
}
"""

# No libc: the whole program fits in the first 4 KiB, so .dep-v0 can be
# placed across offset 4096.
C_TINY = """static const unsigned char pad[PAD] = { 1 };
void _start(void)
{
	__asm__ volatile("mov $60, %%eax\\n\\tmovzbl %0, %%edi\\n\\tsyscall" : : "m"(pad[PAD - 1]) : "rax", "rdi");
	for (;;)
		;
}
"""


run = debs.run


def fetch_debs(cache, names):
    return debs.fetch_debs(os.path.join(cache, "debs-rust"), names)


def built_using(deb):
    """[(crate, version)] of a Debian Rust package's X-Cargo-Built-Using.

    rust-clap-2 is the source package of clap 2.x: the semver suffix goes."""
    field = run("dpkg-deb", "-f", deb, "X-Cargo-Built-Using").stdout.decode()
    out = []
    for m in re.finditer(r"rust-([a-z0-9-]+?)(?:-\d+)? \(= ([0-9][^-+~)\s]*)[^)]*\)", field):
        out.append((m.group(1), m.group(2)))
    return out


def auditable_json(root, crates, old=False, build=()):
    """cargo-auditable's JSON: the root crate first, depending on all others."""
    pkgs = [{"name": root[0], "version": root[1], "source": root[2],
             "dependencies": list(range(1, len(crates) + 1))}]
    if not old:
        pkgs[0]["root"] = True
    for name, version in crates:
        p = {"name": name, "version": version, "source": "crates.io"}
        if name in build:
            p["kind"] = "build"
        pkgs.append(p)
    return json.dumps({"packages": pkgs}, separators=(",", ":")).encode()


def section(path, name=".dep-v0"):
    """(offset, size, flags) of a section, as readelf reads it, or None."""
    out = run("readelf", "-SW", path).stdout.decode()
    for line in out.splitlines():
        if not re.match(r"\s*\[\s*\d+\]", line):
            continue
        # Name Type Address Off Size ES [Flg] Lk Inf Al
        f = line.split("]", 1)[1].split()
        if f[0] == name:
            return int(f[3], 16), int(f[4], 16), f[6] if len(f) == 10 else ""
    return None


def dep_object(work, data, name):
    """An object file holding `data` as section .dep-v0 with sh_flags 0."""
    raw, obj = os.path.join(work, name + ".z"), os.path.join(work, name + ".o")
    with open(raw, "wb") as f:
        f.write(data)
    run("objcopy", "-I", "binary", "-O", "elf64-x86-64", "-B", "i386:x86-64",
        "--rename-section", ".data=.dep-v0,contents,readonly", raw, obj)
    return obj


def build_embedded(work, name, blob, data=None):
    """A program holding blob in its read-only data (a byte array), and
    .dep-v0 holding data when given."""
    src = os.path.join(work, name + ".c")
    with open(src, "w") as f:
        f.write("static const unsigned char pad[65536] = { 1 };\n"
                "static const unsigned char blob[] = { %s };\n"
                "int main(int argc, char **argv) { (void)argv; return pad[argc] + blob[argc]; }\n"
                % ", ".join(str(b) for b in blob))
    out = os.path.join(work, name)
    objs = [dep_object(work, data, name)] if data is not None else []
    run("gcc", "-O2", "-Wl,-z,noexecstack", "-o", out, src, *objs)
    return out


def build_shared(work, name, data):
    """A shared library (gcc -shared) whose .dep-v0 holds data."""
    src = os.path.join(work, name + ".so.c")
    with open(src, "w") as f:
        f.write("static const unsigned char pad[65536] = { 1 };\n"
                "int lbtest_pad(int i) { return pad[i & 0xffff]; }\n")
    out = os.path.join(work, name)
    run("gcc", "-O2", "-shared", "-fPIC", "-Wl,-z,noexecstack", "-o", out, src, dep_object(work, data, name))
    return out


def lock_file(crates):
    """A Cargo.lock (version 3) as Cargo writes it, crates from crates.io."""
    out = ["# This file is automatically @generated by Cargo.", "# It is not intended for manual editing.",
           "version = 3", ""]
    for name, version in crates:
        out += ["[[package]]", 'name = "%s"' % name, 'version = "%s"' % version,
                'source = "registry+https://github.com/rust-lang/crates.io-index"', ""]
    return "\n".join(out)


def build(work, name, data, pad=1, at=None, tiny=False):
    """Builds a program whose .dep-v0 holds data; with `at`, the section is
    moved to that file offset by resizing the padding array."""
    src = os.path.join(work, name + (".tiny.c" if tiny else ".c"))
    with open(src, "w") as f:
        f.write(C_TINY if tiny else C_MAIN)
    obj, out = dep_object(work, data, name), os.path.join(work, name)
    flags = (["-Os", "-fno-asynchronous-unwind-tables", "-nostdlib", "-static", "-Wl,-N", "-Wl,--no-warn-rwx-segments"]
             if tiny else ["-O2"])
    for _ in range(4):
        run("gcc", *flags, "-Wl,-z,noexecstack", "-DPAD=%d" % pad, "-o", out, src, obj)
        off = section(out)[0]
        if at is None or off == at:
            break
        pad += at - off
    return out


def dump(path):
    return subprocess.run(["objcopy", "--dump-section", ".dep-v0=/dev/stdout", path],
                          check=True, stdout=subprocess.PIPE).stdout


def expected(path):
    """{(name, version): (type, purl, kind)} from the binary's own section."""
    doc = json.loads(zlib.decompress(dump(path)))
    pkgs = doc["packages"]
    root = [i for i, p in enumerate(pkgs) if p.get("root")]
    if not root:                                  # the older format
        used = {d for p in pkgs for d in p.get("dependencies", [])}
        root = [i for i, p in enumerate(pkgs) if i not in used and p.get("kind", "runtime") == "runtime"]
    out = {}
    for i, p in enumerate(pkgs):
        purl = None if p["source"] == "local" else "pkg:cargo/%s@%s" % (p["name"], p["version"])
        out[(p["name"], p["version"])] = ("application" if [i] == root else "library", purl,
                                          p.get("kind", "runtime"))
    return out


def metadata_paths(c):
    return sorted(e["path"] for e in c["evidence"] if e["kind"] in ("metadata", "binary"))


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: test_rust.py DUMP_MODEL CACHE_DIR")
    exe, cache = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    r = test_lang.Runner()
    debs = fetch_debs(cache, DEBS)
    work = tempfile.mkdtemp(prefix="lb-rust-")
    try:
        x = os.path.join(work, "x")
        for d in DEBS:
            run("dpkg-deb", "-x", debs[d], x)
        for b in ("usr/bin/rg", "usr/bin/fdfind"):
            r.check("Debian 12's %s has no .dep-v0 section (readelf)" % os.path.basename(b),
                    section(os.path.join(x, b)) is None)
        rg_crates = built_using(debs["ripgrep"])
        fd_crates = built_using(debs["fd-find"])
        r.check("X-Cargo-Built-Using of ripgrep and fd-find name crates (%d, %d)" % (len(rg_crates), len(fd_crates)),
                len(rg_crates) > 20 and len(fd_crates) > 20, (rg_crates, fd_crates))
        rg_names = {n for n, _ in rg_crates}
        fd_only = sorted(n for n, _ in fd_crates if n not in rg_names)
        shared = sorted(n for n, _ in fd_crates if n in rg_names and dict(rg_crates)[n] == dict(fd_crates)[n])
        build_deps = (fd_only[0], shared[0])     # build-only in fd; shared[0] rg links at run time
        rg_ver = run("dpkg-deb", "-f", debs["ripgrep"], "Version").stdout.decode().strip().split("-")[0]
        fd_ver = run("dpkg-deb", "-f", debs["fd-find"], "Version").stdout.decode().strip().split("-")[0]

        rg_json = auditable_json(("ripgrep", rg_ver, "crates.io"), rg_crates)
        fd_json = auditable_json(("fd-find", fd_ver, "local"), fd_crates, old=True, build=build_deps)
        rg = build(work, "rg-auditable", zlib.compress(rg_json, 7))
        # GNU tar, one member: its data starts after one 512-byte header
        st_json = auditable_json(("lbtest-straddle", "0.3.0", "local"), rg_crates)
        straddle = build(work, "straddle", zlib.compress(st_json, 7), pad=150000, at=262144 - 16 - 512)
        fd = build(work, "fd-auditable", zlib.compress(fd_json, 7))
        tiny_json = auditable_json(("lbtest-tiny", "0.1.0", "local"),
                                   rg_crates[:5] + [c for c in rg_crates if c[0] == "memchr"])
        tiny = build(work, "tiny", zlib.compress(tiny_json, 7), pad=3000, at=4096 - 40, tiny=True)
        # its zlib header's first byte the last of the 4 KiB head
        carry_json = auditable_json(("lbtest-carry", "0.2.0", "local"), rg_crates[5:9])
        carry = build(work, "carry", zlib.compress(carry_json, 7), pad=3000, at=4096 - 1, tiny=True)
        # past the minimum size of a binary worth streaming, after the section
        with open(os.path.join(work, "filler"), "wb") as f:
            f.write(os.urandom(48 << 10))
        for t in (tiny, carry):
            run("objcopy", "--add-section", ".lbfiller=" + os.path.join(work, "filler"), t)
        deep = b'{"packages":' + b"[" * 200 + b"]" * 200 + b"}"
        whole = zlib.compress(rg_json, 7)
        bad = {"truncated": build(work, "truncated", whole[:len(whole) // 2]),
               "badjson": build(work, "badjson", zlib.compress(b'{"packages":[{"name":"memchr",' + b"\x00" * 40)),
               "deep": build(work, "deep", zlib.compress(deep)),
               "bomb": build(work, "bomb", zlib.compress(b'{"packages":[' + b" " * (9 << 20) + b"]}", 9)),
               "notzlib": build(work, "notzlib", tiny_json),
               "elsewhere": build_embedded(work, "elsewhere", zlib.compress(tiny_json, 7), zlib.compress(rg_json, 7))}
        embedded = build_embedded(work, "embedded", zlib.compress(rg_json, 7))
        so_json = auditable_json(("lbtest-cdylib", "0.4.0", "local"), rg_crates[10:14])
        so = build_shared(work, "libaudited.so", zlib.compress(so_json, 7))
        want_so = expected(so)

        s = section(rg)
        r.check("rg-auditable: .dep-v0 not loaded (sh_flags 0), as cargo-auditable writes it", s and s[2] == "", s)
        s = section(tiny)
        r.check("tiny: .dep-v0 at %d..%d, across 4096, file of %d bytes" % (s[0], s[0] + s[1], os.path.getsize(tiny)),
                s[0] < 4096 < s[0] + s[1] and os.path.getsize(tiny) > 32768, s)
        s = section(carry)
        r.check("carry: .dep-v0 at %d, the last byte of the head" % s[0], s[0] == 4095, s)
        want_rg, want_fd, want_tiny, want_carry = expected(rg), expected(fd), expected(tiny), expected(carry)
        want_st = expected(straddle)

        img = test_lang.Image(work, "rust")

        def l1(root):
            os.makedirs(os.path.join(root, "usr/bin"), exist_ok=True)
            os.makedirs(os.path.join(root, "usr/local/bin"), exist_ok=True)
            shutil.copy2(os.path.join(x, "usr/bin/rg"), os.path.join(root, "usr/bin/rg"))
            shutil.copy2(rg, os.path.join(root, "usr/local/bin/rg-auditable"))
            os.makedirs(os.path.join(root, "src/rg"), exist_ok=True)
            with open(os.path.join(root, "src/rg/Cargo.lock"), "w") as f:
                f.write(lock_file([c for c in rg_crates if c[0] in ("regex", "walkdir")]))
            os.makedirs(os.path.join(root, "usr/local/lib"), exist_ok=True)
            shutil.copy2(so, os.path.join(root, "usr/local/lib/libaudited.so.1"))
            os.chmod(os.path.join(root, "usr/local/lib/libaudited.so.1"), 0o644)

        def l2(root):
            for d in ("opt/fd", "srv/copy", "srv/bad"):
                os.makedirs(os.path.join(root, d), exist_ok=True)
            shutil.copy2(fd, os.path.join(root, "opt/fd/fd-auditable"))
            shutil.copy2(rg, os.path.join(root, "srv/copy/rg-auditable"))
            shutil.copy2(tiny, os.path.join(root, "usr/local/bin/tiny"))
            shutil.copy2(carry, os.path.join(root, "usr/local/bin/carry"))
            for k, p in bad.items():
                shutil.copy2(p, os.path.join(root, "srv/bad", k))
            shutil.copy2(embedded, os.path.join(root, "srv/copy/embedded"))

        def l3(root):
            os.unlink(os.path.join(root, "opt/fd/fd-auditable"))

        img.layer("COPY rg rg-auditable", l1)
        img.layer("COPY fd-auditable tiny and others", l2)
        img.layer("rm /opt/fd/fd-auditable", l3)
        m = test_lang.model(exe, img.spec())
        ma = test_lang.model(exe, img.spec(), "--all-layers")

        rs = [c for c in m["components"] if c["found_by"] == "rust"]
        by = {(c["name"], c["version"]): c for c in rs}

        def got(comps, path):
            return {(c["name"], c["version"]): (c["type"], c["purl"], c["props"].get("cargo:kind"))
                    for c in comps if c["found_by"] == "rust" and path in metadata_paths(c)}

        r.check("one component per crate version (%d)" % len(rs), len(by) == len(rs),
                sorted(k for k in by if sum(1 for c in rs if (c["name"], c["version"]) == k) > 1))
        twice = [(c["name"], p) for c in rs for p in set(metadata_paths(c)) if metadata_paths(c).count(p) > 1]
        r.check("no evidence entry twice", not twice, twice[:5])
        r.check("Debian's rg (no .dep-v0) yields nothing",
                not [c for c in rs if "/usr/bin/rg" in metadata_paths(c)])
        g = got(m["components"], "/usr/local/bin/rg-auditable")
        r.check("rg-auditable: the crates its section holds (%d)" % len(want_rg),
                g == want_rg, (sorted(set(g.items()) ^ set(want_rg.items())))[:10])
        g = got(m["components"], "/usr/local/bin/tiny")
        r.check("tiny (.dep-v0 across the 4 KiB head): the crates its section holds (%d)" % len(want_tiny),
                g == want_tiny, (sorted(set(g.items()) ^ set(want_tiny.items())))[:10])
        g = got(m["components"], "/usr/local/bin/carry")
        r.check("carry (zlib header split after its first byte): the crates its section holds (%d)" % len(want_carry),
                g == want_carry, (sorted(set(g.items()) ^ set(want_carry.items())))[:10])
        g = got(m["components"], "/usr/local/lib/libaudited.so.1")
        r.check("a shared library (mode 0644) with .dep-v0: the crates its section holds (%d)" % len(want_so),
                g == want_so, (sorted(set(g.items()) ^ set(want_so.items())))[:10])
        rx = by.get(("regex", dict(rg_crates)["regex"]), {})
        r.check("regex of a Cargo.lock and of rg-auditable: one component, both files as evidence",
                metadata_paths(rx) == ["/src/rg/Cargo.lock", "/srv/copy/rg-auditable", "/usr/local/bin/rg-auditable"],
                rx)
        app = by.get(("ripgrep", rg_ver), {})
        r.check("the root crate is the application pkg:cargo/ripgrep@%s, owning both copies" % rg_ver,
                app.get("type") == "application" and app.get("purl") == "pkg:cargo/ripgrep@" + rg_ver and
                sorted(app.get("files", [])) == ["/srv/copy/rg-auditable", "/usr/local/bin/rg-auditable"], app)
        r.check("the binary is evidence, not a component",
                not [c for c in m["components"] if c["name"] in ("rg-auditable", "tiny", "carry", "fd-auditable")])
        memchr = [c for c in rs if c["name"] == "memchr"]
        r.check("memchr in rg-auditable, its copy and tiny: one component, three evidence entries, layer 1",
                len(memchr) == 1 and metadata_paths(memchr[0]) ==
                ["/srv/copy/rg-auditable", "/usr/local/bin/rg-auditable", "/usr/local/bin/tiny"] and
                memchr[0]["introduced"] == 0 and memchr[0]["last_changed"] == 1, memchr)
        lib = by.get(("memchr", dict(rg_crates)["memchr"]), {})
        r.check("no license declared, with a note", lib.get("declared") is None and
                any(e["kind"] == "note" and "declares no license" in (e["detail"] or "") for e in lib.get("evidence", [])))
        r.check("fd-auditable, deleted in layer 3: none of its own crates in the final view",
                not [c for c in rs if c["name"] in fd_only or c["name"] == "fd-find"],
                [c["name"] for c in rs if c["name"] in fd_only])

        ga = got(ma["components"], "/opt/fd/fd-auditable")
        r.check("all layers: fd-auditable's crates, the older format's root found (%d)" % len(want_fd),
                {k: v[:2] for k, v in ga.items()} == {k: v[:2] for k, v in want_fd.items()},
                sorted(set(ga.items()) ^ set(want_fd.items()))[:10])
        byall = {(c["name"], c["version"]): c for c in ma["components"] if c["found_by"] == "rust"}
        fdapp = byall.get(("fd-find", fd_ver), {})
        r.check("all layers: fd-find from \"local\" is an application without purl, introduced by layer 2, "
                "removed by layer 3", fdapp.get("type") == "application" and fdapp.get("purl") is None and
                fdapp.get("introduced") == 1 and fdapp.get("removed") == 2, fdapp)
        b0 = byall.get((build_deps[0], dict(fd_crates)[build_deps[0]]), {})
        b1 = byall.get((build_deps[1], dict(fd_crates)[build_deps[1]]), {})
        r.check("all layers: %s, only a build dependency, is cargo:kind=build; %s, linked by rg, runtime"
                % build_deps, b0.get("props", {}).get("cargo:kind") == "build" and
                b1.get("props", {}).get("cargo:kind") == "runtime", (b0.get("props"), b1.get("props")))

        # the second image: one uncompressed layer
        with open(straddle, "rb") as f:
            data = f.read()
        built = it.build_layers([it.Layer([it.Entry("file", "usr/local/bin/straddle", 0o755, data)],
                                          compression="none", created_by="COPY straddle")],
                                os.path.join(work, "st-layers"))
        with tarfile.open(built[0].tar) as t:
            t0 = t.getmember("usr/local/bin/straddle").offset_data
        s = section(straddle)
        r.check("straddle: .dep-v0 at layer offsets %d..%d, across 262144 (readelf, tarfile)"
                % (t0 + s[0], t0 + s[0] + s[1]), t0 + s[0] < 262144 < t0 + s[0] + s[1], (t0, s))
        it.build_oci(os.path.join(work, "st-oci"), built)
        ms = test_lang.model(exe, "oci-dir:" + os.path.join(work, "st-oci"))
        g = got(ms["components"], "/usr/local/bin/straddle")
        r.check("straddle (zlib stream cut by the walker's 256 KiB read): the crates its section holds (%d)"
                % len(want_st), g == want_st, (sorted(set(g.items()) ^ set(want_st.items())))[:10])

        warns = m["warnings"]
        for k in bad:
            path = "/srv/bad/" + k
            w = [x for x in warns if "'%s'" % path in x]
            r.check("%s: one warning (%s), no component" % (k, w[0] if w else None),
                    len(w) == 1 and not [c for c in rs if path in metadata_paths(c)], warns)
        r.check("cargo-auditable data in a program's read-only data, no .dep-v0 section: nothing, no warning",
                section(embedded) is None and not [c for c in rs if "/srv/copy/embedded" in metadata_paths(c)] and
                not [x for x in warns if "/srv/copy/embedded" in x])
        others = [x for x in warns if "/srv/bad/" not in x and ("dep-v0" in x or "cargo" in x)]
        r.check("no other warning about cargo-auditable data", not others, others)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("%d passed, %d failed" % (r.passed, r.failed))
    sys.exit(1 if r.failed else 0)


if __name__ == "__main__":
    main()
