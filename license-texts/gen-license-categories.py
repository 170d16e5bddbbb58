#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The license categories of `layerbom check`: rules, the TSV, the C table.

Usage:
  gen-license-categories.py --update licenses.json categories.tsv
      rewrites categories.tsv from the rules below, keeping every line
      whose third column starts with "override" (a decision by hand);
  gen-license-categories.py OUTPUT.c licenses.json categories.tsv
      (at build time) checks categories.tsv and writes the C table
      (struct lb_license_category_entry, core/policy.h).

The check fails the build when an id of licenses.json (current or
deprecated) has no line or more than one, when a line names an id that is
not on the list, a category that does not exist, or when a line marked
"rule" no longer says what the rules say (edit the rules and run --update,
or turn the line into an override).  Python standard library only; the
output depends only on the inputs.
"""

import json
import re
import sys

CATEGORIES = ["unknown", "permissive", "weak-copyleft", "strong-copyleft",
              "network-copyleft", "public-domain", "proprietary"]

# Families, by id, first match wins.  Order matters: the CC non-commercial
# and no-derivatives forms before CC-BY-SA, AGPL before GPL.
FAMILIES = [
    (r"CC-BY(-SA)?-NC(-SA|-ND)?-", "proprietary", "CC non-commercial"),
    (r"CC-BY-ND-", "proprietary", "CC no-derivatives"),
    (r"CC-BY-SA-|CC-SA-", "strong-copyleft", "CC share-alike"),
    (r"CC-BY-", "permissive", "CC attribution"),
    (r"AGPL-", "network-copyleft", "GNU Affero GPL"),
    (r"LGPL-|LGPLLR$", "weak-copyleft", "GNU Lesser GPL"),
    (r"GPL-", "strong-copyleft", "GNU GPL"),
    (r"GFDL-", "strong-copyleft", "GNU FDL"),
    (r"MPL-", "weak-copyleft", "Mozilla PL"),
    (r"EPL-", "weak-copyleft", "Eclipse PL"),
    (r"CDDL-", "weak-copyleft", "CDDL"),
    (r"CPL-1\.0$", "weak-copyleft", "Common PL"),
    (r"EUPL-", "network-copyleft", "EUPL: making available online is distribution"),
    (r"OSL-", "network-copyleft", "Open Software License: external deployment is distribution"),
    (r"APSL-", "network-copyleft", "Apple PSL: external deployment is distribution"),
    (r"RPL-", "network-copyleft", "Reciprocal PL: external deployment is distribution"),
    (r"CECILL-[0-9]", "strong-copyleft", "CeCILL (GPL-like)"),
    (r"CECILL-C$", "weak-copyleft", "CeCILL-C (LGPL-like)"),
    (r"CECILL-B$", "permissive", "CeCILL-B (BSD-like)"),
    (r"CERN-OHL-", "strong-copyleft", "CERN OHL (reciprocal)"),
    (r"copyleft-next-", "strong-copyleft", "copyleft-next"),
    (r"QPL-", "strong-copyleft", "Q Public License"),
    (r"OFL-", "weak-copyleft", "SIL Open Font License"),
    (r"PolyForm-", "proprietary", "PolyForm (source-available)"),
    (r"FSL-", "proprietary", "Functional Source License (source-available)"),
    (r"Linux-man-pages-copyleft", "weak-copyleft", "man-pages copyleft notice"),
    (r"(BSD|HPND|MIT|X11|ISC|OLDAP|Apache|AFL|Artistic|W3C|ZPL|Spencer|Sendmail|Unicode|"
     r"FSFUL|FSFAP|IJG|libpng|Boehm-GC|Adobe|SGI-B-2|Python|CNRI|PHP|OGL-|NLOD|Bitstream|"
     r"DocBook|TU-Berlin|Zimbra|YPL|Sun-PPP|SSH-|HP-|DRL|LZMA-SDK|NTP|"
     r"Brian-Gladman|Mackerras|CMU-Mach|Latex2e|OGTSL|ECL|EFL|AMD|AML|SHL|MulanPSL|Intel|"
     r"Linux-man-pages-1|Zend|NIST-Software|UMich|X11)", "permissive", "permissive family"),
]

# Explicit lists for the rest (and where a family rule would be wrong).
EXPLICIT = {
    "public-domain": """
        CC0-1.0 CC-PDDC CC-PDM-1.0 PDDL-1.0 Unlicense Unlicense-libtelnet
        Unlicense-libwhirlpool ANTLR-PD ANTLR-PD-fallback NCBI-PD NIST-PD NIST-PD-fallback
        NIST-PD-TNT NTIA-PD SAX-PD SAX-PD-2.0 blessing libselinux-1.0
    """,
    "network-copyleft": """
        CPAL-1.0 CAL-1.0 CAL-1.0-Combined-Work-Exception NPOSL-3.0 TGPPL-1.0 RPSL-1.0
    """,
    "strong-copyleft": """
        Sleepycat SimPL-2.0 NGPL D-FSL-1.0 LAL-1.2 LAL-1.3 ODbL-1.0 CDLA-Sharing-1.0
        TAPR-OHL-1.0 LiLiQ-Rplus-1.1 SMAIL-GPL TOSL VOSTROM
    """,
    "weak-copyleft": """
        IPL-1.0 ErlPL-1.1 SPL-1.0 NPL-1.0 NPL-1.1 SISSL SISSL-1.2 Motosoto Nokia
        Interbase-1.0 gSOAP-1.3b SugarCRM-1.1.3 MS-RL OCLC-2.0 CUA-OPL-1.0 OSET-PL-2.1
        LPL-1.0 LPL-1.02 CATOSL-1.1 RHeCos-1.1 eCos-2.0 LiLiQ-R-1.1 OCCT-PL OPL-1.0
        RSCPL SNIA TPL-1.0 NOSL NASA-1.3 APL-1.0 Vim LPPL-1.0 LPPL-1.1 LPPL-1.2
        LPPL-1.3a LPPL-1.3c Ubuntu-font-1.0 Arphic-1999 IPA FreeImage wxWindows
        SGI-B-1.0 SGI-B-1.1 OPUBL-1.0 BSD-Protection SMPPL UCL-1.0 Eurosym GCR-docs
        Glide BitTorrent-1.0 BitTorrent-1.1
    """,
    "proprietary": """
        SSPL-1.0 BUSL-1.1 Elastic-2.0 SUL-1.0 PPL Aladdin CPOL-1.02 MS-LPL NCGL-UK-2.0
        UnRAR
    """,
    "permissive": """
        0BSD 3D-Slicer-1.0 AAL ADSL ALGLIB-Documentation AMPAS APAFML
        Abstyles AdaCore-doc Advanced-Cryptics-Dictionary Afmparse App-s2p Aspell-RU
        BOLA-1.1 BSL-1.0 Baekmuk Bahyph Barr Beerware BlueOak-1.0.0 Borceux Buddy
        CAPEC-tou CDL-1.0 CDLA-Permissive-1.0 CDLA-Permissive-2.0 CFITSIO COIL-1.0
        Caldera Caldera-no-preamble Catharon ClArtistic Clips Community-Spec-1.0 Condor-1.1
        Cornell-Lossless-JPEG Cronyx Crossword CryptoSwift CrystalStacker Cube DEC-3-Clause
        DL-DE-BY-2.0 DL-DE-ZERO-2.0 DOC DSDP Dotseqn EPICS
        EUDatagrid Entessa FBM FDK-AAC FTL Fair Ferguson-Twofish FreeBSD-DOC Furuseth GD
        GL2PS GLWTPL Game-Programming-Gems Giftware Glulxe Graphics-Gems Gutmann HDF5 HIDAPI
        HTMLTIDY HaskellReport IBM-pibs ICU ISO-permission ImageMagick Imlib2
        Info-ZIP Inner-Net-2.0 InnoSetup JPL-image JPNIC JasPer-2.0 Jam Kastrup Kazlib
        Knuth-CTAN LOOP LPD-document Leptonica LiLiQ-P-1.1 Libpng MIPS MITNFA MMIXware
        MPEG-SSG MTLL MakeIndex Martin-Birgmeier McPhee-slideshow Minpack MirOS Multics Mup
        NAIST-2003 NBPL-1.0 NCL NCSA NICTA-1.0 NLPL NRL Naumen Net-SNMP NetCDF Newsletr Noweb
        Nunit O-UDA-1.0 OAR ODC-By-1.0 OFFIS OGC-1.0 OGDL-Taiwan-1.0 OLFL-1.3 OML OPL-UK-3.0
        OSC-1.0 OSSP OpenMDW-1.0 OpenSSL OpenSSL-standalone OpenVision PADL
        ParaType-Free-Font-1.3 Pixar Plexus PostgreSQL PSF-2.0 Qhull RSA-MD Rdisc Ruby
        Ruby-pty SCEA SGI-OpenGL SGMLUG-PM SGP4 SL SMLNJ SOFA SSLeay-standalone SWL Saxpath
        SchemeReport Soundex StandardML-NJ SunPro Symlinks TCL TCP-wrappers TMate TORQUE-1.1
        TPDL TTWL TTYP0 TekHVC TermReadKey ThirdEye TrustedQSL UCAR UPL-1.0 URT-RLE
        UnixCrypt VSL-1.0 Vixie-Cron WTFNMFPL WTFPL Widget-Workshop WordNet Wsuipa XFree86-1.1
        XSkat Xdebug-1.03 Xerox Xfig Xnet Zed Zeeff Zlib any-OSI any-OSI-perl-modules
        bcrypt-Solar-Designer bzip2-1.0.5 bzip2-1.0.6 check-cvs checkmk curl cve-tou diffmark
        dtoa dvipdfm eGenix etalab-2.0 fwlw generic-xts gnuplot gtkbook hdparm
        hyphen-bulgarian iMatix jove libtiff libutil-David-Nugent lsof magaz mailprio man2html
        metamail mpi-permissive mpich2 mplus ngrep pkgconf pnmstitch psfrag psutils
        python-ldap radvd snprintf softSurfer ssh-keyscan swrule threeparttable ulem w3m wwl
        xinetd xkeyboard-config-Zinoviev xlock xpp xzoom zlib-acknowledgement
        Lucida-Bitmap-Fonts Linux-OpenIB Unicode-TOU MS-PL
    """,
}


class Error(Exception):
    pass


def explicit_table():
    t = {}
    for cat, ids in EXPLICIT.items():
        for i in ids.split():
            if i in t:
                raise Error("gen-license-categories.py: %s is in two explicit lists" % i)
            t[i] = cat
    return t


def rule_category(lid, explicit):
    """What the rules say about one id: (category, why) or None."""
    if lid in explicit:
        return explicit[lid], "list"
    for pat, cat, why in FAMILIES:
        if re.match(pat, lid):
            return cat, "family: " + why
    return None


def list_ids(path):
    with open(path, encoding="utf-8") as f:
        return [l["licenseId"] for l in json.load(f)["licenses"]]


def read_tsv(path):
    """[(lineno, id, category, source)], header comments kept apart."""
    rows, header = [], []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not rows and (line.startswith("#") or not line.strip()):
                header.append(line)
                continue
            if line.startswith("#") or not line.strip():
                continue
            cols = line.split("\t")
            if len(cols) != 3:
                raise Error("%s:%d: want id<TAB>category<TAB>source, got %r" % (path, n, line))
            rows.append((n, cols[0], cols[1], cols[2]))
    return header, rows


def check(ids, rows, path):
    explicit = explicit_table()
    for i in explicit:
        if i not in ids:
            raise Error("gen-license-categories.py: %s is listed but not on the license list" % i)
    seen = {}
    for n, lid, cat, src in rows:
        if lid not in ids:
            raise Error("%s:%d: %s is not an id of licenses.json" % (path, n, lid))
        if lid in seen:
            raise Error("%s:%d: %s has a category already (line %d)" % (path, n, lid, seen[lid]))
        seen[lid] = n
        if cat not in CATEGORIES:
            raise Error("%s:%d: unknown category %r (one of %s)" % (path, n, cat, ", ".join(CATEGORIES)))
        if src.startswith("rule"):
            r = rule_category(lid, explicit)
            if not r or r[0] != cat:
                raise Error("%s:%d: %s: the rules say %s now; run gen-license-categories.py "
                            "--update, or mark the line as an override"
                            % (path, n, lid, r[0] if r else "nothing"))
        elif not src.startswith("override"):
            raise Error("%s:%d: source must start with 'rule' or 'override'" % (path, n))
    missing = [i for i in ids if i not in seen]
    if missing:
        raise Error("%s: no category for %s" % (path, ", ".join(missing)))


def update(lic, path):
    ids = list_ids(lic)
    explicit = explicit_table()
    try:
        header, rows = read_tsv(path)
    except FileNotFoundError:
        header, rows = [], []
    overrides = {lid: (cat, src) for _, lid, cat, src in rows if src.startswith("override")}
    out, missing = [], []
    for lid in sorted(ids, key=lambda s: (s.lower(), s)):
        if lid in overrides:
            cat, src = overrides[lid]
        else:
            r = rule_category(lid, explicit)
            if not r:
                missing.append(lid)
                continue
            cat, src = r[0], "rule " + r[1]
        out.append("%s\t%s\t%s\n" % (lid, cat, src))
    if missing:
        raise Error("no rule gives these a category (add them to a list or an override): "
                    + " ".join(missing))
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(header) + "\n" if header else "")
        f.writelines(out)


def c_out(out, lic, path):
    ids = set(list_ids(lic))
    _, rows = read_tsv(path)
    check(ids, rows, path)
    rows.sort(key=lambda r: (r[1].lower(), r[1]))
    with open(out, "w", encoding="ascii") as f:
        f.write("/* Generated by license-texts/gen-license-categories.py: do not edit. */\n")
        f.write("#include <stddef.h>\n#include \"policy.h\"\n\n")
        f.write("const struct lb_license_category_entry lb_license_categories[] = {\n")
        for _, lid, cat, _ in rows:
            f.write('\t{ "%s", LB_CAT_%s },\n' % (lid, cat.upper().replace("-", "_")))
        f.write("};\n\nconst size_t lb_license_ncategories = %d;\n" % len(rows))


def main(argv):
    try:
        if len(argv) == 4 and argv[1] == "--update":
            update(argv[2], argv[3])
        elif len(argv) == 4:
            c_out(argv[1], argv[2], argv[3])
        else:
            raise Error(__doc__)
    except Error as e:
        sys.stderr.write("%s\n" % e)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
