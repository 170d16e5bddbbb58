#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Proves the ruby, php, dotnet and rust detectors on images built here.

Usage: test_lang2.py DUMP_MODEL CACHE_DIR

What goes into the image, layer by layer (umoci, as docker build would):
 1. Debian 12 packages from `apt-get download`: ruby-rack and ruby-json
    (their specs in Debian's rubygems-integration directories), libruby3.1
    (Ruby's default gems and bundled gems, with their gem directories) and
    rubygems-integration.  Unpacked with `dpkg-deb -x`, never installed
    (their maintainer scripts must not run here), and given the status
    stanza and .list dpkg would write (test_lang.deb_install).
 2. Language package metadata as installers write it: a Bundler gem home
    (/usr/local/bundle) holding a copy of rack's spec and gem directory;
    a spec written with another block variable, %q{} literals and a
    single `license`; a spec that is not a gem specification.
    Composer's vendor/composer/installed.json in both formats (Composer 2
    with install-path and dev packages, Composer 1 as a bare array) and
    one nested too deep.  Two published .NET applications' deps.json, one
    of them self-contained (a runtime pack).  Cargo.lock files: one Cargo
    writes here (when installed; path dependencies need no index), one of
    ripgrep's crates, an old version-1 one, one in Cargo's download cache.
 3. Deletions: minitest's spec removed; twig/twig removed from the
    Composer 1 list; the second .NET application and /srv/other removed.

Gem specifications are compared with what the machine's Ruby reads from
the same files (Gem::Specification.load), when Ruby is installed.  Debian
downloads are kept in CACHE_DIR.  Prints one line per check and ends with
"N passed, N failed".
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_lang  # noqa: E402  (Runner, deb_install, Image, model, expr_ok)
import debs  # noqa: E402  (on the path test_lang set)

RUBY_DEBS = ["ruby-rack", "ruby-json", "libruby3.1", "rubygems-integration"]

OS_RELEASE = test_lang.OS_RELEASE

# Another block variable, %q{} literals, `license` (one), a platform.
SPEC_VARIANT = """# -*- encoding: utf-8 -*-
# stub: nokogiri 1.15.4 x86_64-linux lib

Gem::Specification.new do |spec|
  spec.name = %q{nokogiri}
  spec.version = '1.15.4'
  spec.platform = "x86_64-linux".freeze
  spec.authors = [%q{Mike Dalessio}, "Aaron Patterson", "Yoko Harada".freeze]
  spec.homepage = %q{https://nokogiri.org}
  spec.license = %q{MIT}
  spec.summary = "Nokogiri (\\u92F8) makes it easy and painless to work with XML and HTML from Ruby."
end
"""

# Ruby code that is not a literal: never evaluated, the fields are absent.
SPEC_COMPUTED = """Gem::Specification.new do |s|
  s.name = File.basename(__dir__)
  s.version = "#{1 + 1}.0"
end
"""

# Composer 2's vendor/composer/installed.json (format: Composer's
# documentation and what `composer install` writes: "packages",
# "dev-package-names", "install-path" relative to vendor/composer/).  Names,
# versions, licenses, authors, descriptions and homepages are those the
# packages publish on Packagist; lbtest/dual-licensed is made up here to
# prove the rule for a license array of several entries (offered: OR).
def composer_pkg(name, version, lic, authors, desc, home, install_path=None):
    p = {"name": name, "version": version, "version_normalized": version.lstrip("v") + ".0",
         "source": {"type": "git", "url": "https://github.com/%s.git" % name},
         "require": {"php": ">=8.1"}, "type": "library", "installation-source": "dist",
         "notification-url": "https://packagist.org/downloads/", "license": lic, "authors": authors,
         "description": desc, "homepage": home}
    if install_path:
        p["install-path"] = install_path
    return p


COMPOSER2 = {"packages": [
    composer_pkg("psr/log", "3.0.0", ["MIT"], [{"name": "PHP-FIG", "homepage": "https://www.php-fig.org/"}],
                 "Common interface for logging libraries", "https://github.com/php-fig/log", "../psr/log"),
    composer_pkg("monolog/monolog", "3.4.0", ["MIT"],
                 [{"name": "Jordi Boggiano", "email": "j.boggiano@seld.be", "homepage": "https://seld.be"}],
                 "Sends your logs to files, sockets, inboxes, databases and various web services",
                 "https://github.com/Seldaek/monolog", "../monolog/monolog"),
    composer_pkg("symfony/console", "v6.3.4", ["MIT"],
                 [{"name": "Fabien Potencier", "email": "fabien@symfony.com"},
                  {"name": "Symfony Community", "homepage": "https://symfony.com/contributors"}],
                 "Eases the creation of beautiful and testable command line interfaces", "https://symfony.com",
                 "../symfony/console"),
    composer_pkg("symfony/polyfill-mbstring", "v1.28.0", ["MIT"],
                 [{"name": "Nicolas Grekas", "email": "p@tchwork.com"},
                  {"name": "Symfony Community", "homepage": "https://symfony.com/contributors"}],
                 "Symfony polyfill for the Mbstring extension", "https://symfony.com", "../symfony/polyfill-mbstring"),
    composer_pkg("doctrine/instantiator", "2.0.0", ["MIT"],
                 [{"name": "Marco Pivetta", "email": "ocramius@gmail.com", "homepage": "https://ocramius.github.io/"}],
                 "A small, lightweight utility to instantiate objects in PHP without invoking their constructors",
                 "https://www.doctrine-project.org/projects/instantiator.html", "../doctrine/instantiator"),
    composer_pkg("lbtest/dual-licensed", "1.0.0", ["GPL-2.0-or-later", "MIT"], [], "", "", "../lbtest/dual-licensed"),
], "dev": True, "dev-package-names": ["doctrine/instantiator"]}

# Composer 1: a top-level array, no install-path (packages in vendor/NAME).
COMPOSER1 = [
    composer_pkg("twig/twig", "v3.7.1", ["BSD-3-Clause"],
                 [{"name": "Fabien Potencier", "email": "fabien@symfony.com"},
                  {"name": "Twig Team", "role": "Contributors"},
                  {"name": "Armin Ronacher", "email": "armin.ronacher@active-4.com", "role": "Project Founder"}],
                 "Twig, the flexible, fast, and secure template language for PHP", "https://twig.symfony.com"),
    composer_pkg("symfony/polyfill-mbstring", "v1.28.0", ["MIT"],
                 [{"name": "Nicolas Grekas", "email": "p@tchwork.com"}],
                 "Symfony polyfill for the Mbstring extension", "https://symfony.com"),
]

MIT_PSR_LOG = """Copyright (c) 2012 PHP Framework Interoperability Group

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in
all copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN
THE SOFTWARE.
"""


def write_composer(root):
    app = os.path.join(root, "srv/app/vendor")
    os.makedirs(os.path.join(app, "composer"))
    with open(os.path.join(app, "composer/installed.json"), "w") as f:
        json.dump(COMPOSER2, f, indent=4)
    for p in COMPOSER2["packages"]:
        d = os.path.join(app, p["name"], "src")
        os.makedirs(d)
        with open(os.path.join(d, "Placeholder.php"), "w") as f:
            f.write("<?php\n")
    with open(os.path.join(app, "psr/log/LICENSE"), "w") as f:
        f.write(MIT_PSR_LOG)
    legacy = os.path.join(root, "srv/legacy/vendor")
    os.makedirs(os.path.join(legacy, "composer"))
    with open(os.path.join(legacy, "composer/installed.json"), "w") as f:
        json.dump(COMPOSER1, f, indent=4)
    for p in COMPOSER1:
        os.makedirs(os.path.join(legacy, p["name"]))
        with open(os.path.join(legacy, p["name"], "Mbstring.php"), "w") as f:
            f.write("<?php\n")
    bad = os.path.join(root, "srv/broken/vendor/composer")
    os.makedirs(bad)
    with open(os.path.join(bad, "installed.json"), "w") as f:
        f.write('{"packages": [' * 200)


def check_php(r, m, ma, ids):
    refs = {x["id"]: x for x in m["refs"]}
    php = [c for c in m["components"] if c["found_by"] == "php"]
    bad = [(c["name"], c["declared"]) for c in php if c["declared"] and not test_lang.expr_ok(c["declared"], ids, refs)]
    r.check("php: every declared license is a valid expression", not bad, bad)
    want = {(p["name"], p["version"]) for p in COMPOSER2["packages"] + COMPOSER1} - {("twig/twig", "v3.7.1")}
    got = {(c["name"], c["version"]) for c in php}
    r.check("php: the packages of both installed.json formats (%d)" % len(want), got == want and len(php) == len(want),
            "missing %r extra %r" % (sorted(want - got), sorted(got - want)))
    by = {c["name"]: c for c in php}
    sc = by.get("symfony/console", {})
    r.check("php: purl, version as written, authors, homepage, summary",
            sc.get("purl") == "pkg:composer/symfony/console@v6.3.4" and sc.get("version") == "v6.3.4"
            and sc.get("author") == "Fabien Potencier <fabien@symfony.com>, Symfony Community"
            and sc.get("homepage") == "https://symfony.com" and sc.get("declared") == "MIT"
            and sc.get("summary") == "Eases the creation of beautiful and testable command line interfaces"
            and sc.get("introduced") == 1, sc)
    pm = by.get("symfony/polyfill-mbstring", {})
    r.check("php: a package in two vendor directories is one component with two locations",
            sorted(metadata_paths(pm)) == ["/srv/app/vendor/composer/installed.json",
                                           "/srv/legacy/vendor/composer/installed.json"], pm)
    r.check("php: files from install-path (Composer 2) and from vendor/NAME (Composer 1)",
            "/srv/app/vendor/symfony/polyfill-mbstring/src/Placeholder.php" in pm.get("files", [])
            and "/srv/legacy/vendor/symfony/polyfill-mbstring/Mbstring.php" in pm.get("files", []), pm.get("files"))
    pl = by.get("psr/log", {})
    r.check("php: psr/log's LICENSE file is evidence, MIT concluded",
            any(e["kind"] == "license-text" and e["path"] == "/srv/app/vendor/psr/log/LICENSE" for e in pl.get("evidence", []))
            and pl.get("concluded") == "MIT" and pl.get("author") == "PHP-FIG", pl)
    di = by.get("doctrine/instantiator", {})
    r.check("php: a development package says so", di.get("props", {}).get("composer:dev") == "true"
            and "composer:dev" not in sc.get("props", {}), di.get("props"))
    dl = by.get("lbtest/dual-licensed", {})
    r.check("php: a license array is offered (OR)", dl.get("declared") == "GPL-2.0-or-later OR MIT", dl.get("declared"))
    r.check("php: a list nested too deep is a warning",
            any("/srv/broken/vendor/composer/installed.json" in w for w in m.get("warnings", [])), m.get("warnings"))
    gone = [c for c in ma["components"] if c["found_by"] == "php" and c["name"] == "twig/twig"]
    r.check("php: all layers: twig introduced by layer 2, removed by layer 3",
            len(gone) == 1 and gone[0]["introduced"] == 1 and gone[0]["removed"] == 2
            and gone[0]["declared"] == "BSD-3-Clause", gone)


# APP.deps.json as `dotnet publish` writes it (format: the .NET runtime's
# design docs, docs/design/features/host-dependency-resolution and
# DotNetCore.deps.json): "targets" lists each library's assets, "libraries"
# its type.  Package names and versions are real NuGet packages; sha512
# values are left empty except one, in the format deps.json writes.
def deps_json(app, pkgs, runtimepack=None):
    tfm = ".NETCoreApp,Version=v8.0"
    targets = {"%s/1.0.0" % app: {"dependencies": {n: v for n, v, _ in pkgs}, "runtime": {app + ".dll": {}}}}
    libs = {"%s/1.0.0" % app: {"type": "project", "serviceable": False, "sha512": ""}}
    for n, v, assets in pkgs:
        targets["%s/%s" % (n, v)] = assets
        libs["%s/%s" % (n, v)] = {"type": "package", "serviceable": True, "sha512": "",
                                  "path": "%s/%s" % (n.lower(), v), "hashPath": "%s.%s.nupkg.sha512" % (n.lower(), v)}
    if runtimepack:
        key = "runtimepack.%s/%s" % runtimepack
        targets[key] = {"runtime": {"System.Private.CoreLib.dll": {"assemblyVersion": "8.0.0.0", "fileVersion": "8.0.23.53103"}}}
        libs[key] = {"type": "runtimepack", "serviceable": False, "sha512": ""}
        tfm_key = tfm + "/linux-x64"
    else:
        tfm_key = tfm
    return {"runtimeTarget": {"name": tfm_key if runtimepack else tfm, "signature": ""}, "compilationOptions": {},
            "targets": {tfm_key: targets}, "libraries": libs}


NEWTONSOFT = ("Newtonsoft.Json", "13.0.3", {"runtime": {"lib/net6.0/Newtonsoft.Json.dll":
                                                        {"assemblyVersion": "13.0.0.0", "fileVersion": "13.0.3.27908"}}})
WEBAPP_PKGS = [
    NEWTONSOFT,
    ("Serilog", "3.1.1", {"runtime": {"lib/net7.0/Serilog.dll": {"assemblyVersion": "2.0.0.0", "fileVersion": "3.1.1.0"}}}),
    ("SQLitePCLRaw.lib.e_sqlite3", "2.1.6", {"runtimeTargets": {"runtimes/linux-x64/native/libe_sqlite3.so":
                                                                 {"rid": "linux-x64", "assetType": "native"}}}),
    ("Microsoft.Extensions.Logging.Abstractions", "8.0.0", {"runtime": {
        "lib/net8.0/Microsoft.Extensions.Logging.Abstractions.dll": {"assemblyVersion": "8.0.0.0", "fileVersion": "8.0.23.53103"}}}),
]
WORKER_PKGS = [
    NEWTONSOFT,
    ("Polly", "7.2.4", {"runtime": {"lib/netstandard2.0/Polly.dll": {"assemblyVersion": "7.0.0.0", "fileVersion": "7.2.4.982"}}}),
]


def write_dotnet(root):
    web = os.path.join(root, "app/webapp")
    os.makedirs(os.path.join(web, "runtimes/linux-x64/native"))
    d = deps_json("WebApp", WEBAPP_PKGS)
    d["libraries"]["Newtonsoft.Json/13.0.3"]["sha512"] = (
        "sha512-HrC5BXdl00IP9zeV+0Z848QWPAoCr9P3bDEZguI+gkLcBKAOxix/tLEAAHC+UvDNPv4a2d18lOReHMOagPa+zQ==")
    write_json(os.path.join(web, "WebApp.deps.json"), d)
    for f in ("WebApp.dll", "Newtonsoft.Json.dll", "Serilog.dll", "Microsoft.Extensions.Logging.Abstractions.dll",
              "runtimes/linux-x64/native/libe_sqlite3.so"):
        with open(os.path.join(web, f), "wb") as fh:
            fh.write(b"MZ placeholder\n")
    wk = os.path.join(root, "app/worker")
    os.makedirs(wk)
    write_json(os.path.join(wk, "Worker.deps.json"),
               deps_json("Worker", WORKER_PKGS, ("Microsoft.NETCore.App.Runtime.linux-x64", "8.0.0")))
    with open(os.path.join(wk, "Polly.dll"), "wb") as fh:
        fh.write(b"MZ placeholder\n")


def check_dotnet(r, m, ma):
    dn = [c for c in m["components"] if c["found_by"] == "dotnet"]
    want = {(n, v) for n, v, _ in WEBAPP_PKGS}
    got = {(c["name"], c["version"]) for c in dn}
    r.check("dotnet: the packages of the deps.json left (%d), not the project" % len(want),
            got == want and len(dn) == len(want), "missing %r extra %r" % (sorted(want - got), sorted(got - want)))
    by = {c["name"]: c for c in dn}
    nj = by.get("Newtonsoft.Json", {})
    r.check("dotnet: purl, NOASSERTION with a note, the sha512",
            nj.get("purl") == "pkg:nuget/Newtonsoft.Json@13.0.3" and nj.get("declared") is None
            and any(e["kind"] == "note" and "license" in (e["detail"] or "") for e in nj.get("evidence", []))
            and nj.get("props", {}).get("nuget:sha512", "").startswith("HrC5BXdl") and nj.get("introduced") == 1, nj)
    r.check("dotnet: the published assembly is the package's file",
            nj.get("files") == ["/app/webapp/Newtonsoft.Json.dll"], nj.get("files"))
    sq = by.get("SQLitePCLRaw.lib.e_sqlite3", {})
    r.check("dotnet: a RID-specific native asset at its path",
            sq.get("files") == ["/app/webapp/runtimes/linux-x64/native/libe_sqlite3.so"], sq.get("files"))
    gone = {c["name"]: c for c in ma["components"] if c["found_by"] == "dotnet"}
    po, rt = gone.get("Polly", {}), gone.get("Microsoft.NETCore.App.Runtime.linux-x64", {})
    r.check("dotnet: all layers: the removed worker's Polly and runtime pack (introduced by layer 2, removed by layer 3)",
            po.get("introduced") == 1 and po.get("removed") == 2 and rt.get("purl") ==
            "pkg:nuget/Microsoft.NETCore.App.Runtime.linux-x64@8.0.0" and rt.get("removed") == 2, (po, rt))
    nja = gone.get("Newtonsoft.Json", {})
    r.check("dotnet: all layers: Newtonsoft.Json in two applications is one component with two locations",
            sorted(metadata_paths(nja)) == ["/app/webapp/WebApp.deps.json", "/app/worker/Worker.deps.json"]
            and nja.get("removed") == -1, nja)


# Cargo.lock of ripgrep 13.0.0 (a subset of its packages: real crates and
# versions; the checksum lines are left out), in the format Cargo writes
# (version 3).  Another project's lock file uses the sparse index, and a
# version-1 lock file has the [metadata] table of old Cargo.
CRATES_IO = "registry+https://github.com/rust-lang/crates.io-index"
RG_LOCK_PKGS = [("aho-corasick", "0.7.18", CRATES_IO, ["memchr"]), ("bstr", "0.2.17", CRATES_IO, ["lazy_static", "memchr", "regex-automata"]),
                ("cfg-if", "1.0.0", CRATES_IO, []), ("lazy_static", "1.4.0", CRATES_IO, []), ("log", "0.4.14", CRATES_IO, ["cfg-if"]),
                ("memchr", "2.4.1", CRATES_IO, []), ("regex", "1.5.4", CRATES_IO, ["aho-corasick", "memchr", "regex-syntax"]),
                ("regex-automata", "0.1.10", CRATES_IO, []), ("regex-syntax", "0.6.25", CRATES_IO, []),
                ("ripgrep", "13.0.0", None, ["bstr", "lazy_static", "log", "regex"])]
OTHER_LOCK_PKGS = [("itoa", "1.0.9", "sparse+https://index.crates.io/", []),
                   ("regex", "1.5.4", CRATES_IO, []), ("lbtest-tool", "0.2.0", None, ["itoa", "regex"])]


def cargo_lock(pkgs, version=3):
    out = ["# This file is automatically @generated by Cargo.", "# It is not intended for manual editing."]
    if version > 1:
        out.append("version = %d" % version)
    for n, v, src, deps in pkgs:
        out += ["", "[[package]]", 'name = "%s"' % n, 'version = "%s"' % v]
        if src:
            out.append('source = "%s"' % src)
        if deps:
            out += ["dependencies = ["] + [' "%s",' % d for d in deps] + ["]"]
    if version == 1:
        out += ["", "[metadata]"] + ['"checksum %s %s (%s)" = "<none>"' % (n, v, s) for n, v, s, _ in pkgs if s]
    return "\n".join(out) + "\n"


def write_rust(root, work, seen):
    import tomllib
    locks = {"/src/rg/Cargo.lock": cargo_lock(RG_LOCK_PKGS), "/srv/other/Cargo.lock": cargo_lock(OTHER_LOCK_PKGS, 1),
             "/root/.cargo/registry/src/index.crates.io-6f17d22bba15001f/memchr-2.4.1/Cargo.lock":
             cargo_lock([("memchr", "2.4.1", None, []), ("quickcheck", "1.0.3", CRATES_IO, [])])}
    if shutil.which("cargo"):
        # a real lock file written by Cargo (path dependencies: no index needed)
        cg = os.path.join(work, "cargo")
        env = dict(os.environ, CARGO_HOME=os.path.join(work, "cargo-home"))
        os.makedirs(cg)
        run("cargo", "new", "--vcs", "none", "-q", "lbtest-app", cwd=cg, env=env)
        run("cargo", "new", "--lib", "--vcs", "none", "-q", "lbtest-util", cwd=cg, env=env)
        with open(os.path.join(cg, "lbtest-app/Cargo.toml"), "a") as f:
            f.write('lbtest-util = { path = "../lbtest-util" }\n')
        run("cargo", "generate-lockfile", "--offline", cwd=os.path.join(cg, "lbtest-app"), env=env, timeout=120)
        with open(os.path.join(cg, "lbtest-app/Cargo.lock")) as f:
            locks["/src/lbtest-app/Cargo.lock"] = f.read()
    seen["cargo"] = {}
    for path, text in locks.items():
        full = os.path.join(root, path.lstrip("/"))
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w") as f:
            f.write(text)
        seen["cargo"][path] = {(p["name"], p["version"], p.get("source")) for p in tomllib.loads(text).get("package", [])}


def check_rust(r, m, ma, seen):
    rs = [c for c in m["components"] if c["found_by"] == "rust"]
    want = set()
    for path, pk in seen["cargo"].items():
        if "/.cargo/registry/" not in path and not path.startswith("/srv/other/"):
            want |= pk
    got = {(c["name"], c["version"], None if c["props"].get("cargo:source") == "local" else c["props"].get("cargo:source"))
           for c in rs}
    r.check("rust: the packages of the lock files as Python's tomllib reads them (%d)" % len(want),
            got == want and len(rs) == len(want), "missing %r extra %r" % (sorted(want - got), sorted(got - want)))
    bad = [(c["name"], c["purl"], c["type"]) for c in rs
           if (c["props"].get("cargo:source") == "local") != (c["type"] == "application" and c["purl"] is None)
           or (c["purl"] and c["purl"] != "pkg:cargo/%s@%s" % (c["name"], c["version"]))]
    r.check("rust: crates.io crates are pkg:cargo libraries, the project's own crates applications without purl",
            not bad and any(c["type"] == "application" for c in rs), bad)
    by = {c["name"]: c for c in rs}
    rx = by.get("regex", {})
    r.check("rust: NOASSERTION with a note", rx.get("declared") is None
            and any(e["kind"] == "note" and "license" in (e["detail"] or "") for e in rx.get("evidence", [])), rx)
    r.check("rust: a lock file in Cargo's download cache is not a build",
            "quickcheck" not in by and not any("/.cargo/registry/" in p for c in rs for p in metadata_paths(c)))
    if "/src/lbtest-app/Cargo.lock" in seen["cargo"]:
        ap = by.get("lbtest-util", {})
        r.check("rust: the lock file Cargo wrote here (version 4, path dependencies)",
                metadata_paths(ap) == ["/src/lbtest-app/Cargo.lock"] and ap.get("type") == "application", ap)
    else:
        print("skip rust: no cargo to write a lock file")
    ra = {(c["name"], c["version"]): c for c in ma["components"] if c["found_by"] == "rust"}
    rxa, it = ra.get(("regex", "1.5.4"), {}), ra.get(("itoa", "1.0.9"), {})
    r.check("rust: all layers: regex in two lock files is one component with two locations",
            sorted(metadata_paths(rxa)) == ["/src/rg/Cargo.lock", "/srv/other/Cargo.lock"] and rxa.get("removed") == -1, rxa)
    r.check("rust: all layers: a version-1 lock file's crate from the sparse index, removed by layer 3",
            it.get("props", {}).get("cargo:source") == "sparse+https://index.crates.io/" and it.get("introduced") == 1
            and it.get("removed") == 2 and it.get("purl") == "pkg:cargo/itoa@1.0.9", it)


run = debs.run


def fetch_debs(cache, names):
    return debs.fetch_debs(os.path.join(cache, "debs-lang2"), names)


RUBY_READ = r"""
ARGV.each do |f|
  s = Gem::Specification.load(f)
  next unless s
  puts [f, s.name, s.version.to_s, s.licenses.join("|"), s.platform.to_s, s.homepage.to_s].join("\t")
end
"""


def ruby_specs(root, paths):
    """{image path: (name, version, [licenses], platform, homepage)} as Ruby reads them."""
    if not shutil.which("ruby"):
        return None
    p = run("ruby", "-e", RUBY_READ, *[os.path.join(root, p.lstrip("/")) for p in paths], timeout=120)
    out = {}
    for line in p.stdout.decode().splitlines():
        f, name, ver, lic, plat, home = line.split("\t")
        out["/" + os.path.relpath(f, root)] = (name, ver, [x for x in lic.split("|") if x], plat, home)
    return out


def write_json(path, obj):
    with open(path, "w") as f:
        json.dump(obj, f, indent=4)


def find_specs(root):
    out = []
    for dirpath, _, files in os.walk(root):
        rel = "/" + os.path.relpath(dirpath, root)
        if rel.endswith("/specifications") or rel.endswith("/specifications/default"):
            out += [rel + "/" + f for f in files if f.endswith(".gemspec")]
    return sorted(out)


def metadata_paths(c):
    return [e["path"] for e in c["evidence"] if e["kind"] in ("metadata", "binary") and e["path"]]


def check_ruby(r, m, ma, seen, ids, dpkg_purls):
    refs = {x["id"]: x for x in m["refs"]}
    rb = [c for c in m["components"] if c["found_by"] == "ruby"]
    bad = [(c["name"], c["declared"]) for c in rb if c["declared"] and not test_lang.expr_ok(c["declared"], ids, refs)]
    r.check("ruby: every declared license is a valid expression", not bad, bad)
    places = {p: c for c in rb for p in metadata_paths(c)}
    want = set(seen["specs"]) - {"/usr/lib/ruby/gems/3.1.0/specifications/minitest-5.15.0.gemspec",
                                 "/usr/local/bundle/specifications/computed.gemspec"}
    r.check("ruby: every gemspec in the image is a location (%d)" % len(want), set(places) == want,
            "missing %r extra %r" % (sorted(want - set(places)), sorted(set(places) - want)))
    ref = seen.get("ruby")
    if ref is not None:
        diff = []
        for p, (name, ver, lic, plat, home) in ref.items():
            c = places.get(p)
            if p not in want:
                continue
            if not c or c["name"] != name or c["version"] != ver or (c["homepage"] or "") != home:
                diff.append((p, name, ver, home, c and (c["name"], c["version"], c["homepage"])))
                continue
            quals = "?platform=" + plat if plat != "ruby" else ""
            if c["purl"] != "pkg:gem/%s@%s%s" % (name, ver, quals):
                diff.append((p, c["purl"]))
            if all(x in ids for x in lic):
                expect = " OR ".join(lic) if lic else None
                if c["declared"] != expect:
                    diff.append((p, lic, c["declared"]))
        r.check("ruby: name, version, homepage, licenses and purl as Ruby's Gem::Specification.load reads "
                "them (%d specs)" % len(ref), not diff and len(ref) >= len(want) - 1, diff[:10])
    else:
        print("skip ruby: no Ruby to compare with")
    by = {}
    for c in rb:
        by.setdefault((c["name"], c["version"]), c)
    rack = by.get(("rack", "2.2.22"), {})
    r.check("ruby: rack from Debian and from a Bundler gem home is one component with two locations",
            sorted(metadata_paths(rack)) == ["/usr/local/bundle/specifications/rack-2.2.22.gemspec",
                                             "/usr/share/rubygems-integration/all/specifications/rack-2.2.22.gemspec"]
            and rack.get("introduced") == 0 and rack.get("purl") == "pkg:gem/rack@2.2.22"
            and rack.get("declared") == "MIT", rack)
    r.check("ruby: rack linked to ruby-rack", rack.get("props", {}).get("owned-by") == dpkg_purls.get("ruby-rack"),
            rack.get("props"))
    r.check("ruby: rack's files in the Bundler gem home",
            "/usr/local/bundle/gems/rack-2.2.22/lib/rack.rb" in rack.get("files", []), rack.get("files"))
    js = by.get(("json", "2.6.3"), {})
    r.check("ruby: json 2.6.3 in the arch-specific rubygems-integration dir, linked to ruby-json",
            metadata_paths(js) == ["/usr/lib/x86_64-linux-gnu/rubygems-integration/3.1.0/specifications/json-2.6.3.gemspec"]
            and js.get("props", {}).get("owned-by") == dpkg_purls.get("ruby-json") and js.get("declared") == "Ruby", js)
    dj = by.get(("json", "2.6.1"), {})
    r.check("ruby: json 2.6.1, a default gem of libruby3.1, is another component",
            metadata_paths(dj) == ["/usr/lib/ruby/gems/3.1.0/specifications/default/json-2.6.1.gemspec"]
            and dj.get("props", {}).get("owned-by") == dpkg_purls.get("libruby3.1"), dj)
    bu = by.get(("bundler", "2.3.7"), {})
    r.check("ruby: author names from \\u escapes", "André Arko" in (bu.get("author") or ""), bu.get("author"))
    rk = by.get(("rake", "13.0.6"), {})
    r.check("ruby: rake's gem directory gives its files",
            "/usr/lib/ruby/gems/3.1.0/gems/rake-13.0.6/lib/rake.rb" in rk.get("files", []), len(rk.get("files", [])))
    tu = by.get(("test-unit", "3.5.3"), {})
    r.check("ruby: several licenses are offered (OR)", tu.get("declared") == "Ruby OR LicenseRef-BSDL OR PSF-2.0"
            and "LicenseRef-BSDL" in refs, tu.get("declared"))
    nk = by.get(("nokogiri", "1.15.4"), {})
    r.check("ruby: another block variable, %q{}, a single license, a platform",
            nk.get("purl") == "pkg:gem/nokogiri@1.15.4?platform=x86_64-linux" and nk.get("declared") == "MIT"
            and nk.get("author") == "Mike Dalessio, Aaron Patterson, Yoko Harada"
            and nk.get("homepage") == "https://nokogiri.org" and "\u92f8" in (nk.get("summary") or ""), nk)
    r.check("ruby: a spec whose name is computed is not a gem, and says so",
            not any("computed.gemspec" in p for p in places)
            and any("computed.gemspec" in w for w in m.get("warnings", [])), m.get("warnings"))
    r.check("ruby: minitest removed by layer 3 is not reported", ("minitest", "5.15.0") not in by)
    gone = [c for c in ma["components"] if c["found_by"] == "ruby" and c["name"] == "minitest"]
    r.check("ruby: all layers: minitest introduced by layer 1, removed by layer 3",
            len(gone) == 1 and gone[0]["introduced"] == 0 and gone[0]["removed"] == 2, gone)


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: test_lang2.py DUMP_MODEL CACHE_DIR")
    exe, cache = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    r = test_lang.Runner()
    ids = test_lang.load_ids()
    debs = fetch_debs(cache, RUBY_DEBS)
    work = tempfile.mkdtemp(prefix="lb-lang2-")
    seen = {}
    try:
        img = test_lang.Image(work, "lang2")

        def l1(root):
            os.makedirs(os.path.join(root, "etc"), exist_ok=True)
            with open(os.path.join(root, "etc/os-release"), "w") as f:
                f.write(OS_RELEASE)
            for d in RUBY_DEBS:
                test_lang.deb_install(root, debs[d])

        def l2(root):
            home = os.path.join(root, "usr/local/bundle")
            os.makedirs(os.path.join(home, "specifications"))
            shutil.copy2(os.path.join(root, "usr/share/rubygems-integration/all/specifications/rack-2.2.22.gemspec"),
                         os.path.join(home, "specifications"))
            shutil.copytree(os.path.join(root, "usr/share/rubygems-integration/all/gems/rack-2.2.22"),
                            os.path.join(home, "gems/rack-2.2.22"), symlinks=True)
            with open(os.path.join(home, "specifications/nokogiri-1.15.4-x86_64-linux.gemspec"), "w") as f:
                f.write(SPEC_VARIANT)
            with open(os.path.join(home, "specifications/computed.gemspec"), "w") as f:
                f.write(SPEC_COMPUTED)
            seen["specs"] = find_specs(root)
            seen["ruby"] = ruby_specs(root, [p for p in seen["specs"] if "computed" not in p])
            write_composer(root)
            write_dotnet(root)
            write_rust(root, work, seen)

        def l3(root):
            os.unlink(os.path.join(root, "usr/lib/ruby/gems/3.1.0/specifications/minitest-5.15.0.gemspec"))
            os.unlink(os.path.join(root, "srv/legacy/vendor/composer/installed.json"))
            write_json(os.path.join(root, "srv/legacy/vendor/composer/installed.json"), COMPOSER1[1:])
            shutil.rmtree(os.path.join(root, "app/worker"))
            shutil.rmtree(os.path.join(root, "srv/other"))

        img.layer("install Debian ruby packages", l1)
        img.layer("COPY language package metadata", l2)
        img.layer("rm minitest's spec; composer remove twig/twig; rm -r /app/worker /srv/other", l3)

        m = test_lang.model(exe, img.spec())
        ma = test_lang.model(exe, img.spec(), "--all-layers")
        comps = m["components"]
        dpkg_purls = {c["name"]: c["purl"] for c in comps if c["found_by"] == "dpkg"}
        ids_seen = [c["id"] for c in comps]
        r.check("component ids unique", len(ids_seen) == len(set(ids_seen)))
        twice = [(c["name"], e) for c in comps if c["found_by"] in ("ruby", "php", "dotnet", "rust")
                 for i, e in enumerate(c["evidence"]) if e in c["evidence"][:i]]
        r.check("no evidence entry twice", not twice, twice[:5])
        check_ruby(r, m, ma, seen, ids, dpkg_purls)
        check_php(r, m, ma, ids)
        check_dotnet(r, m, ma)
        check_rust(r, m, ma, seen)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("%d passed, %d failed" % (r.passed, r.failed))
    sys.exit(1 if r.failed else 0)


if __name__ == "__main__":
    main()
