#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Proves `layerbom scan -o html`: a self-contained page that opens in a
browser.

Usage: test_html.py LAYERBOM SAMPLE_IMAGE

The bundled sample image (Debian's base-files and hello, two npm packages,
an application) is scanned to HTML.  The page must parse, name every
component with its license and layer, load nothing from outside (no src or
href to another place, no @import), be the same bytes twice with
SOURCE_DATE_EPOCH, and load in headless Chromium (Debian's chromium)
without a script error, its table rendered in the DOM Chromium dumps.

Prints one line per check and ends with "N passed, N failed".
"""

import html.parser
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile


class Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.refs, self.rows, self.text = [], [], 0, []
        self.stack = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag not in ("br", "meta", "input"):
            self.stack.append(tag)
        for k, v in attrs:
            if k in ("src", "href") and v:
                self.refs.append(v)
        if tag == "tr":
            self.rows += 1

    def handle_endtag(self, tag):
        if self.stack and self.stack[-1] == tag:
            self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)


def main():
    exe, sample = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    passed = failed = 0

    def check(name, ok, detail=""):
        nonlocal passed, failed
        if ok:
            passed += 1
            print("ok   " + name)
        else:
            failed += 1
            print("FAIL " + name + (": " + str(detail)[:2000] if detail else ""))

    work = tempfile.mkdtemp(prefix="lb-html-")
    try:
        env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")
        out, out2, dump = (os.path.join(work, n) for n in ("r.html", "r2.html", "model.json"))
        p = subprocess.run([exe, "scan", "-q", "-o", "html=" + out, "-o", "cyclonedx-json=" + dump, sample],
                           env=env, stderr=subprocess.PIPE)
        check("scan -o html exits 0", p.returncode == 0, p.stderr)
        subprocess.run([exe, "scan", "-q", "-o", "html=" + out2, sample], env=env)
        with open(out, encoding="utf-8") as f:
            page = f.read()
        with open(out2, encoding="utf-8") as f:
            check("same bytes twice", f.read() == page)
        pp = Page()
        pp.feed(page)
        pp.close()
        check("the page parses and every element is closed", not pp.stack, pp.stack)
        check("nothing is loaded from elsewhere (no src/href, no @import, no url())",
              not pp.refs and "@import" not in page and "url(" not in page, pp.refs)
        text = " ".join(pp.text)
        for name, lic in (("base-files", "GPL-2.0-or-later"), ("hello", "GPL-3.0-or-later"),
                          ("is-number", "MIT"), ("ms", "MIT"), ("sample-app", "Apache-2.0")):
            check("component %s with its license %s" % (name, lic),
                  re.search(r"\b%s\b" % re.escape(name), text) is not None and lic in text)
        check("four layers, each with its diff ID", len(re.findall(r"sha256:[0-9a-f]{64}", text)) >= 4)
        chromium = shutil.which("chromium")
        if not chromium:
            check("chromium is installed (scripts/setup installs it)", False)
        else:
            prof = os.path.join(work, "profile")
            p = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                                "--no-first-run", "--disable-background-networking", "--disable-component-update",
                                "--disable-sync", "--user-data-dir=" + prof, "--enable-logging=stderr", "--v=0",
                                "--virtual-time-budget=3000", "--dump-dom", "file://" + out],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
            dom, log = p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")
            errors = [l for l in log.splitlines() if "Uncaught" in l or "SyntaxError" in l]
            check("Chromium loads the page without a script error", p.returncode == 0 and not errors,
                  errors or log[-1000:])
            check("Chromium renders the component table", dom.count("<tr") >= 7 and "sample-app" in dom,
                  dom[:500])
            shot = os.path.join(work, "r.png")
            p = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                                "--no-first-run", "--disable-background-networking", "--disable-component-update",
                                "--disable-sync", "--user-data-dir=" + prof, "--window-size=1400,1000",
                                "--screenshot=" + shot, "file://" + out],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
            check("Chromium takes a screenshot of it", os.path.exists(shot) and os.path.getsize(shot) > 10000)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("%d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
