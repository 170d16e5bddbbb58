#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# What the OS-package detectors add to the walk, on a ~160-package Debian 12
# image (bench/make-debian.sh): `layerbom files` (walk and squash only)
# against `layerbom scan` (walk, squash, every detector, table output).
# Prints the best of N runs of wall, user and system time and peak RSS
# (/usr/bin/time), then a hyperfine comparison when hyperfine is there.
#   bench/run-dpkg.sh [LAYERBOM] [RUNS]
set -eu
cd "$(dirname "$0")"
lb=${1:-../build/cmd/layerbom}
runs=${2:-7}
./make-debian.sh
img=oci-dir:work/debian.oci
echo "image: $("$lb" scan "$img" | grep -c '^os-package') dpkg packages, $(du -sh work/debian.oci | cut -f1) stored"
for cmd in files scan; do
	# scan without the layer cache: this measures the walk and the detectors
	nocache=""
	[ "$cmd" = scan ] && nocache="--no-cache"
	i=0
	while [ $i -lt "$runs" ]; do
		/usr/bin/time -f "%e %U %S %M" "$lb" $cmd $nocache -j 1 "$img" 2>&1 >/dev/null | tail -1
		i=$((i + 1))
	done | sort -n | head -1 | awk -v c="$cmd" '{printf "%-6s best of runs: wall %.2f s, user %.2f s, sys %.2f s, cpu %.2f s, peak RSS %.1f MB\n", c, $1, $2, $3, $2 + $3, $4 / 1024}'
done
if command -v hyperfine >/dev/null; then
	hyperfine -N -w 1 -r "$runs" "$lb files -j 1 $img" "$lb scan --no-cache -j 1 $img"
fi
