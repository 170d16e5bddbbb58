#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Measures the per-layer cache of `layerbom scan` (hyperfine): a scan
# without the cache, a first scan that fills an empty cache, and a re-scan
# from it, on bench/work/debian.oci (bench/make-debian.sh) and
# bench/work/usr.oci (bench/make-image.sh); then a second image that shares
# debian.oci's base layer.  Not part of the test suite.
#
# Usage: bench/run-cache.sh [LAYERBOM]    (default: build/cmd/layerbom)
# Environment: RUNS (hyperfine runs per command, default 5).
# Writes bench/work/cache-*.md (hyperfine's exports) and prints every
# figure; bench/README.md reports them.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
if [ $# -gt 0 ]; then lb=$(realpath "$1"); else lb="$top/build/cmd/layerbom"; fi
runs=${RUNS:-5}
cd "$top/bench"

[ -x "$lb" ] || { echo "run-cache.sh: '$lb' is not an executable" >&2; exit 2; }
if ! command -v hyperfine >/dev/null; then
	echo "run-cache.sh: hyperfine is missing, installing it with apt-get" >&2
	apt-get install -y hyperfine >/dev/null
fi
[ -d work/debian.oci ] || sh ./make-debian.sh
[ -d work/usr.oci ] || sh ./make-image.sh
cache="$top/bench/work/cache"
out="$top/bench/work/cache-out.json"

echo "# machine: $(nproc) cores, $(uname -m), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
echo "# layerbom: $("$lb" --version)"
echo

for name in debian usr; do
	img="$top/bench/work/$name.oci"
	rm -rf "$cache"
	# one --prepare per command, in order (a single one would apply to all)
	hyperfine --warmup 1 --runs "$runs" --export-markdown "work/cache-$name.md" \
		-n "$name: --no-cache" --prepare true \
		"'$lb' scan --no-cache -o spdx-json='$out' '$img'" \
		-n "$name: first scan, empty cache" --prepare "rm -rf '$cache'" \
		"'$lb' scan --cache '$cache' -o spdx-json='$out' '$img'" \
		-n "$name: re-scan from the cache" --prepare true \
		"'$lb' scan --cache '$cache' -o spdx-json='$out' '$img'"
	echo "# $name: cache file $(stat -c %s "$cache/layers.sqlite") bytes"
	cat "work/cache-$name.md"
	echo
done

# A second image on debian.oci's base layer: its own top layer only is new.
two="$top/bench/work/debian-app.oci"
if [ ! -d "$two" ]; then
	cp -r "$top/bench/work/debian.oci" "$two"
	python3 - "$two" <<'EOF'
import gzip, hashlib, io, json, os, sys, tarfile
root = sys.argv[1]
def blob(d):
    return os.path.join(root, "blobs", "sha256", d.split(":", 1)[1])
def put(data):
    d = "sha256:" + hashlib.sha256(data).hexdigest()
    with open(blob(d), "wb") as f:
        f.write(data)
    return d
index = json.load(open(os.path.join(root, "index.json")))
man = json.load(open(blob(index["manifests"][0]["digest"])))
cfg = json.load(open(blob(man["config"]["digest"])))
raw = io.BytesIO()
with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as t:
    for i in range(200):
        data = (b"app file %d\n" % i) * 1000
        ti = tarfile.TarInfo("opt/app/f%03d" % i)
        ti.size = len(data)
        t.addfile(ti, io.BytesIO(data))
tar = raw.getvalue()
gz = gzip.compress(tar, mtime=0)
man["layers"][-1] = {"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                     "digest": put(gz), "size": len(gz)}
cfg["rootfs"]["diff_ids"][-1] = "sha256:" + hashlib.sha256(tar).hexdigest()
cfgb = json.dumps(cfg).encode()
man["config"] = {"mediaType": man["config"]["mediaType"], "digest": put(cfgb), "size": len(cfgb)}
manb = json.dumps(man).encode()
index["manifests"][0].update(digest=put(manb), size=len(manb))
json.dump(index, open(os.path.join(root, "index.json"), "w"))
EOF
fi
hyperfine --runs "$runs" --export-markdown work/cache-shared.md \
	-n "debian-app: --no-cache" --prepare true "'$lb' scan --no-cache -o spdx-json='$out' '$two'" \
	-n "debian-app: base layer cached (debian.oci scanned before)" \
	--prepare "rm -rf '$cache'; '$lb' scan -q --cache '$cache' -o spdx-json='$out' '$top/bench/work/debian.oci'" \
	"'$lb' scan --cache '$cache' -o spdx-json='$out' '$two'"
cat work/cache-shared.md
rm -rf "$cache" "$out"
