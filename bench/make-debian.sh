#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Builds bench/work/debian.oci: a Debian 12 image of about 200 packages,
# made with debootstrap (minbase plus a few tools) from the mirror this
# machine's apt already uses, packed as one gzip layer by umoci; a second
# layer installs nothing but changes /etc (like a typical app layer).
# Used by bench/run-dpkg.sh to measure what the OS-package detectors add
# to the walk.  Needs root (debootstrap), debootstrap, umoci.
set -eu
cd "$(dirname "$0")"
mkdir -p work
[ -d work/debian.oci ] && exit 0
mirror=$(grep -h '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -1 | awk '{print $2}')
[ -n "$mirror" ] || mirror=$(awk '/^deb /{print $2; exit}' /etc/apt/sources.list)
rm -rf work/debroot
debootstrap --variant=minbase \
	--include=python3,curl,git,openssh-client,perl,less,procps,ca-certificates,gnupg,xz-utils,bzip2,file \
	bookworm work/debroot "$mirror" >/dev/null
umoci init --layout work/debian.oci
umoci new --image work/debian.oci:bench
umoci unpack --rootless --image work/debian.oci:bench work/b >/dev/null 2>&1
rmdir work/b/rootfs
mv work/debroot work/b/rootfs
umoci repack --image work/debian.oci:bench --history.created_by "debootstrap bookworm" work/b >/dev/null
rm -rf work/b
umoci unpack --rootless --image work/debian.oci:bench work/b >/dev/null 2>&1
echo "bench" > work/b/rootfs/etc/motd
umoci repack --image work/debian.oci:bench --history.created_by "echo bench > /etc/motd" work/b >/dev/null
rm -rf work/b
umoci gc --layout work/debian.oci
