#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Builds examples/sample.oci.tar, the small real image of the README's quick
# start, from real packages: Debian's base-files and hello installed by dpkg,
# and two npm packages (is-number, ms) in an application's node_modules.
# Needs: apt-get (Debian 12 sources), dpkg, npm, umoci, skopeo.
# Four layers: base-files; hello; the node app; a layer that deletes a file
# (a whiteout).  The result is committed; run this only to remake it.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

apt-get download base-files hello >/dev/null 2>&1
umoci init --layout oci
umoci new --image oci:sample
umoci config --image oci:sample --config.workingdir=/app \
	--config.cmd=node --config.cmd=/app/index.js --os=linux --architecture=amd64

layer() { # layer "created_by" command...
	msg=$1; shift
	umoci unpack --rootless --image oci:sample b >/dev/null
	"$@"
	umoci repack --image oci:sample --history.created_by "$msg" b >/dev/null
	rm -rf b
}

install_debs() {
	r="$work/b/rootfs"
	mkdir -p "$r/var/lib/dpkg/info" "$r/var/lib/dpkg/updates"
	[ -f "$r/var/lib/dpkg/status" ] || : > "$r/var/lib/dpkg/status"
	[ -f "$r/var/lib/dpkg/available" ] || : > "$r/var/lib/dpkg/available"
	# The image has no libc or awk: dependencies are not installed, by design.
	dpkg --root="$r" --force-script-chrootless --force-not-root --force-depends \
		--log=/dev/null -i "$@" >/dev/null 2>&1
}

node_app() {
	app=b/rootfs/app
	mkdir -p "$app/node_modules"
	cat > "$app/package.json" <<'JSON'
{
  "name": "sample-app",
  "version": "1.0.0",
  "private": true,
  "license": "Apache-2.0",
  "dependencies": {
    "is-number": "7.0.0",
    "ms": "2.1.3"
  }
}
JSON
	echo 'console.log(require("ms")(60000), require("is-number")(5));' > "$app/index.js"
	(cd "$app" && npm install --omit=dev --no-audit --no-fund --ignore-scripts >/dev/null 2>&1)
}

layer "dpkg -i base-files" install_debs ./base-files_*.deb
layer "dpkg -i hello" install_debs ./hello_*.deb
layer "npm install (is-number, ms)" node_app
layer "rm /usr/share/doc/hello/NEWS.gz" rm b/rootfs/usr/share/doc/hello/NEWS.gz
umoci gc --layout oci
rm -f "$here/sample.oci.tar"
skopeo copy --quiet oci:oci:sample oci-archive:"$here/sample.oci.tar":sample:1.0
ls -l "$here/sample.oci.tar"
