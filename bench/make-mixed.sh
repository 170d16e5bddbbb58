#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Builds bench/work/mixed.oci (OCI layout, gzip layers) and
# bench/work/mixed.tar (docker-archive, as `docker save` writes it: layers
# not compressed): a multi-layer image of about 500 MB of tar with Debian,
# Python, Java, Go and npm content, for bench/run-trivy.sh.
#   layer 1  the Debian 12 base of bench/make-debian.sh (debootstrap
#            minbase plus python3, perl, git, curl...), without apt's
#            downloaded .debs and package lists, as images ship it
#   layer 2  Debian's python3 libraries (numpy, cryptography, requests...)
#   layer 3  Debian's lib*-java packages: jars in /usr/share/java
#   layer 4  Go programs: Debian's restic, fzf and age, and one program
#            built here in module mode with Debian's Go sources vendored
#            (so its build info lists its module dependencies)
#   layer 5  an npm application: `npm install` of express, webpack,
#            typescript, react... from the npm registry into /srv/app
# Packages come from the mirror make-debian.sh used (apt-get inside the
# chroot, with the package lists the base was built with) and from the npm
# registry.  Needs root (chroot), umoci, skopeo, npm, go.
set -eu
cd "$(dirname "$0")"
mkdir -p work
[ -f work/mixed.tar ] && [ -d work/mixed.oci ] && exit 0
./make-debian.sh
w=$PWD/work
rm -rf work/mixed.oci work/mixed.tar work/mb work/mixed-lists
umoci init --layout work/mixed.oci
umoci new --image work/mixed.oci:bench
umoci unpack --image work/mixed.oci:bench work/mb >/dev/null 2>&1
rm -rf work/mb/rootfs
umoci unpack --image work/debian.oci:bench work/m0 >/dev/null 2>&1
mv work/m0/rootfs work/mb/rootfs
rm -rf work/m0
root=$w/mb/rootfs

# apt's package lists stay out of every layer; they are moved in only while
# apt-get runs
mkdir -p work/mixed-lists
find "$root/var/cache/apt/archives" -name '*.deb' -delete
rm -f "$root/var/cache/apt/"*.bin
mv "$root/var/lib/apt/lists/"* work/mixed-lists/ 2>/dev/null || true
repack() {
	umoci repack --refresh-bundle --image work/mixed.oci:bench --history.created_by "$1" work/mb >/dev/null
}
repack "debootstrap bookworm (bench/make-debian.sh)"

apt_layer() {
	msg=$1
	shift
	mv work/mixed-lists/* "$root/var/lib/apt/lists/"
	chroot "$root" env DEBIAN_FRONTEND=noninteractive LC_ALL=C \
		apt-get install -y -q --no-install-recommends "$@" >/dev/null
	chroot "$root" apt-get clean
	rm -f "$root/var/cache/apt/"*.bin
	mv "$root/var/lib/apt/lists/"* work/mixed-lists/
	repack "$msg"
}
apt_layer "apt-get install python3 libraries" \
	python3-numpy python3-cryptography python3-requests python3-yaml \
	python3-jinja2 python3-setuptools python3-six python3-dateutil
apt_layer "apt-get install java libraries" \
	libguava-java libcommons-lang3-java libjackson2-databind-java \
	liblog4j2-java libslf4j-java libcommons-io-java libnetty-java \
	libspring-core-java libhttpclient-java

# A Go program in module mode, built offline: its dependencies are Debian's
# Go sources, vendored, so the binary's build info names them with the
# versions Debian packages
apt-get install -y -q --no-install-recommends golang-go \
	golang-github-spf13-cobra-dev golang-github-spf13-pflag-dev >/dev/null
rm -rf work/gohello
mkdir -p work/gohello/vendor/github.com/spf13
cp -r /usr/share/gocode/src/github.com/spf13/cobra /usr/share/gocode/src/github.com/spf13/pflag \
	work/gohello/vendor/github.com/spf13/
find work/gohello/vendor -name '*_test.go' -delete
rm -rf work/gohello/vendor/github.com/spf13/cobra/doc work/gohello/vendor/github.com/spf13/cobra/cobra
# Debian's version without its revision; a git snapshot (1.0.6~git20210604-
# d5e0c0615ace) becomes a Go pseudo-version (time of day unknown: 000000)
gover() {
	dpkg-query -W -f '${Version}' "$1" | sed -e 's/-[^-]*$//' \
		-e 's/^\([0-9.]*\)~git\([0-9]\{8\}\)-\([0-9a-f]\{12\}\).*/\1-0.\2000000-\3/'
}
v_cobra=$(gover golang-github-spf13-cobra-dev)
v_pflag=$(gover golang-github-spf13-pflag-dev)
cat > work/gohello/go.mod <<EOF
module example.com/benchhello

go 1.19

require (
	github.com/spf13/cobra v$v_cobra
	github.com/spf13/pflag v$v_pflag
)
EOF
cat > work/gohello/vendor/modules.txt <<EOF
# github.com/spf13/cobra v$v_cobra
## explicit
github.com/spf13/cobra
# github.com/spf13/pflag v$v_pflag
## explicit
github.com/spf13/pflag
EOF
cat > work/gohello/main.go <<'EOF'
package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

func main() {
	cmd := &cobra.Command{
		Use: "benchhello",
		Run: func(c *cobra.Command, args []string) { fmt.Println("hello") },
	}
	_ = cmd.Execute()
}
EOF
(cd work/gohello && GOFLAGS=-mod=vendor GOPROXY=off GOCACHE=$w/gocache go build -buildvcs=false -o benchhello .)
mkdir -p "$root/usr/local/bin"
cp work/gohello/benchhello "$root/usr/local/bin/"
mv work/mixed-lists/* "$root/var/lib/apt/lists/"
chroot "$root" env DEBIAN_FRONTEND=noninteractive LC_ALL=C \
	apt-get install -y -q --no-install-recommends restic fzf age >/dev/null
chroot "$root" apt-get clean
rm -f "$root/var/cache/apt/"*.bin
mv "$root/var/lib/apt/lists/"* work/mixed-lists/
repack "apt-get install restic fzf age; go build benchhello"

# The npm application: package.json and package-lock.json as npm wrote them
mkdir -p work/npmapp
cat > work/npmapp/package.json <<'EOF'
{
  "name": "bench-app",
  "version": "1.0.0",
  "private": true,
  "license": "MIT",
  "dependencies": {
    "express": "^4.21.0",
    "lodash": "^4.17.21",
    "moment": "^2.30.1",
    "typescript": "^5.6.0",
    "webpack": "^5.95.0",
    "@babel/core": "^7.25.0",
    "react": "^18.3.1",
    "react-dom": "^18.3.1",
    "axios": "^1.7.0",
    "rxjs": "^7.8.1"
  }
}
EOF
[ -d work/npmapp/node_modules ] ||
	(cd work/npmapp && npm install --no-audit --no-fund --ignore-scripts >/dev/null)
mkdir -p "$root/srv/app"
cp -a work/npmapp/package.json work/npmapp/package-lock.json work/npmapp/node_modules "$root/srv/app/"
repack "npm install (express, webpack, typescript, react...)"

rm -rf work/mb work/mixed-lists
umoci gc --layout work/mixed.oci
skopeo copy --quiet oci:work/mixed.oci:bench docker-archive:work/mixed.tar:bench:latest
