#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Generate license_db.c from the SPDX License List and the alias tables.

Usage: gen-license-db.py OUTPUT licenses.json exceptions.json ALIAS.tsv...

The alias files are recognised by name: deprecated.tsv, debian.tsv,
debian-exceptions.tsv, fedora.tsv, alpine.tsv, generic.tsv (all required).
Everything is checked here, at build time, so that the C code can trust the
tables: every id an alias or a deprecation names exists and is current,
every alias value is a valid SPDX expression, keys are unique once folded,
and every deprecated id of the list has a decision in deprecated.tsv.
Python standard library only; the output depends only on the inputs.
"""

import json
import os
import re
import sys

ALIAS_SETS = [  # file name, C enum constant
    ("debian.tsv", "LB_ALIAS_DEBIAN"),
    ("fedora.tsv", "LB_ALIAS_FEDORA"),
    ("alpine.tsv", "LB_ALIAS_ALPINE"),
    ("generic.tsv", "LB_ALIAS_GENERIC"),
    ("debian-exceptions.tsv", "LB_ALIAS_EXCEPTIONS"),
]
PUNCT = "(),;"
WS = " \t\n\r\v\f"
IDSTRING = re.compile(r"[A-Za-z0-9.\-]+\Z")


class Error(Exception):
    pass


def tokens(text):
    """Split like the C normaliser: whitespace separates, (),; stand alone."""
    out, cur = [], []
    for ch in text:
        if ch in WS or ch in PUNCT:
            if cur:
                out.append("".join(cur))
                cur = []
            if ch in PUNCT:
                out.append(ch)
        else:
            cur.append(ch)
    if cur:
        out.append("".join(cur))
    return out


def ascii_lower(s):
    return "".join(chr(ord(c) + 32) if "A" <= c <= "Z" else c for c in s)


def fold(text):
    """The key folding of lb_license_key_fold() in core/spdx.c."""
    toks = tokens(text)
    res = ""
    prev = None
    for t in toks:
        if res and t not in ")," and t != ";" and prev != "(":
            res += " "
        res += ascii_lower(t)
        prev = t
    return res, len(toks)


def c_string(s):
    """A C string literal; escapes everything that is not plain ASCII text.

    '?' is escaped because C11 still has trigraphs."""
    out = ['"']
    for b in s.encode("utf-8"):
        c = chr(b)
        if c in '"\\?':
            out.append("\\" + c)
        elif 0x20 <= b < 0x7F:
            out.append(c)
        else:
            out.append("\\%03o" % b)
    out.append('"')
    return "".join(out)


class Db:
    def __init__(self, licenses, exceptions):
        self.entries = {}  # lower id -> dict
        for l in licenses["licenses"]:
            self.add(l["licenseId"], l["name"], l["isDeprecatedLicenseId"],
                     l.get("isOsiApproved", False), l.get("isFsfLibre", False),
                     False)
        for e in exceptions["exceptions"]:
            self.add(e["licenseExceptionId"], e["name"],
                     e["isDeprecatedLicenseId"], False, False, True)
        self.version = licenses["licenseListVersion"]
        if exceptions["licenseListVersion"] != self.version:
            raise Error("licenses.json and exceptions.json disagree on the "
                        "list version")

    def add(self, ident, name, deprecated, osi, fsf, exception):
        if not IDSTRING.match(ident.rstrip("+")):
            raise Error("id '%s' is not an SPDX idstring" % ident)
        key = ascii_lower(ident)
        if key in self.entries:
            raise Error("id '%s' appears twice (case-insensitively)" % ident)
        self.entries[key] = dict(id=ident, name=name, deprecated=deprecated,
                                 osi=osi, fsf=fsf, exception=exception,
                                 succ=None, succ_exc=None)

    def get(self, ident):
        return self.entries.get(ascii_lower(ident))


def check_expression(db, expr, where):
    """Validate an alias value: SPDX 2.3 syntax, current canonical ids."""
    toks = re.findall(r"\(|\)|[^\s()]+", expr)
    pos = [0]

    def peek():
        return toks[pos[0]] if pos[0] < len(toks) else None

    def take():
        t = peek()
        pos[0] += 1
        return t

    def simple():
        t = take()
        if t is None or t in ("AND", "OR", "WITH", "(", ")"):
            raise Error("%s: expected a license, got '%s'" % (where, t))
        if t.startswith("LicenseRef-"):
            if not IDSTRING.match(t[len("LicenseRef-"):]):
                raise Error("%s: bad LicenseRef '%s'" % (where, t))
            if len(toks) != 1:
                # The normaliser pairs a LicenseRef with the words it
                # replaced, which only works when it is the whole value.
                raise Error("%s: a LicenseRef must be the whole value"
                            % where)
            return
        ident = t[:-1] if t.endswith("+") else t
        e = db.get(ident)
        if e is None or e["exception"]:
            raise Error("%s: '%s' is not a license on the list" % (where, t))
        if e["id"] != ident:
            raise Error("%s: write '%s' as '%s'" % (where, ident, e["id"]))
        if e["deprecated"]:
            raise Error("%s: '%s' is deprecated" % (where, ident))
        if t.endswith("+") and (ident.endswith("-only") or
                                ident.endswith("-or-later")):
            raise Error("%s: write '%s' without '+'" % (where, t))

    def primary():
        if peek() == "(":
            take()
            expr_or()
            if take() != ")":
                raise Error("%s: unbalanced parenthesis" % where)
        else:
            simple()
            if peek() == "WITH":
                take()
                x = take()
                e = db.get(x or "")
                if e is None or not e["exception"] or e["deprecated"] or \
                        e["id"] != x:
                    raise Error("%s: '%s' is not a current exception id"
                                % (where, x))

    def expr_and():
        primary()
        while peek() == "AND":
            take()
            primary()

    def expr_or():
        expr_and()
        while peek() == "OR":
            take()
            expr_and()

    expr_or()
    if peek() is not None:
        raise Error("%s: unexpected '%s'" % (where, peek()))


def read_tsv(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            parts = re.split(r"\t+", line, maxsplit=1)
            if len(parts) != 2:
                raise Error("%s:%d: expected 'alias<TAB>expression'"
                            % (path, n))
            key, value = parts[0].strip(), parts[1].split("#")[0].strip()
            if not key or not value:
                raise Error("%s:%d: empty column" % (path, n))
            rows.append((n, key, value))
    return rows


def load_deprecated(db, path):
    seen = set()
    for n, key, value in read_tsv(path):
        where = "%s:%d" % (os.path.basename(path), n)
        e = db.get(key)
        if e is None or e["id"] != key or not e["deprecated"]:
            raise Error("%s: '%s' is not a deprecated id on the list"
                        % (where, key))
        if key in seen:
            raise Error("%s: '%s' listed twice" % (where, key))
        seen.add(key)
        if value == "=":
            continue
        parts = value.split()
        if e["exception"]:
            ok = len(parts) == 1
        else:
            ok = len(parts) == 1 or (len(parts) == 3 and parts[1] == "WITH")
        if not ok:
            raise Error("%s: replacement must be 'ID' or 'ID WITH EXCEPTION'"
                        % where)
        r = db.get(parts[0])
        if r is None or r["deprecated"] or r["id"] != parts[0] or \
                r["exception"] != e["exception"]:
            raise Error("%s: bad replacement '%s'" % (where, parts[0]))
        e["succ"] = r["id"]
        if len(parts) == 3:
            x = db.get(parts[2])
            if x is None or x["deprecated"] or not x["exception"] or \
                    x["id"] != parts[2]:
                raise Error("%s: bad exception '%s'" % (where, parts[2]))
            e["succ_exc"] = x["id"]
    missing = [e["id"] for e in db.entries.values()
               if e["deprecated"] and e["id"] not in seen]
    if missing:
        raise Error("%s: no decision for deprecated id(s) %s"
                    % (path, ", ".join(sorted(missing))))


def load_aliases(db, path, exceptions):
    table = {}
    for n, key, value in read_tsv(path):
        where = "%s:%d" % (os.path.basename(path), n)
        if any(ord(c) > 0x7E or ord(c) < 0x20 for c in key):
            raise Error("%s: keys must be printable ASCII" % where)
        k, ntok = fold(key)
        if k in ("and", "or", "with") or k[0] in PUNCT:
            raise Error("%s: key '%s' cannot start a term" % (where, key))
        if ntok == 1:
            bare = key[:-1] if key.endswith("+") else key
            hit = [e for e in (db.get(key), db.get(bare))
                   if e is not None and e["exception"] == exceptions]
            if hit:
                raise Error("%s: '%s' is an SPDX id, which the parser reads "
                            "before any alias" % (where, key))
        if exceptions:
            e = db.get(value)
            if e is None or not e["exception"] or e["deprecated"] or \
                    e["id"] != value:
                raise Error("%s: '%s' is not a current exception id"
                            % (where, value))
        else:
            check_expression(db, value, where)
        if k in table and table[k][0] != value:
            raise Error("%s: '%s' already maps to '%s'"
                        % (where, key, table[k][0]))
        table[k] = (value, ntok)
    return table


def generate(out_path, lic_path, exc_path, alias_paths):
    with open(lic_path, encoding="utf-8") as f:
        licenses = json.load(f)
    with open(exc_path, encoding="utf-8") as f:
        exceptions = json.load(f)
    db = Db(licenses, exceptions)
    by_name = {os.path.basename(p): p for p in alias_paths}
    if "deprecated.tsv" not in by_name:
        raise Error("deprecated.tsv missing from the inputs")
    load_deprecated(db, by_name["deprecated.tsv"])
    tables = []
    for fname, enum in ALIAS_SETS:
        if fname not in by_name:
            raise Error("%s missing from the inputs" % fname)
        tables.append((fname, enum, load_aliases(
            db, by_name[fname], enum == "LB_ALIAS_EXCEPTIONS")))

    # Sorted by the lowercased id, bytewise: the order the C comparator uses.
    entries = sorted(db.entries.values(),
                     key=lambda e: ascii_lower(e["id"]).encode())
    index = {e["id"]: i for i, e in enumerate(entries)}

    o = []
    o.append("/* SPDX-License-Identifier: Apache-2.0 */")
    o.append("/*")
    o.append(" * Generated by license-texts/gen-license-db.py from the SPDX "
             "License List")
    o.append(" * %s and license-texts/aliases/. Do not edit."
             % db.version)
    o.append(" */")
    o.append("#include <stddef.h>")
    o.append("")
    o.append('#include "license_db.h"')
    o.append("")
    o.append("const char lb_license_list_version[] = %s;"
             % c_string(db.version))
    o.append("")
    o.append("const struct lb_license_info lb_license_db[] = {")
    for e in entries:
        flags = []
        if e["deprecated"]:
            flags.append("LB_LICENSE_DEPRECATED")
        if e["osi"]:
            flags.append("LB_LICENSE_OSI_APPROVED")
        if e["fsf"]:
            flags.append("LB_LICENSE_FSF_LIBRE")
        if e["exception"]:
            flags.append("LB_LICENSE_EXCEPTION")
        succ = index[e["succ"]] if e["succ"] else -1
        succ_exc = index[e["succ_exc"]] if e["succ_exc"] else -1
        o.append("\t{ %s, %s, %s, %d, %d }," % (
            c_string(e["id"]), c_string(e["name"]),
            " | ".join(flags) if flags else "0", succ, succ_exc))
    o.append("};")
    o.append("const size_t lb_license_db_len = %d;" % len(entries))
    o.append("")
    for fname, enum, table in tables:
        var = "alias_" + fname[:-4].replace("-", "_")
        o.append("/* %s */" % fname)
        o.append("static const struct lb_license_alias %s[] = {" % var)
        for k in sorted(table, key=lambda s: s.encode()):
            o.append("\t{ %s, %s }," % (c_string(k), c_string(table[k][0])))
        o.append("};")
        o.append("")
    o.append("const struct lb_alias_table lb_alias_tables[LB_ALIAS_COUNT] = {")
    for fname, enum, table in tables:
        var = "alias_" + fname[:-4].replace("-", "_")
        maxtok = max(v[1] for v in table.values())
        maxlen = max(len(k) for k in table)
        o.append("\t[%s] = { %s, %d, %d, %d }," % (enum, var, len(table),
                                                 maxtok, maxlen))
    o.append("};")
    text = "\n".join(o) + "\n"
    try:
        with open(out_path, encoding="utf-8") as f:
            if f.read() == text:
                return
    except FileNotFoundError:
        pass
    with open(out_path + ".tmp", "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(out_path + ".tmp", out_path)


def main(argv):
    if len(argv) < 4:
        sys.stderr.write("usage: gen-license-db.py OUTPUT licenses.json "
                         "exceptions.json ALIAS.tsv...\n")
        return 2
    try:
        generate(argv[1], argv[2], argv[3], argv[4:])
    except (Error, OSError, ValueError, KeyError) as e:
        sys.stderr.write("gen-license-db: %s\n" % e)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
