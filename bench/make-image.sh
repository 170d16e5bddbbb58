#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Builds the benchmark image bench/work/usr.oci (OCI layout) and
# bench/work/usr.tar (docker-archive): four gzip layers made by umoci
# (unpack, copy, repack) from directories of this machine's Debian packages,
# about 570 MB unpacked in about 19,000 files.  Numbers measured on it are
# reported in the README.  (umoci 0.4.7's `insert` writes layers whose tar
# stream ends early; GNU tar and layerbom both reject them, so it is not
# used.)
set -eu
cd "$(dirname "$0")"
mkdir -p work
[ -d work/usr.oci ] && exit 0
umoci init --layout work/usr.oci
umoci new --image work/usr.oci:bench
for d in /usr/lib/gcc /usr/include /usr/share/doc /usr/lib/python3; do
	umoci unpack --rootless --image work/usr.oci:bench work/b >/dev/null
	mkdir -p "work/b/rootfs$(dirname "$d")"
	cp -a "$d" "work/b/rootfs$d"
	umoci repack --image work/usr.oci:bench --history.created_by "cp -a $d" work/b >/dev/null
	rm -rf work/b
done
umoci gc --layout work/usr.oci
skopeo copy --quiet oci:work/usr.oci:bench docker-archive:work/usr.tar:bench:latest
