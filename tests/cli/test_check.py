#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Proves `layerbom check` and the `notice` output of `layerbom scan` on images.

Usage: test_check.py LAYERBOM SAMPLE_IMAGE

Images: the bundled sample (Debian base-files and hello under GPL, two npm
packages under MIT, an application under Apache-2.0), and an image built
here (tests/lib/imagetool.py) whose layers hold npm packages declaring
"AGPL-3.0-only", no license, "(MIT OR GPL-3.0-only)" and a name no table
knows ("Acme Proprietary License", a LicenseRef).  Checked: the default
policy and exit codes, deny lists by pattern and by category, an OR with
an allowed branch, --fail-on review, NOASSERTION in a policy, broken
policies (exit 2, one line naming the file), the JSON report against the
text; the notice file against the SPDX document of the same scan (every
component, its copyright lines, each license text once under its heading,
with a sentence of it), and the same bytes twice.

Prints one line per check and ends with "N passed, N failed".
"""

import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))

import imagetool as it  # noqa: E402
from imagetool import Entry as E, Layer  # noqa: E402

# A sentence of each license text the notice must carry.
SENTENCES = {
    "MIT": "Permission is hereby granted, free of charge, to any person obtaining a copy",
    "Apache-2.0": "TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION",
    "GPL-2.0-or-later": "Version 2, June 1991",
    "GPL-3.0-or-later": "Version 3, 29 June 2007",
    "GFDL-1.3-no-invariants-or-later": "GNU Free Documentation License Version 1.3, 3 November 2008",
    "AGPL-3.0-only": "GNU AFFERO GENERAL PUBLIC LICENSE Version 3, 19 November 2007",
}


class Runner:
    def __init__(self, exe):
        self.exe = exe
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

    def run(self, *args):
        p = subprocess.run([self.exe, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
        return p.returncode, p.stdout.decode(), p.stderr.decode()


def policy(d, name, obj):
    path = os.path.join(d, name)
    with open(path, "w", encoding="utf-8") as f:
        f.write(obj if isinstance(obj, str) else json.dumps(obj))
    return path


def findings(out):
    """{name: verdict} of the text report, and its summary line."""
    got = {}
    for line in out.splitlines():
        m = re.match(r"(allow|review|deny)\s+(\S+) (\S+)$", line)
        if m:
            got[m.group(2)] = m.group(1)
    summary = out.strip().splitlines()[-1] if out.strip() else ""
    return got, summary


def npm_pkg(name, version, license_=None):
    meta = {"name": name, "version": version}
    if license_ is not None:
        meta["license"] = license_
    return E("file", "app/node_modules/%s/package.json" % name, data=json.dumps(meta).encode())


def build_image(d):
    layers = [
        Layer([E("dir", "app/"), E("dir", "app/node_modules/"), E("dir", "app/node_modules/agpl-lib/"),
               npm_pkg("agpl-lib", "1.0.0", "AGPL-3.0-only")], created_by="npm install agpl-lib"),
        Layer([E("dir", "app/node_modules/no-license/"), npm_pkg("no-license", "0.1.0")],
              created_by="npm install no-license"),
        Layer([E("dir", "app/node_modules/dual-lib/"), npm_pkg("dual-lib", "2.0.0", "(MIT OR GPL-3.0-only)"),
               E("dir", "app/node_modules/acme-lib/"), npm_pkg("acme-lib", "3.0.0", "Acme Proprietary License")],
              created_by="npm install dual-lib acme-lib"),
    ]
    built = it.build_layers(layers, os.path.join(d, "work"))
    path = os.path.join(d, "built-oci")
    it.build_oci(path, built, tag="check")
    return "oci-dir:" + path, built


def test_check_sample(r, sample, d):
    rc, out, err = r.run("check", sample)
    got, summary = findings(out)
    r.check("sample, default policy: exit 0, nothing to report",
            rc == 0 and got == {} and summary == "5 components: 5 allow, 0 review, 0 deny; result: allow",
            (rc, out, err))

    p = policy(d, "deny-gpl.json", {"deny": ["GPL-*"]})
    rc, out, err = r.run("check", "--policy", p, sample)
    got, summary = findings(out)
    r.check("deny GPL-*: exit 1 naming base-files and hello",
            rc == 1 and got == {"base-files": "deny", "hello": "deny"}
            and summary == "5 components: 3 allow, 0 review, 2 deny; result: deny", (rc, out, err))
    block = out[out.find("deny    hello"):]
    r.check("the finding says license, category, rule, layer and evidence",
            "license:  GPL-3.0-or-later AND GFDL-1.3-no-invariants-or-later" in block
            and "strong-copyleft (GPL-3.0-or-later: deny 'GPL-*')" in block
            and re.search(r"layer:    2 \(sha256:[0-9a-f]{64}\)", block)
            and "evidence: /usr/share/doc/hello/copyright" in block, block)

    p = policy(d, "deny-strong.json", {"deny": ["category:strong-copyleft"]})
    rc, out, err = r.run("check", "--policy", p, sample)
    got, _ = findings(out)
    r.check("deny category:strong-copyleft: exit 1, the GPL packages",
            rc == 1 and got == {"base-files": "deny", "hello": "deny"}, (rc, out, err))

    p = policy(d, "review-mit.json", {"review": ["MIT"], "allow": ["MIT", "category:strong-copyleft"]})
    rc, out, err = r.run("check", "--policy", p, sample)
    got, _ = findings(out)
    r.check("review beats allow: the MIT packages are for review, exit 0",
            rc == 0 and got == {"is-number": "review", "ms": "review"}, (rc, out, err))
    rc2, out2, _ = r.run("check", "--policy", p, "--fail-on", "review", sample)
    r.check("... and exit 1 with --fail-on review", rc2 == 1 and out2 == out, (rc2, out2))

    j = os.path.join(d, "sample.json")
    rc, out, err = r.run("check", "--policy", policy(d, "deny-gpl.json", {"deny": ["GPL-*"]}),
                         "-o", "json=" + j, sample)
    got, summary = findings(out)
    try:
        with open(j, encoding="utf-8") as f:
            doc = json.load(f)
    except (OSError, ValueError) as e:
        doc = {"error": str(e)}
    s = doc.get("summary", {})
    jgot = {x["name"]: x["verdict"] for x in doc.get("findings", [])}
    r.check("-o json: parses; the same findings and counts as the text",
            rc == 1 and jgot == got and s.get("components") == 5 and s.get("deny") == 2
            and s.get("allow") == 3 and s.get("review") == 0 and s.get("result") == "deny"
            and summary.startswith("%d components: %d allow, %d review, %d deny" % (
                s.get("components"), s.get("allow"), s.get("review"), s.get("deny"))), (out, doc))
    hello = [x for x in doc.get("findings", []) if x["name"] == "hello"]
    r.check("-o json: a finding has version, purl, license, categories, layer, evidence, terms",
            hello and hello[0]["version"] == "2.10-3" and hello[0]["purl"].startswith("pkg:deb/debian/hello@")
            and hello[0]["categories"] == ["strong-copyleft"] and hello[0]["layer"] == 2
            and hello[0]["layer_id"].startswith("sha256:")
            and hello[0]["evidence"] == ["/usr/share/doc/hello/copyright"]
            and [t["license"] for t in hello[0]["terms"]] == ["GPL-3.0-or-later", "GFDL-1.3-no-invariants-or-later"],
            hello)
    rc, out, err = r.run("check", "--policy", policy(d, "deny-gpl.json", {"deny": ["GPL-*"]}), "-o", "json", sample)
    try:
        doc2 = json.loads(out)
    except ValueError:
        doc2 = None
    r.check("-o json without PATH: the JSON alone on stdout", rc == 1 and doc2 == doc, out[:300])


def test_check_built(r, spec, d):
    rc, out, err = r.run("check", spec)
    got, summary = findings(out)
    r.check("built image, default policy: AGPL, no license and a LicenseRef for review, exit 0",
            rc == 0 and got == {"agpl-lib": "review", "no-license": "review", "acme-lib": "review"}
            and summary == "4 components: 1 allow, 3 review, 0 deny; result: review", (rc, out, err))
    r.check("the AGPL finding names its category and the layer that brought it",
            "network-copyleft (AGPL-3.0-only: default for network-copyleft)" in out
            and re.search(r"layer:    1 \(sha256:[0-9a-f]{64}\)\n  evidence: /app/node_modules/agpl-lib/package.json",
                          out), out)
    r.check("no license: NOASSERTION, and the LicenseRef is unknown",
            "license:  NOASSERTION" in out and re.search(r"license:  LicenseRef-Acme\S*\n  category: unknown", out),
            out)
    rc, out, err = r.run("check", "--fail-on", "review", spec)
    r.check("--fail-on review: exit 1", rc == 1, (rc, err))

    p = policy(d, "deny-gpl.json", {"deny": ["GPL-*"]})
    rc, out, err = r.run("check", "--policy", p, spec)
    got, _ = findings(out)
    r.check("deny GPL-*: (MIT OR GPL-3.0-only) passes on its MIT branch, exit 0",
            rc == 0 and "dual-lib" not in got and got.get("agpl-lib") == "review", (rc, out))
    p = policy(d, "deny-mit.json", {"deny": ["MIT", "GPL-3.0-only"]})
    rc, out, err = r.run("check", "--policy", p, spec)
    got, _ = findings(out)
    r.check("deny both branches of the OR: exit 1 naming dual-lib", rc == 1 and got.get("dual-lib") == "deny",
            (rc, out))

    p = policy(d, "all.json", {"allow": ["NOASSERTION", "AGPL-3.0-only", "LicenseRef-*"]})
    rc, out, err = r.run("check", "--policy", p, "--fail-on", "review", spec)
    got, summary = findings(out)
    r.check("allow NOASSERTION, AGPL-3.0-only and LicenseRef-*: all pass even with --fail-on review",
            rc == 0 and got == {} and summary.endswith("result: allow"), (rc, out, err))
    p = policy(d, "noassert.json", {"deny": ["NOASSERTION"]})
    rc, out, err = r.run("check", "--policy", p, spec)
    got, _ = findings(out)
    r.check("deny NOASSERTION: exit 1 naming no-license", rc == 1 and got.get("no-license") == "deny", (rc, out))
    p = policy(d, "cats.json", {"categories": {"LicenseRef-Acme*": "proprietary"}, "deny": ["category:proprietary"]})
    rc, out, err = r.run("check", "--policy", p, spec)
    got, _ = findings(out)
    r.check("a policy gives a LicenseRef a category: proprietary, denied", rc == 1 and got.get("acme-lib") == "deny",
            (rc, out))


def test_errors(r, sample, d):
    for name, text, want in (
            ("broken.json", '{"deny": ["GPL-*"', "line 1"),
            ("key.json", '{"denied": ["GPL-*"]}', "unknown key 'denied'"),
            ("id.json", '{"deny": ["GPL-2"]}', "unknown license id 'GPL-2'"),
            ("cat.json", '{"deny": ["category:copyleft"]}', "unknown category 'copyleft'")):
        p = policy(d, name, text)
        rc, out, err = r.run("check", "--policy", p, sample)
        r.check("policy %s: exit 2, one line naming the file and the problem" % name,
                rc == 2 and out == "" and err.count("\n") == 1 and p in err and want in err, (rc, err))
    rc, out, err = r.run("check", "--policy", os.path.join(d, "missing.json"), sample)
    r.check("a missing policy file: exit 2 naming it", rc == 2 and "missing.json" in err, (rc, err))
    rc, _, err = r.run("check")
    r.check("no IMAGE: exit 2", rc == 2, err)
    rc, _, err = r.run("check", "--fail-on", "allow", sample)
    r.check("--fail-on allow: exit 2", rc == 2, err)
    rc, _, err = r.run("check", "-o", "yaml", sample)
    r.check("-o yaml: exit 2", rc == 2, err)
    rc, _, err = r.run("check", os.path.join(d, "no-such-image.tar"))
    r.check("an unreadable image: exit 3", rc == 3, err)
    rc, out, _ = r.run("help", "check")
    r.check("help check", rc == 0 and "--policy" in out and "--fail-on" in out, out)


def collapse(s):
    return " ".join(s.split())


def test_notice(r, sample, spec, d):
    n1, n2, sp = (os.path.join(d, x) for x in ("n1.txt", "n2.txt", "sample.spdx.json"))
    rc, out, err = r.run("scan", "-o", "notice=" + n1, "-o", "spdx-json=" + sp, sample)
    rc2, _, _ = r.run("scan", "-o", "notice=" + n2, sample)
    with open(n1, "rb") as f:
        b1 = f.read()
    with open(n2, "rb") as f:
        b2 = f.read()
    r.check("scan -o notice: exit 0, and two runs give the same bytes", rc == 0 and rc2 == 0 and b1 == b2 and b1,
            err)
    text = b1.decode("utf-8")
    with open(sp, encoding="utf-8") as f:
        spdx = json.load(f)
    pkgs = [p for p in spdx["packages"] if p.get("primaryPackagePurpose") not in ("CONTAINER", "ARCHIVE",
                                                                                   "OPERATING_SYSTEM")]
    r.check("the SPDX document has the 5 components of the sample", len(pkgs) == 5, [p["name"] for p in pkgs])
    header = text[:text.find("Contents")]
    r.check("the header names the image and its digests",
            "Image:     sample:1.0" in header and re.search(r"Manifest:  sha256:[0-9a-f]{64}", header)
            and re.search(r"Config:    sha256:[0-9a-f]{64}", header), header)
    for p in pkgs:
        name, ver = p["name"], p.get("versionInfo")
        sec = re.search(r"Component \d+: %s %s\n=+\n\n(.*?)(?:\n=|\Z)" % (re.escape(name), re.escape(ver)),
                        text, re.S)
        purl = [x["referenceLocator"] for x in p.get("externalRefs", []) if x["referenceType"] == "purl"]
        lic = p["licenseConcluded"] if p["licenseConcluded"] != "NOASSERTION" else p["licenseDeclared"]
        body = sec.group(1) if sec else ""
        cr = [] if p.get("copyrightText") in (None, "NOASSERTION", "NONE") else p["copyrightText"].splitlines()
        r.check("component %s %s: its section with license, PURL and %d copyright lines" % (name, ver, len(cr)),
                sec and ("License:   %s\n" % lic) in body and ("PURL:      %s\n" % purl[0]) in body
                and all(("  %s\n" % c) in body for c in cr) and (cr or "(no statement found)" in body), body)
    r.check("the distribution itself is not a component", "Component 6" not in text and "debian 12" not in text)
    ids = re.findall(r"^License text \d+: (\S+)$", text, re.M)
    want = ["Apache-2.0", "GFDL-1.3-no-invariants-or-later", "GPL-2.0-or-later", "GPL-3.0-or-later", "MIT"]
    r.check("one license text per license named, sorted by id", ids == want, ids)
    flat = collapse(text)
    for lid in want:
        r.check("license text %s: under its heading, with '%s', once" % (lid, SENTENCES[lid][:40]),
                flat.count(collapse(SENTENCES[lid])) == 1
                and flat.find(collapse(SENTENCES[lid])) > flat.find("License text %d: %s" % (want.index(lid) + 1, lid)),
                flat.count(collapse(SENTENCES[lid])))
    r.check("the table of contents lists components and texts",
            re.search(r"Components \(5\)\n  1\. base-files \S+: GPL-2.0-or-later\n", text)
            and "License texts (5)\n  1. Apache-2.0\n" in text, text[:1500])
    r.check("notice is plain UTF-8 text, no template markup", "<<var" not in text and "Optional>>" not in text)

    n3 = os.path.join(d, "n3.txt")
    rc, out, err = r.run("scan", "-o", "notice=" + n3, spec)
    with open(n3, encoding="utf-8") as f:
        t3 = f.read()
    refs = re.findall(r"^License text \d+: (LicenseRef-\S+)$", t3, re.M)
    r.check("built image: a LicenseRef's text is included, and the AGPL's",
            rc == 0 and len(refs) == 1 and "Acme Proprietary License" in t3[t3.find(refs[0]):]
            and collapse(SENTENCES["AGPL-3.0-only"]) in collapse(t3), (rc, err, refs))
    r.check("built image: the component without a license says NOASSERTION",
            re.search(r"Component \d+: no-license 0\.1\.0\n=+\n\nName:      no-license\nVersion:   0\.1\.0\n"
                      r"License:   NOASSERTION\n", t3), t3[:3000])


def main():
    exe, sample = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    r = Runner(exe)
    with tempfile.TemporaryDirectory() as d:
        spec, _ = build_image(d)
        test_check_sample(r, sample, d)
        test_check_built(r, spec, d)
        test_errors(r, sample, d)
        test_notice(r, sample, spec, d)
    print("%d passed, %d failed" % (r.passed, r.failed))
    sys.exit(1 if r.failed else 0)


if __name__ == "__main__":
    main()
