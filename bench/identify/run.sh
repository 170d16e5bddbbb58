#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Measures `layerbom identify` against Debian's licensecheck and licensee on
# corpora of real license files with known answers (see README.md here):
# exact answers, wrong answers, misses, false positives, files per second
# per core and the slowest file.  Not part of the test suite.
#
# Usage: bench/identify/run.sh [LAYERBOM]    (default: build/cmd/layerbom)
# Environment: BATCH (files per process, default 1000), SLOWEST (the N
# largest files of each corpus timed alone, default 10), RUNS (runs of
# each timing, the least CPU time counts, default 3).
# Downloads the packages into bench/work/identify (git-ignored) when they
# are missing, rebuilds the corpora, runs the tools, writes
# bench/identify/results.md and bench/work/identify/layerbom-wrong.tsv.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
if [ $# -gt 0 ]; then lb=$(realpath "$1"); else lb="$top/build/cmd/layerbom"; fi
[ -x "$lb" ] || { echo "run.sh: '$lb' is not an executable" >&2; exit 2; }
batch=${BATCH:-1000}
slowest=${SLOWEST:-10}
runs=${RUNS:-3}
work="$top/bench/work/identify"
# npm resolves the dependencies of npm-packages.txt as they were on this
# day, so the tree is the same from one run to the next.
npm_before=2026-11-01
start=$(date +%s)

for t in licensecheck:licensecheck licensee:ruby-licensee hyperfine:hyperfine; do
	command -v "${t%%:*}" >/dev/null || {
		echo "run.sh: installing ${t#*:} with apt-get" >&2
		apt-get install -y "${t#*:}" >/dev/null
	}
done

if [ ! -d "$work/npm/node_modules" ]; then
	mkdir -p "$work/npm"
	echo '{"name":"identify-corpus","version":"0.0.0","private":true}' >"$work/npm/package.json"
	(cd "$work/npm" && npm install --ignore-scripts --no-audit --no-fund \
		--before="$npm_before" $(grep -v '^#' "$here/npm-packages.txt"))
fi
if [ ! -d "$work/debian/x" ]; then
	mkdir -p "$work/debian/debs" "$work/debian/x.tmp"
	(cd "$work/debian/debs" && apt-get download $(grep -v '^#' "$here/debian-packages.txt"))
	for d in "$work"/debian/debs/*.deb; do
		p=$(dpkg-deb -f "$d" Package)
		mkdir -p "$work/debian/x.tmp/$p"
		dpkg-deb -x "$d" "$work/debian/x.tmp/$p"
	done
	mv "$work/debian/x.tmp" "$work/debian/x"
fi
python3 "$here/corpus.py" "$work" npm debian negative large

out="$work/out"
rm -rf "$out"
mkdir -p "$out"
cd "$work/corpus"
: >"$out/empty"

# One run per tool and corpus, BATCH files per process; /usr/bin/time
# counts the CPU time of every process xargs waited for.
run() { # tool corpus
	case $1 in
	layerbom) set -- "$@" "$lb" identify --format json ;;
	licensecheck) set -- "$@" licensecheck --machine --shortname-scheme=debian,spdx --check '.*' ;;
	licensee) set -- "$@" ruby "$here/licensee.rb" ;;
	esac
	t=$1 c=$2
	shift 2
	cut -f1 "$c.tsv" >"$out/$c.list"
	/usr/bin/time -o "$out/$t.$c.time" -f '%U %S %e' \
		xargs -d '\n' -n "$batch" "$@" <"$out/$c.list" >"$out/$t.$c.out" 2>"$out/$t.$c.err" || true
	# More runs for the time only: the machine may be shared, the least
	# CPU time is the steadiest figure.
	i=1
	while [ "$i" -lt "$runs" ]; do
		/usr/bin/time -a -o "$out/$t.$c.time" -f '%U %S %e' \
			xargs -d '\n' -n "$batch" "$@" <"$out/$c.list" >/dev/null 2>&1 || true
		i=$((i + 1))
	done
}
for c in npm debian negative large; do
	for t in layerbom licensecheck licensee; do
		echo "run.sh: $t on $c ($(wc -l <"$c.tsv") files)" >&2
		run "$t" "$c"
	done
done

# Files timed alone, one process each: an empty file (the start-up cost),
# the large file, and the SLOWEST largest files of each corpus.
alone() { # tool file
	case $1 in
	layerbom) set -- "$2" "$lb" identify --format json "$2" ;;
	licensecheck) set -- "$2" licensecheck --machine --shortname-scheme=debian,spdx --check '.*' "$2" ;;
	licensee) set -- "$2" ruby "$here/licensee.rb" "$2" ;;
	esac
	f=$1
	shift
	i=0
	while [ "$i" -lt "$runs" ]; do
		/usr/bin/time -o "$out/alone.time" -f '%U %S %e' timeout 600 "$@" >/dev/null 2>&1 || true
		printf '%s\t%s\t%s\n' "$t" "$f" "$(tail -1 "$out/alone.time")" >>"$out/alone.tsv"
		i=$((i + 1))
	done
}
: >"$out/alone.tsv"
for c in npm debian negative; do
	cut -f1 "$c.tsv" | while read -r f; do printf '%s\t%s\n' "$(wc -c <"$f")" "$f"; done |
		sort -rn | head -n "$slowest" | cut -f2
done >"$out/largest.list"
for t in layerbom licensecheck licensee; do
	echo "run.sh: $t, files alone" >&2
	alone "$t" "$out/empty"
	for f in $(cut -f1 large.tsv); do alone "$t" "$f"; done
	while read -r f; do alone "$t" "$f"; done <"$out/largest.list"
done

end=$(date +%s)
python3 "$here/score.py" "$work" "$here/results.md" "$((end - start))" \
	"$("$lb" --version 2>&1 | head -1)" \
	"$(licensecheck --version 2>&1 | head -1)" \
	"licensee $(licensee version 2>&1 | head -1)"
