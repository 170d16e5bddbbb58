#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Measures `layerbom files` on the benchmark image (bench/make-image.sh
# builds it when it is missing): wall time with -j 1 and -j 2 against
# decompressing the same layer blobs one after another with zcat (hyperfine),
# and peak RSS (/usr/bin/time -v).  Not part of the test suite.
#
# Usage: bench/run-files.sh [LAYERBOM]    (default: build/cmd/layerbom)
# Environment: RUNS (hyperfine runs per command, default 10).
# Writes bench/work/files.md and bench/work/files.json (hyperfine's
# exports) and prints every figure; bench/README.md reports them.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
if [ $# -gt 0 ]; then lb=$(realpath "$1"); else lb="$top/build/cmd/layerbom"; fi
runs=${RUNS:-10}
cd "$top/bench"

[ -x "$lb" ] || { echo "run-files.sh: '$lb' is not an executable" >&2; exit 2; }
if ! command -v hyperfine >/dev/null; then
	echo "run-files.sh: hyperfine is missing, installing it with apt-get" >&2
	apt-get install -y hyperfine >/dev/null
fi
[ -d work/usr.oci ] || sh ./make-image.sh
img="$top/bench/work/usr.oci"

# The layer blobs, bottom first, as the image's manifest lists them.
blobs=$(python3 - "$img" <<'EOF'
import json, os, sys
root = sys.argv[1]
def blob(digest):
    return os.path.join(root, "blobs", "sha256", digest.split(":", 1)[1])
index = json.load(open(os.path.join(root, "index.json")))
manifest = json.load(open(blob(index["manifests"][0]["digest"])))
print(" ".join(blob(l["digest"]) for l in manifest["layers"]))
EOF
)

echo "# machine: $(nproc) cores, $(uname -m), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
echo "# layerbom: $("$lb" --version)"
echo "# image: $img"
set -- $blobs
echo "# $# layers, $(cat $blobs | wc -c) bytes stored, $(for b in $blobs; do zcat "$b"; done | wc -c) bytes of tar"
echo "# $("$lb" files "$img" | tail -n +2 | wc -l) rows in the squashed view"
echo

hyperfine --warmup 1 --runs "$runs" --export-markdown work/files.md --export-json work/files.json \
	-n "layerbom files -j 1" "'$lb' files -j 1 '$img' >/dev/null" \
	-n "layerbom files -j 2" "'$lb' files -j 2 '$img' >/dev/null" \
	-n "zcat of the layers, one after another" "for b in $blobs; do zcat \"\$b\"; done >/dev/null"
echo
cat work/files.md
echo

for j in 1 2; do
	/usr/bin/time -v "$lb" files -j "$j" "$img" 2>work/time-j$j.txt >/dev/null
	printf 'layerbom files -j %s: peak RSS %s kB, wall %s\n' "$j" \
		"$(sed -n 's/.*Maximum resident set size (kbytes): //p' work/time-j$j.txt)" \
		"$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' work/time-j$j.txt)"
done
