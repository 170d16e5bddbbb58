#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Peak RSS of layerbom on a huge file table: one million empty files in one
# layer, and the same spread over two layers (bench/make-manyfiles.py).
#   bench/run-memory.sh [LAYERBOM]
set -eu
cd "$(dirname "$0")"
lb="${1:-../build/cmd/layerbom}"
mkdir -p work
[ -d work/manyfiles.oci ] || python3 make-manyfiles.py 1000000 work/manyfiles.oci 1
[ -d work/manyfiles2.oci ] || python3 make-manyfiles.py 1000000 work/manyfiles2.oci 2
for img in manyfiles manyfiles2; do
	for cmd in "files" "scan --no-cache -q"; do
		/usr/bin/time -f "$img: $cmd: %e s wall, %U s user, peak RSS %M KB" \
			"$lb" $cmd "oci-dir:work/$img.oci" >/dev/null
	done
done
