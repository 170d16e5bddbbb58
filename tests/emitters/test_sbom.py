#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Proves the SBOM formats of `layerbom scan` on images built at test time.

Usage: test_sbom.py LAYERBOM SCHEMAS [TEST_EMIT]

SCHEMAS is the folder of the official schemas (spdx-2.3.schema.json,
cyclonedx/bom-1.6.schema.json, cyclonedx/bom-1.6.xsd, ...).  TEST_EMIT is the
unit test program; run with a directory it writes the documents of a model
built by hand (every license shape, copyrights, evidence, colliding ids),
which are validated here too.  SPDX 3.0.1 JSON-LD is validated against its schema
and compared with the SPDX 2.3 document.

Every document is validated against its schema (python3-jsonschema for JSON,
xmllint for XML, no network); the tag-value document is parsed and compared
with the JSON one field by field; CycloneDX JSON and XML are compared too;
two runs give the same bytes; every license id is on the SPDX list or a
LicenseRef defined in the document; identifiers are unique; every component
sits in the layer that introduced it.  Prints one line per check and ends
with "N passed, N failed"; exits 1 if a check failed.
"""

import json
import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(HERE, "..", "..")
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
import imagetool as it  # noqa: E402
from imagetool import Entry as E, Layer  # noqa: E402

SDE = "1700000000"
SDE_TS = "2023-11-14T22:13:20Z"
FORMATS = [("spdx-json", "spdx.json"), ("spdx-tv", "spdx"),
           ("cyclonedx-json", "cdx.json"), ("cyclonedx-xml", "cdx.xml"), ("spdx3-json", "spdx3.json")]
CDX_NS = "{http://cyclonedx.org/schema/bom/1.6}"


class Runner:
    def __init__(self, exe, schemas, work):
        self.exe, self.schemas, self.work = exe, schemas, work
        self.passed = self.failed = 0

    def check(self, name, ok, detail=""):
        if ok:
            self.passed += 1
            print("ok   " + name)
        else:
            self.failed += 1
            detail = str(detail)
            detail = detail if len(detail) < 2000 else detail[:2000] + "..."
            print("FAIL " + name + (": " + detail.replace("\n", "\n     | ") if detail else ""))
        sys.stdout.flush()
        return ok

    def lb(self, *args, env=None, stdout=subprocess.PIPE):
        e = dict(os.environ)
        e.pop("SOURCE_DATE_EPOCH", None)
        e.update(env or {})
        p = subprocess.run([self.exe, *args], stdout=stdout, stderr=subprocess.PIPE, timeout=120, env=e)
        return p.returncode, p.stdout, p.stderr.decode("utf-8", "replace")

    def path(self, *parts):
        return os.path.join(self.work, *parts)


# ---- validators -------------------------------------------------------------

def _tolerate_unsortable_extras(jsonschema):
    """Debian 12's python3-jsonschema (4.10) crashes with a TypeError while
    formatting the message of an `additionalItems` error whose extra items
    are objects (it sorts them): CycloneDX's license choice is a oneOf whose
    expression branch has additionalItems, so any document with two or more
    license objects in one list crashed the validator instead of validating.
    The message is only formatted, never sorted, here; validation itself is
    unchanged."""
    try:
        import jsonschema._utils as u
        import jsonschema._validators as v
    except ImportError:
        return

    def extras_msg(extras):
        return ", ".join(repr(e) for e in extras), ("was" if len(extras) == 1 else "were")

    u.extras_msg = extras_msg
    if hasattr(v, "extras_msg"):
        v.extras_msg = extras_msg


class Schemas:
    def __init__(self, d):
        import jsonschema
        _tolerate_unsortable_extras(jsonschema)
        self.d = d
        self.jsonschema = jsonschema
        with open(os.path.join(d, "spdx-2.3.schema.json")) as f:
            self.spdx = jsonschema.Draft7Validator(json.load(f))
        cdx_dir = os.path.join(d, "cyclonedx")
        with open(os.path.join(cdx_dir, "bom-1.6.schema.json")) as f:
            bom = json.load(f)
        # bom-1.6 names spdx.schema.json and jsf-0.82.schema.json relative
        # to its $id: serve both from the folder, never from the network.
        base = bom["$id"].rsplit("/", 1)[0] + "/"
        local = {}
        for name in ("spdx.schema.json", "jsf-0.82.schema.json"):
            with open(os.path.join(cdx_dir, name)) as f:
                local[name] = json.load(f)
        try:
            from referencing import Registry, Resource
            from referencing.jsonschema import DRAFT7
            res = []
            for name, s in local.items():
                r = Resource.from_contents(s, default_specification=DRAFT7)
                res.append((base + name, r))
                if "$id" in s:
                    res.append((s["$id"], r))
            self.cdx = jsonschema.Draft7Validator(bom, registry=Registry().with_resources(res))
        except ImportError:  # jsonschema < 4.18
            store = {base + n: s for n, s in local.items()}
            store.update({s["$id"]: s for s in local.values() if "$id" in s})
            resolver = jsonschema.RefResolver.from_schema(bom, store=store)
            self.cdx = jsonschema.Draft7Validator(bom, resolver=resolver)
        with open(os.path.join(d, "spdx-3.0.1.schema.json")) as f:
            self.spdx3_schema = json.load(f)
        # Each "<Class>_derived" is anyOf(an object of the class, or an
        # IRI string); jsonschema tries every class even for a string.
        # if/then/else says the same (an object cannot be a string) and
        # lets strings skip the classes: 20 s a document becomes 2.
        for k, v in self.spdx3_schema["$defs"].items():
            a = v.get("anyOf") if k.endswith("_derived") else None
            if a and a[0].get("type") == "object" and all(x.get("type") != "object" for x in a[1:]):
                self.spdx3_schema["$defs"][k] = {"if": {"type": "object"}, "then": a[0],
                                                 "else": {"anyOf": a[1:]}}
        self.spdx3 = jsonschema.Draft202012Validator(self.spdx3_schema)
        self.spdx3_types = {}
        self.xsd = os.path.join(cdx_dir, "bom-1.6.xsd")
        self.catalog = os.path.join(cdx_dir, "xmlcatalog.xml")

    @staticmethod
    def _errors(v, doc):
        errs = sorted(v.iter_errors(doc), key=lambda e: list(e.path))
        return "\n".join("%s: %s" % ("/".join(map(str, e.path)), e.message[:300]) for e in errs[:5])

    def spdx_errors(self, doc):
        return self._errors(self.spdx, doc)

    def cdx_errors(self, doc):
        return self._errors(self.cdx, doc)

    def spdx3_errors(self, doc):
        """The whole schema, applied in two steps so that an error names
        the item and what is wrong with it (AnyClass would only say that
        no class matched): the document's shape with an empty @graph, then
        each item against the class its "type" names (the one AnyClass
        branch that can match), with the same unevaluatedProperties rule."""
        if not isinstance(doc, dict) or not isinstance(doc.get("@graph"), list):
            return self._errors(self.spdx3, doc) or "no @graph"
        shell = dict(doc)
        shell["@graph"] = []
        errs = self._errors(self.spdx3, shell)
        if errs:
            return errs
        defs = self.spdx3_schema["$defs"]
        classes = {b["$ref"].rsplit("/", 1)[1] for b in defs["AnyClass"]["anyOf"]}
        out = []
        for i, item in enumerate(doc["@graph"]):
            t = item.get("type") if isinstance(item, dict) else None
            if t not in classes:
                out.append("@graph/%d: type %r is not an SPDX 3.0.1 class" % (i, t))
                continue
            v = self.spdx3_types.get(t)
            if v is None:
                v = self.jsonschema.Draft202012Validator(
                    {"$defs": defs, "type": "object", "$ref": "#/$defs/" + t, "unevaluatedProperties": False})
                self.spdx3_types[t] = v
            e = self._errors(v, item)
            if e:
                out.append("@graph/%d (%s): %s" % (i, t, e))
        return "\n".join(out[:5])

    def xml_errors(self, path):
        env = dict(os.environ, XML_CATALOG_FILES=self.catalog)
        p = subprocess.run(["xmllint", "--noout", "--nonet", "--schema", self.xsd, path],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, timeout=120)
        return "" if p.returncode == 0 else p.stderr.decode("utf-8", "replace")[:2000]


def load_license_list():
    with open(os.path.join(SRC, "license-texts", "licenses.json")) as f:
        lic = {l["licenseId"] for l in json.load(f)["licenses"]}
    with open(os.path.join(SRC, "license-texts", "exceptions.json")) as f:
        exc = {e["licenseExceptionId"] for e in json.load(f)["exceptions"]}
    return lic, exc


LICENSES, EXCEPTIONS = load_license_list()


def expression_problems(expr, defined_refs):
    """What is wrong with an SPDX expression: ids off the list, undefined refs."""
    if expr in ("NOASSERTION", "NONE"):
        return []
    bad = []
    toks = re.findall(r"[()]|[^\s()]+", expr)
    if not toks:
        return ["empty expression"]
    after_with = False
    for t in toks:
        if t in ("(", ")", "AND", "OR"):
            after_with = False
            continue
        if t == "WITH":
            after_with = True
            continue
        if after_with:
            if t not in EXCEPTIONS:
                bad.append("'%s' is not an SPDX exception" % t)
        elif t.startswith("LicenseRef-"):
            if t not in defined_refs:
                bad.append("'%s' is not defined" % t)
        elif t.rstrip("+") not in LICENSES:
            bad.append("'%s' is not an SPDX license id" % t)
        after_with = False
    return bad


# ---- SPDX tag-value reader --------------------------------------------------

def parse_tv(text):
    """Parses SPDX 2.3 tag-value into (tag, value) pairs."""
    pairs, i, lines = [], 0, text.split("\n")
    while i < len(lines):
        line = lines[i]
        i += 1
        if not line.strip() or line.startswith("#"):
            continue
        tag, sep, val = line.partition(": ")
        if not sep:
            raise ValueError("line %d: not 'Tag: value': %r" % (i, line))
        if val.startswith("<text>"):
            val = val[6:]
            while "</text>" not in val:
                if i >= len(lines):
                    raise ValueError("unterminated <text> for %s" % tag)
                val += "\n" + lines[i]
                i += 1
            end = val.index("</text>")
            if val[end + 7:].strip():
                raise ValueError("text after </text>: %r" % val[end + 7:])
            val = val[:end]
        pairs.append((tag, val))
    return pairs


PKG_TAGS = {"PackageVersion": "versionInfo", "PackageSupplier": "supplier",
            "PackageOriginator": "originator", "PackageDownloadLocation": "downloadLocation",
            "PackageHomePage": "homepage", "PackageSourceInfo": "sourceInfo",
            "PackageLicenseConcluded": "licenseConcluded", "PackageLicenseDeclared": "licenseDeclared",
            "PackageCopyrightText": "copyrightText", "PackageSummary": "summary",
            "PackageComment": "comment"}
FILE_TAGS = {"LicenseConcluded": "licenseConcluded", "FileCopyrightText": "copyrightText",
             "FileComment": "comment"}


def tv_to_json(text):
    """Rebuilds the SPDX JSON document from tag-value, as far as layerbom writes it."""
    doc = {"creationInfo": {"creators": []}, "packages": [], "files": [],
           "hasExtractedLicensingInfos": [], "relationships": []}
    cur = None
    by_id = {}
    ann = None
    for tag, val in parse_tv(text):
        if tag in ("SPDXVersion", "DataLicense", "DocumentName", "DocumentNamespace"):
            doc[{"SPDXVersion": "spdxVersion", "DataLicense": "dataLicense",
                 "DocumentName": "name", "DocumentNamespace": "documentNamespace"}[tag]] = val
        elif tag == "SPDXID" and cur is None:
            doc["SPDXID"] = val
        elif tag == "Creator":
            doc["creationInfo"]["creators"].append(val)
        elif tag == "Created":
            doc["creationInfo"]["created"] = val
        elif tag == "LicenseListVersion":
            doc["creationInfo"]["licenseListVersion"] = val
        elif tag == "CreatorComment":
            doc["creationInfo"]["comment"] = val
        elif tag == "PackageName":
            cur = {"name": val}
            doc["packages"].append(cur)
        elif tag == "FileName":
            cur = {"fileName": val}
            doc["files"].append(cur)
        elif tag == "SPDXID":
            cur["SPDXID"] = val
            by_id[val] = cur
        elif tag in PKG_TAGS and "name" in cur:
            cur[PKG_TAGS[tag]] = val
        elif tag in FILE_TAGS and "fileName" in cur:
            cur[FILE_TAGS[tag]] = val
        elif tag == "FilesAnalyzed":
            cur["filesAnalyzed"] = val == "true"
        elif tag == "PackageVerificationCode":
            cur["packageVerificationCode"] = {"packageVerificationCodeValue": val}
        elif tag in ("PackageChecksum", "FileChecksum"):
            alg, _, v = val.partition(": ")
            cur.setdefault("checksums", []).append({"algorithm": alg, "checksumValue": v})
        elif tag == "ExternalRef":
            cat, typ, loc = val.split(" ", 2)
            cur.setdefault("externalRefs", []).append(
                {"referenceCategory": cat, "referenceType": typ, "referenceLocator": loc})
        elif tag == "PrimaryPackagePurpose":
            cur["primaryPackagePurpose"] = val.replace("-", "_")
        elif tag == "Annotator":
            ann = {"annotator": val}
        elif tag == "AnnotationDate":
            ann["annotationDate"] = val
        elif tag == "AnnotationType":
            ann["annotationType"] = val
        elif tag == "SPDXREF":
            by_id[val].setdefault("annotations", []).append(ann)
        elif tag == "AnnotationComment":
            ann["comment"] = val
        elif tag == "LicenseID":
            cur = {"licenseId": val}
            doc["hasExtractedLicensingInfos"].append(cur)
        elif tag == "ExtractedText":
            cur["extractedText"] = val
        elif tag == "LicenseName":
            cur["name"] = val
        elif tag == "Relationship":
            a, t, b = val.split(" ")
            doc["relationships"].append({"spdxElementId": a, "relationshipType": t,
                                         "relatedSpdxElement": b})
        else:
            raise ValueError("unexpected tag %s" % tag)
    for k in ("files", "hasExtractedLicensingInfos"):
        if not doc[k]:
            del doc[k]
    return doc


def first_diff(a, b, path=""):
    if type(a) is not type(b):
        return "%s: %r vs %r" % (path, a, b)
    if isinstance(a, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                return "%s/%s only in %s" % (path, k, "the first" if k in a else "the second")
            d = first_diff(a[k], b[k], path + "/" + str(k))
            if d:
                return d
        return None
    if isinstance(a, list):
        if len(a) != len(b):
            return "%s: %d vs %d items" % (path, len(a), len(b))
        for i, (x, y) in enumerate(zip(a, b)):
            d = first_diff(x, y, "%s[%d]" % (path, i))
            if d:
                return d
        return None
    return None if a == b else "%s: %r vs %r" % (path, a, b)


# ---- CycloneDX XML reader ---------------------------------------------------

def cdx_xml_summary(path):
    """(components by bom-ref: (name, version, purl, licenses), dependencies)."""
    root = ET.parse(path).getroot()
    comps = {}

    def walk(parent):
        for c in parent.findall(CDX_NS + "component"):
            lic = []
            ls = c.find(CDX_NS + "licenses")
            if ls is not None:
                for l in ls:
                    if l.tag == CDX_NS + "expression":
                        lic.append(("expression", l.text, l.get("acknowledgement")))
                    else:
                        i, n = l.find(CDX_NS + "id"), l.find(CDX_NS + "name")
                        lic.append(("id" if i is not None else "name",
                                    (i if i is not None else n).text, l.get("acknowledgement")))
            props = [(p.get("name"), p.text or "") for p in c.findall(CDX_NS + "properties/" + CDX_NS + "property")]
            comps[c.get("bom-ref")] = (c.findtext(CDX_NS + "name"), c.findtext(CDX_NS + "version"),
                                       c.findtext(CDX_NS + "purl"), lic, c.findtext(CDX_NS + "copyright"),
                                       props)
            sub = c.find(CDX_NS + "components")
            if sub is not None:
                walk(sub)
    walk(root.find(CDX_NS + "components"))
    deps = {}
    for d in root.findall(CDX_NS + "dependencies/" + CDX_NS + "dependency"):
        deps[d.get("ref")] = [x.get("ref") for x in d.findall(CDX_NS + "dependency")]
    return comps, deps, root


def cdx_json_summary(doc):
    comps = {}

    def walk(cs):
        for c in cs:
            lic = []
            for l in c.get("licenses", []):
                if "expression" in l:
                    lic.append(("expression", l["expression"], l.get("acknowledgement")))
                else:
                    x = l["license"]
                    lic.append(("id" if "id" in x else "name", x.get("id", x.get("name")),
                                x.get("acknowledgement")))
            props = [(p["name"], p.get("value", "")) for p in c.get("properties", [])]
            comps[c["bom-ref"]] = (c["name"], c.get("version"), c.get("purl"), lic, c.get("copyright"), props)
            walk(c.get("components", []))
    walk(doc.get("components", []))
    deps = {d["ref"]: d.get("dependsOn", []) for d in doc.get("dependencies", [])}
    return comps, deps


def all_cdx_components(doc):
    out = []

    def walk(cs, parent):
        for c in cs:
            out.append((c, parent))
            walk(c.get("components", []), c)
    walk(doc.get("components", []), None)
    return out


# ---- the checks on one set of documents -------------------------------------

def check_documents(r, sc, name, paths, files=False):
    """paths: format -> file.  Returns the parsed SPDX JSON and CycloneDX JSON."""
    docs = {}
    try:
        with open(paths["spdx-json"]) as f:
            spdx = json.load(f)
        with open(paths["cyclonedx-json"]) as f:
            cdx = json.load(f)
        with open(paths["spdx-tv"], encoding="utf-8") as f:
            tv = f.read()
    except (OSError, ValueError) as e:
        r.check(name + ": documents read", False, e)
        return None, None
    docs["spdx"], docs["cdx"] = spdx, cdx
    if "spdx3-json" in paths:
        check_spdx3(r, sc, name, paths["spdx3-json"], spdx)
    errs = sc.spdx_errors(spdx)
    r.check(name + ": SPDX 2.3 JSON is valid against spdx-2.3.schema.json", not errs, errs)
    errs = sc.cdx_errors(cdx)
    r.check(name + ": CycloneDX JSON is valid against bom-1.6.schema.json", not errs, errs)
    errs = sc.xml_errors(paths["cyclonedx-xml"])
    r.check(name + ": CycloneDX XML is valid against bom-1.6.xsd", not errs, errs)

    # tag-value says what the JSON says
    try:
        back = tv_to_json(tv)
        d = first_diff(back, spdx)
        r.check(name + ": tag-value and JSON say the same", d is None, d)
    except (ValueError, KeyError, TypeError, AttributeError) as e:
        r.check(name + ": tag-value parses", False, repr(e))

    # SPDX: identifiers, licenses, relationships
    pkgs = spdx.get("packages", [])
    ids = [p["SPDXID"] for p in pkgs] + [f["SPDXID"] for f in spdx.get("files", [])] + [spdx["SPDXID"]]
    r.check(name + ": SPDXIDs are unique", len(ids) == len(set(ids)),
            sorted({i for i in ids if ids.count(i) > 1}))
    r.check(name + ": SPDXIDs use only [A-Za-z0-9.-]",
            all(re.fullmatch(r"SPDXRef-[A-Za-z0-9.\-]+", i) for i in ids),
            [i for i in ids if not re.fullmatch(r"SPDXRef-[A-Za-z0-9.\-]+", i)])
    refs = {e["licenseId"]: e for e in spdx.get("hasExtractedLicensingInfos", [])}
    r.check(name + ": every extracted license has a text and a name",
            all(e.get("extractedText") and e.get("name") and e["licenseId"].startswith("LicenseRef-")
                for e in refs.values()))
    bad = []
    for p in pkgs:
        for k in ("licenseConcluded", "licenseDeclared"):
            if k not in p:
                bad.append("%s has no %s" % (p["SPDXID"], k))
            else:
                bad += ["%s %s: %s" % (p["SPDXID"], k, m) for m in expression_problems(p[k], refs)]
    r.check(name + ": SPDX licenses are listed ids or defined LicenseRefs", not bad, bad)
    ntia = [p["SPDXID"] for p in pkgs if not p.get("supplier") or not p.get("name") or
            "copyrightText" not in p or "downloadLocation" not in p]
    r.check(name + ": every SPDX package has supplier, name, copyright, download location", not ntia, ntia)
    rels = spdx.get("relationships", [])
    idset = set(ids)
    dangling = [x for x in rels if x["spdxElementId"] not in idset or x["relatedSpdxElement"] not in idset]
    r.check(name + ": relationships name elements of the document", not dangling, dangling[:3])
    desc = [x for x in rels if x["relationshipType"] == "DESCRIBES"]
    image = next((p for p in pkgs if p.get("primaryPackagePurpose") == "CONTAINER"), None)
    r.check(name + ": the document DESCRIBES the image (CONTAINER)",
            image is not None and len(desc) == 1 and desc[0]["relatedSpdxElement"] == image["SPDXID"] and
            desc[0]["spdxElementId"] == "SPDXRef-DOCUMENT")
    contained_by = {}
    for x in rels:
        if x["relationshipType"] == "CONTAINS":
            contained_by.setdefault(x["relatedSpdxElement"], []).append(x["spdxElementId"])
    layer_pkgs = [p for p in pkgs if p["SPDXID"].startswith("SPDXRef-Layer-")]
    comps = [p for p in pkgs if p["SPDXID"].startswith("SPDXRef-Package-")]
    r.check(name + ": the image CONTAINS every layer",
            all(contained_by.get(l["SPDXID"]) == [image["SPDXID"]] for l in layer_pkgs) if image else False)
    wrong = []
    for p in comps:
        intro = [a["comment"].split("=", 1)[1] for a in p.get("annotations", [])
                 if a["comment"].startswith("layerbom:introduced-layer=")]
        by = contained_by.get(p["SPDXID"], [])
        if len(by) != 1:
            wrong.append("%s contained by %r" % (p["SPDXID"], by))
        elif intro:
            layer = next((l for l in layer_pkgs if l["SPDXID"] == by[0]), None)
            n = int(re.match(r"layer (\d+)", intro[0]).group(1))
            if not layer or layer["SPDXID"] != "SPDXRef-Layer-%d" % n:
                wrong.append("%s: introduced in %s, contained by %s" % (p["SPDXID"], intro[0], by[0]))
        elif by[0] != image["SPDXID"]:
            wrong.append("%s: no layer, contained by %s" % (p["SPDXID"], by[0]))
    r.check(name + ": each component is CONTAINED by the layer that introduced it", not wrong, wrong)
    r.check(name + ": created is SOURCE_DATE_EPOCH", spdx["creationInfo"]["created"] == SDE_TS,
            spdx["creationInfo"]["created"])
    m = re.fullmatch(r"https://spdx\.org/spdxdocs/layerbom-[^#\s]+-([0-9a-f-]{36})", spdx.get("documentNamespace", ""))
    r.check(name + ": documentNamespace holds a version-5 UUID",
            m is not None and m.group(1)[14] == "5", spdx.get("documentNamespace"))
    if files:
        fl = spdx.get("files", [])
        r.check(name + ": --files lists files with SHA-1 and SHA-256",
                fl and all({c["algorithm"] for c in f["checksums"]} == {"SHA1", "SHA256"} for f in fl), len(fl))
        analyzed = [p for p in pkgs if p.get("filesAnalyzed")]
        r.check(name + ": filesAnalyzed packages have a verification code",
                all(re.fullmatch(r"[0-9a-f]{40}", p.get("packageVerificationCode", {}).get(
                    "packageVerificationCodeValue", "")) for p in analyzed))
        fids = {f["SPDXID"] for f in fl}
        r.check(name + ": every file is CONTAINED by a layer",
                all(any(c.startswith("SPDXRef-Layer-") for c in contained_by.get(f, [])) for f in fids))

    # CycloneDX
    allc = all_cdx_components(cdx)
    refs_c = [c["bom-ref"] for c, _ in allc] + [cdx["metadata"]["component"]["bom-ref"]]
    r.check(name + ": bom-refs are unique", len(refs_c) == len(set(refs_c)),
            sorted({i for i in refs_c if refs_c.count(i) > 1}))
    deps = {d["ref"]: d.get("dependsOn") for d in cdx.get("dependencies", [])}
    r.check(name + ": dependencies list every component, with dependsOn",
            set(deps) == set(refs_c) and all(isinstance(v, list) for v in deps.values()),
            sorted(set(refs_c) ^ set(deps))[:5])
    r.check(name + ": dependsOn names components of the BOM",
            all(x in set(refs_c) for v in deps.values() for x in (v or [])))
    img = cdx["metadata"]["component"]
    r.check(name + ": metadata.component is the image (container, pkg:oci purl)",
            img["type"] == "container" and (img.get("purl", "pkg:oci/").startswith("pkg:oci/")))
    layers_c = [c for c, parent in allc if parent is None and c["bom-ref"].startswith("layer:")]
    r.check(name + ": the image depends on every layer",
            all(l["bom-ref"] in (deps.get(img["bom-ref"]) or []) for l in layers_c))
    wrong = []
    for c, parent in allc:
        intro = [p["value"] for p in c.get("properties", []) if p["name"] == "layerbom:introduced-layer"]
        if c["bom-ref"].startswith("layer:"):
            continue
        if c["type"] == "file" and c["bom-ref"].startswith("file:"):
            continue
        if intro and (parent is None or parent["bom-ref"] != intro[0]):
            wrong.append("%s: introduced-layer %s, nested in %s" % (
                c["bom-ref"], intro[0], parent["bom-ref"] if parent else None))
        if intro and c["bom-ref"] not in (deps.get(intro[0]) or []):
            wrong.append("%s: its layer does not depend on it" % c["bom-ref"])
    r.check(name + ": each component is nested in (and a dependency of) its layer", not wrong, wrong)
    bad = []
    for c, _ in allc:
        ls = c.get("licenses", []) + c.get("evidence", {}).get("licenses", [])
        for l in ls:
            if "expression" in l:
                defined = {x["license"]["name"] for x in ls if "license" in x and "name" in x["license"]}
                defined |= {p["value"] for p in c.get("properties", []) if False}
                probs = expression_problems(l["expression"], defined)
                bad += ["%s: %s" % (c["bom-ref"], p) for p in probs]
            else:
                x = l["license"]
                if "id" in x and x["id"] not in LICENSES:
                    bad.append("%s: license.id %s" % (c["bom-ref"], x["id"]))
                if "name" in x and (not x.get("text", {}).get("content")):
                    bad.append("%s: license %s has no text" % (c["bom-ref"], x["name"]))
                if "name" not in x and "id" not in x:
                    bad.append("%s: empty license" % c["bom-ref"])
    r.check(name + ": CycloneDX licenses are listed ids, expressions with defined refs, or named with text",
            not bad, bad)
    r.check(name + ": timestamp is SOURCE_DATE_EPOCH", cdx["metadata"].get("timestamp") == SDE_TS)
    sn = cdx.get("serialNumber", "")
    r.check(name + ": serialNumber is a version-5 urn:uuid",
            re.fullmatch(r"urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", sn), sn)

    # CycloneDX says what SPDX says about each component
    def cdx_licenses(c):
        got = {}
        for where in (c.get("licenses", []), c.get("evidence", {}).get("licenses", [])):
            for l in where:
                if "expression" in l:
                    got.setdefault(l.get("acknowledgement"), l["expression"])
                elif l["license"].get("acknowledgement"):
                    x = l["license"]
                    got.setdefault(x["acknowledgement"], x.get("id", x.get("name")))
        for p in c.get("properties", []):
            if p["name"] == "layerbom:concluded-license":
                got.setdefault("concluded", p["value"])
        return got.get("declared", "NOASSERTION"), got.get("concluded", "NOASSERTION")

    layer_of = {}
    for c, parent in allc:
        if parent is not None and parent["bom-ref"].startswith("layer:"):
            layer_of[c["bom-ref"]] = int(parent["bom-ref"].split(":")[1])
    from_cdx = {}
    for c, parent in allc:
        if c["bom-ref"].startswith(("layer:", "file:")):
            continue
        from_cdx[(c["name"], c.get("version"), c.get("purl"))] = cdx_licenses(c) + (layer_of.get(c["bom-ref"]),)
    from_spdx = {}
    for p in comps:
        purl = [e["referenceLocator"] for e in p.get("externalRefs", []) if e["referenceType"] == "purl"]
        by = contained_by.get(p["SPDXID"], [None])[0] or ""
        layer = int(by.rsplit("-", 1)[1]) if by.startswith("SPDXRef-Layer-") else None
        from_spdx[(p["name"], p.get("versionInfo"), purl[0] if purl else None)] = (
            p.get("licenseDeclared"), p.get("licenseConcluded"), layer)
    r.check(name + ": CycloneDX and SPDX give the same components, licenses and layers",
            from_cdx == from_spdx,
            first_diff(from_cdx, from_spdx) if set(from_cdx) == set(from_spdx)
            else sorted(map(str, set(from_cdx) ^ set(from_spdx)))[:5])

    # XML says what JSON says
    try:
        xc, xd, root = cdx_xml_summary(paths["cyclonedx-xml"])
        jc, jd = cdx_json_summary(cdx)
        d = first_diff(xc, {k: tuple(v) for k, v in jc.items()}) if set(xc) == set(jc) else \
            "components differ: %s" % sorted(set(xc) ^ set(jc))[:5]
        if d is None:
            d = first_diff(xd, jd)
        if d is None and root.get("serialNumber") != cdx["serialNumber"]:
            d = "serialNumber differs"
        r.check(name + ": CycloneDX XML and JSON say the same", d is None, d)
    except (ET.ParseError, AttributeError, KeyError, TypeError) as e:
        r.check(name + ": CycloneDX XML parses", False, repr(e))
    return spdx, cdx


def check_spdx3(r, sc, name, path, spdx):
    """SPDX 3.0.1: schema, references, licenses, and the same packages and
    containment as the SPDX 2.3 document."""
    try:
        with open(path) as f:
            doc = json.load(f)
    except (OSError, ValueError) as e:
        r.check(name + ": SPDX 3 document reads", False, e)
        return
    errs = sc.spdx3_errors(doc)
    r.check(name + ": SPDX 3.0.1 JSON-LD is valid against spdx-3.0.1.schema.json", not errs, errs)
    graph = doc.get("@graph", [])
    ids = [o["spdxId"] for o in graph if "spdxId" in o]
    r.check(name + ": SPDX 3 spdxIds are unique", len(ids) == len(set(ids)))
    known = set(ids) | {"_:creationinfo"}
    refs = []
    for o in graph:
        for k in ("from", "subject", "suppliedBy", "dataLicense", "creationInfo"):
            if k in o:
                refs.append(o[k])
        for k in ("to", "originatedBy", "rootElement", "element", "createdBy", "createdUsing"):
            refs += o.get(k, [])
        refs += [e["value"] for e in o.get("simplelicensing_customIdToUri", [])]
    missing = sorted({x for x in refs if x not in known})
    r.check(name + ": SPDX 3 references name elements of the graph", not missing, missing[:5])
    sdoc = [o for o in graph if o.get("type") == "SpdxDocument"]
    members = set(sdoc[0].get("element", [])) if sdoc else set()
    r.check(name + ": SPDX 3 document lists every element",
            len(sdoc) == 1 and members == set(ids) - {sdoc[0]["spdxId"]},
            sorted((set(ids) - members))[:5])
    bad = []
    for o in graph:
        if o.get("type") == "simplelicensing_LicenseExpression":
            defined = {e["key"] for e in o.get("simplelicensing_customIdToUri", [])}
            bad += expression_problems(o["simplelicensing_licenseExpression"], defined)
    r.check(name + ": SPDX 3 licenses are listed ids or mapped LicenseRefs", not bad, bad)
    if not spdx:
        return
    local = lambda i: i.split("#", 1)[1]
    pk3 = {local(o["spdxId"]): (o["name"], o.get("software_packageVersion"), o.get("software_packageUrl"))
           for o in graph if o.get("type") == "software_Package"}
    pk2 = {}
    for p in spdx["packages"]:
        purl = [e["referenceLocator"] for e in p.get("externalRefs", []) if e["referenceType"] == "purl"]
        pk2[p["SPDXID"]] = (p["name"], p.get("versionInfo"), purl[0] if purl else None)
    r.check(name + ": SPDX 3 and SPDX 2.3 hold the same packages", pk3 == pk2,
            first_diff(pk3, pk2) if set(pk3) == set(pk2) else sorted(set(pk3) ^ set(pk2))[:5])
    c3 = {(local(o["from"]), local(t)) for o in graph if o.get("relationshipType") == "contains" for t in o["to"]}
    c2 = {(x["spdxElementId"], x["relatedSpdxElement"]) for x in spdx["relationships"]
          if x["relationshipType"] == "CONTAINS"}
    r.check(name + ": SPDX 3 and SPDX 2.3 say the same about what contains what", c3 == c2,
            sorted(c3 ^ c2)[:5])
    l3 = {}
    for o in graph:
        if o.get("relationshipType") in ("hasDeclaredLicense", "hasConcludedLicense"):
            expr = next(e["simplelicensing_licenseExpression"] for e in graph if e.get("spdxId") == o["to"][0])
            l3[(local(o["from"]), o["relationshipType"])] = expr
    l2 = {}
    for p in spdx["packages"]:
        for k, t in (("licenseDeclared", "hasDeclaredLicense"), ("licenseConcluded", "hasConcludedLicense")):
            if p.get(k, "NOASSERTION") != "NOASSERTION":
                l2[(p["SPDXID"], t)] = p[k]
    r.check(name + ": SPDX 3 and SPDX 2.3 give the same licenses", l3 == l2,
            first_diff(l3, l2) if set(l3) == set(l2) else sorted(set(l3) ^ set(l2))[:5])


def scan_all(r, image, tag, extra=(), env=None):
    """Runs one scan writing the five SBOM formats; returns (rc, err, paths)."""
    d = r.path("out-" + tag)
    os.makedirs(d, exist_ok=True)
    paths = {f: os.path.join(d, "doc." + ext) for f, ext in FORMATS}
    args = ["scan", "-q", *extra]
    for f, p in paths.items():
        args += ["-o", "%s=%s" % (f, p)]
    e = {"SOURCE_DATE_EPOCH": SDE}
    e.update(env or {})
    rc, _, err = r.lb(*args, image, env=e)
    return rc, err, paths


def read_all(paths):
    out = {}
    for f, p in paths.items():
        with open(p, "rb") as fh:
            out[f] = fh.read()
    return out


def run_image(r, sc, name, image, files=False, opts=()):
    extra = (["--files"] if files else []) + list(opts)
    rc, err, paths = scan_all(r, image, name, extra)
    if not r.check(name + ": scan writes the five SBOM formats", rc == 0, "exit %d %s" % (rc, err)):
        return None, None
    spdx, cdx = check_documents(r, sc, name, paths, files)
    first = read_all(paths)
    rc2, err2, paths2 = scan_all(r, image, name + "-again", extra + ["-j", "1"])
    rc3, err3, paths3 = scan_all(r, image, name + "-j2", extra + ["-j", "2"])
    if r.check(name + ": rescans succeed", rc2 == 0 and rc3 == 0, err2 + err3):
        second, third = read_all(paths2), read_all(paths3)
        r.check(name + ": same image, same bytes (-j 1 and -j 2 too)",
                all(first[f] == second[f] == third[f] for f in first),
                [f for f in first if not first[f] == second[f] == third[f]])
    leftovers = [f for f in os.listdir(os.path.dirname(paths["spdx-json"])) if not f.startswith("doc.")]
    r.check(name + ": no temporary files are left", not leftovers, leftovers)
    return spdx, cdx


# ---- images -----------------------------------------------------------------

OS_RELEASE = b'NAME="Layerbom Test"\nID=lbtest\nVERSION_ID="1.0"\nPRETTY_NAME="Layerbom Test Linux 1.0"\n'


def test_layers():
    return [
        Layer([E("dir", "etc"), E("file", "etc/os-release", 0o644, OS_RELEASE),
               E("dir", "bin"), E("file", "bin/busybox", 0o755, it.pattern(5000)),
               E("symlink", "bin/sh", target="busybox"),
               E("file", "etc/caf\u00e9 & <co>.txt", 0o644, b"odd name")],
              "gzip", created_by="/bin/sh -c #(nop) ADD file:base in /"),
        Layer([E("dir", "opt"), E("file", "opt/app", 0o755, b"app\n"),
               E("file", b"opt/latin-\xe9", 0o644, b"x")],
              "zstd", created_by='/bin/sh -c echo "quote\\" and\nnewline"'),
        Layer([E("whiteout", "opt/app")], "none", created_by="/bin/sh -c rm /opt/app"),
        # a dpkg package whose copyright file has two custom licenses: its
        # documents carry two LicenseRef texts in one list
        Layer([E("dir", "var"), E("dir", "var/lib"), E("dir", "var/lib/dpkg"),
               E("file", "var/lib/dpkg/status", 0o644, DPKG_STATUS),
               E("dir", "usr"), E("dir", "usr/share"), E("dir", "usr/share/doc"),
               E("dir", "usr/share/doc/twolic"),
               E("file", "usr/share/doc/twolic/copyright", 0o644, TWO_LICENSES)],
              "gzip", created_by="dpkg -i twolic"),
    ]


DPKG_STATUS = b"""Package: twolic
Status: install ok installed
Architecture: all
Version: 1.0-1
Maintainer: Example <ex@example.org>
Description: a package with two custom licenses

"""

TWO_LICENSES = b"""Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/

Files: *
Copyright: 2024 Example
License: Custom-One

Files: extra/*
Copyright: 2024 Other
License: Custom-Two

License: Custom-One
 The first custom license text.

License: Custom-Two
 The second custom license text.
"""


def run_errors(r, image):
    rc, _, err = r.lb("scan", "-o", "spdx-json=" + r.path("no", "such", "dir", "x.json"), image,
                      env={"SOURCE_DATE_EPOCH": SDE})
    r.check("a path that cannot be written is exit 4 with a message",
            rc == 4 and "cannot write" in err and "x.json" in err, "exit %d %r" % (rc, err))
    if os.path.exists("/dev/full"):
        with open("/dev/full", "wb") as full:
            p = subprocess.run([r.exe, "scan", "-o", "cyclonedx-json", image], stdout=full,
                               stderr=subprocess.PIPE, timeout=120,
                               env=dict(os.environ, SOURCE_DATE_EPOCH=SDE))
        r.check("a full stdout is exit 4", p.returncode == 4, "exit %d" % p.returncode)
    rc, out, err = r.lb("scan", "-o", "spdx-json=/dev/stdout", image, env={"SOURCE_DATE_EPOCH": SDE})
    r.check("a PATH that is not a regular file (/dev/stdout) is written in place",
            rc == 0 and out.startswith(b"{") and os.path.exists("/dev/stdout") and
            not any(f.startswith("stdout.") for f in os.listdir("/dev")), "exit %d %r" % (rc, err))
    target = r.path("keep.json")
    with open(target, "w") as f:
        f.write("old")
    rc, _, err = r.lb("scan", "-o", "spdx-json=" + target, "-o", "table=" + r.path("no", "dir", "t"),
                      image, env={"SOURCE_DATE_EPOCH": SDE})
    with open(target) as f:
        new = f.read()
    r.check("a failed output does not stop the others; the exit is 4",
            rc == 4 and new.startswith("{"), "exit %d %r" % (rc, err))
    rc, _, err = r.lb("scan", "-o", "spdx-json=" + r.path("x.json"), image,
                      env={"SOURCE_DATE_EPOCH": "yesterday"})
    r.check("a bad SOURCE_DATE_EPOCH is a usage error", rc == 2 and "SOURCE_DATE_EPOCH" in err,
            "exit %d %r" % (rc, err))
    rc, _, err = r.lb("scan", "-o", "spdx-yaml", image)
    r.check("an unknown format is a usage error", rc == 2 and "spdx-yaml" in err, "exit %d %r" % (rc, err))
    rc, out, err = r.lb("scan", "-o", "spdx-json", image, env={"SOURCE_DATE_EPOCH": SDE})
    try:
        ok = rc == 0 and json.loads(out)["spdxVersion"] == "SPDX-2.3"
    except ValueError:
        ok = False
    r.check("-o spdx-json alone writes to stdout", ok, "exit %d %r" % (rc, err))
    rc, out1, _ = r.lb("scan", "-o", "cyclonedx-json", image)
    rc2, out2, _ = r.lb("scan", "-o", "cyclonedx-json", image, env={"SOURCE_DATE_EPOCH": "0"})
    try:
        t1 = json.loads(out1)["metadata"]["timestamp"]
        t2 = json.loads(out2)["metadata"]["timestamp"]
        ok = rc == rc2 == 0 and t2 == "1970-01-01T00:00:00Z" and t1 != t2 and \
            json.loads(out1)["serialNumber"] == json.loads(out2)["serialNumber"]
    except ValueError:
        ok = False
    r.check("without SOURCE_DATE_EPOCH the time is now; the serial number does not change", ok)


def main():
    if len(sys.argv) < 3:
        print("usage: test_sbom.py LAYERBOM SCHEMAS [TEST_EMIT]", file=sys.stderr)
        return 2
    exe, schemas = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    test_emit = os.path.abspath(sys.argv[3]) if len(sys.argv) > 3 else None
    with tempfile.TemporaryDirectory(prefix="lb-sbom-") as work:
        r = Runner(exe, schemas, work)
        if not r.check("schemas folder %s exists" % schemas,
                       os.path.isfile(os.path.join(schemas, "spdx-2.3.schema.json")) and
                       os.path.isfile(os.path.join(schemas, "cyclonedx", "bom-1.6.xsd")),
                       "the shared/schemas folder next to the source tree is missing"):
            print("%d passed, %d failed" % (r.passed, r.failed))
            return 1
        sc = Schemas(schemas)

        sample = os.path.join(SRC, "examples", "sample.oci.tar")
        if os.path.exists(sample):
            spdx, cdx = run_image(r, sc, "sample", sample)
            run_image(r, sc, "sample --files", sample, files=True)
            if cdx:
                img = cdx["metadata"]["component"]
                r.check("sample: image purl is pkg:oci/sample@<manifest digest>",
                        img.get("purl", "").startswith("pkg:oci/sample@sha256:c1398deaf4f2bfc8"), img.get("purl"))
                layers = [c for c in cdx["components"] if c["bom-ref"].startswith("layer:")]
                r.check("sample: four layers, named by diff ID, with created_by",
                        len(layers) == 4 and all(l["name"].startswith("sha256:") for l in layers) and
                        "dpkg -i hello" in layers[1].get("description", ""))

        built = it.build_layers(test_layers(), r.path("img"))
        oci = r.path("img-oci")
        it.build_oci(oci, built, tag="example.org/Team/Odd-Name:v1")
        spdx, cdx = run_image(r, sc, "built", "oci-dir:" + oci)
        if cdx:
            img = cdx["metadata"]["component"]
            r.check("built: image purl has the lowercased name and repository_url",
                    img.get("purl", "").startswith("pkg:oci/odd-name@sha256:") and
                    "repository_url=example.org" in img.get("purl", ""), img.get("purl"))
            def lic_lists(cs):
                for c in cs:
                    yield len(c.get("evidence", {}).get("licenses", []))
                    yield from lic_lists(c.get("components", []))
            r.check("built: a component with two LicenseRef texts in one license list (validated above)",
                    max(lic_lists(cdx["components"]), default=0) >= 2)
            desc = [c.get("description", "") for c in cdx["components"] if c["bom-ref"].startswith("layer:")]
            r.check("built: a created_by with a newline and quotes survives",
                    any('quote\\" and\nnewline' in d for d in desc), desc)
        run_image(r, sc, "built --files", "oci-dir:" + oci, files=True)
        rootfs = r.path("rootfs")
        os.makedirs(os.path.join(rootfs, "etc"))
        with open(os.path.join(rootfs, "etc", "os-release"), "wb") as f:
            f.write(OS_RELEASE)
        run_image(r, sc, "dir", "dir:" + rootfs, files=True)

        if test_emit:
            syn = r.path("synthetic")
            os.makedirs(syn)
            p = subprocess.run([test_emit, syn], stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
            if r.check("test_emit writes the hand-built documents", p.returncode == 0,
                       p.stdout.decode()[-1500:] + p.stderr.decode()):
                for tag, files in (("synthetic", False), ("synthetic-files", True)):
                    paths = {f: os.path.join(syn, "%s.%s" % (tag, ext)) for f, ext in FORMATS}
                    # the hand-built documents are made at 1700000000 too
                    spdx, cdx = check_documents(r, sc, tag, paths, files)
                if spdx:
                    refs = {e["licenseId"] for e in spdx.get("hasExtractedLicensingInfos", [])}
                    r.check("synthetic: dialect and explicit LicenseRefs are defined",
                            "LicenseRef-Proprietary" in refs and
                            any("OpenSSL" in x for x in refs), sorted(refs))
                    pk = {p["name"]: p for p in spdx["packages"]}
                    h = pk.get("hello", {})
                    r.check("synthetic: supplier, originator, copyright, purl, cpe in SPDX",
                            h.get("supplier") == "Organization: Debian" and
                            h.get("originator") == "Person: Santiago Vila (sanvila@debian.org)" and
                            "Free Software Foundation" in h.get("copyrightText", "") and
                            {e["referenceType"] for e in h.get("externalRefs", [])} == {"purl", "cpe23Type"},
                            json.dumps(h)[:800])
                if cdx:
                    byref = {c["bom-ref"]: c for c, _ in all_cdx_components(cdx)}
                    h = byref.get("pkg:deb/debian/hello@2.10-3?arch=amd64&distro=debian-12", {})
                    r.check("synthetic: declared and concluded with acknowledgement in CycloneDX",
                            [l["license"].get("acknowledgement") for l in h.get("licenses", [])] ==
                            ["declared", "concluded"], h.get("licenses"))
                    r.check("synthetic: evidence identity and occurrences name the files",
                            any(o["location"] == "/var/lib/dpkg/status" for o in h.get("evidence", {}).get("occurrences", []))
                            and h.get("evidence", {}).get("identity", [{}])[0].get("field") == "purl",
                            h.get("evidence"))
                    foo = byref.get("pkg:deb/debian/libfoo@1.0", {})
                    ev = foo.get("evidence", {}).get("licenses", [])
                    r.check("synthetic: a LicenseRef in an expression has its text in evidence.licenses",
                            any("OpenSSL" in l.get("license", {}).get("name", "") and
                                "linking exception" in l["license"]["text"]["content"] for l in ev), ev)

        rc, help_text, _ = r.lb("help", "scan")
        if b"--scope" in help_text:
            pj = b'{"name":"left-pad","version":"1.3.0","license":"WTFPL"}'
            built = it.build_layers([
                Layer([E("dir", "usr/lib/node_modules/left-pad"),
                       E("file", "usr/lib/node_modules/left-pad/package.json", 0o644, pj)],
                      created_by="npm install -g left-pad"),
                Layer([E("whiteout", "usr/lib/node_modules/left-pad")], created_by="npm rm -g left-pad")],
                r.path("rm"))
            it.build_oci(r.path("rm-oci"), built)
            spdx, cdx = run_image(r, sc, "all-layers", "oci-dir:" + r.path("rm-oci"), opts=["--scope", "all-layers"])
            if cdx:
                got = {c["name"]: {p["name"]: p["value"] for p in c.get("properties", [])}
                       for c, _ in all_cdx_components(cdx)}
                lp = got.get("left-pad", {})
                r.check("all-layers: a removed component says which layer removed it",
                        lp.get("layerbom:removed-layer", "").startswith("layer:2:") and
                        lp.get("layerbom:introduced-layer", "").startswith("layer:1:") and
                        {"name": "layerbom:scope", "value": "all-layers"} in cdx["metadata"].get("properties", []),
                        got)
            if spdx:
                anns = [a["comment"] for p in spdx["packages"] if p["name"] == "left-pad"
                        for a in p.get("annotations", [])]
                r.check("all-layers: SPDX annotates the removal",
                        any(a.startswith("layerbom:removed-layer=layer 2 ") for a in anns), anns)

        run_errors(r, "oci-dir:" + oci)
        print("%d passed, %d failed" % (r.passed, r.failed))
        return 1 if r.failed else 0


if __name__ == "__main__":
    sys.exit(main())
