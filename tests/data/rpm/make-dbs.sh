#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# Rebuilds the small rpm databases in built/ with real tools, and writes
# what rpm itself answers about them as the expected results.
#
#   sh tests/data/rpm/make-dbs.sh        (Debian: apt-get install rpm
#                                         db5.3-util sqlite3 gnupg)
#
# 1. rpmbuild makes four tiny packages from the specs below, and gpg a
#    throw-away signing key;
# 2. rpm installs them (--justdb) and imports the key into an empty
#    sqlite database: built/rpmdb.sqlite.gz (gzip only because SQLite
#    gives every rpm index its own, mostly empty, page);
# 3. the same header blobs go into Berkeley DB hash databases the way rpm
#    stored them (key: the header number in the database's byte order;
#    key 0: the next free number), written by Berkeley DB's own db_load:
#    built/Packages-bdb-le4096 (little-endian, 4 KiB pages) and
#    built/Packages-bdb-be512 (big-endian, 512-byte pages: every header
#    spills over chains of overflow pages) and built/Packages-bdb-le16384
#    (16 KiB pages: the small headers stay on their hash page), and
#    built/Packages-bdb-le4096-chksum.gz (with page checksums);
# 4. rpm answers `rpm -qa` on each database (the sqlite one, and the
#    Berkeley DB ones through rpm's own read-only bdb_ro backend); the
#    answers must agree, and become built/expected-rpm-qa.psv (fields
#    separated by U+00B6, as in fixtures/) and built/expected-files.tsv.
#
# Debian's rpm 4.18 has the sqlite and bdb_ro backends only, so no NDB
# database is built here: fixtures/sle15-bci-ndb is a real one.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
out=$here/built
for tool in rpm rpmbuild gpg sqlite3 db5.3_load gzip; do
	command -v $tool >/dev/null || { echo "make-dbs.sh: needs $tool" >&2; exit 1; }
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export HOME="$work" GNUPGHOME="$work/gnupg" LC_ALL=C.UTF-8
mkdir -p "$work/top/SPECS" "$GNUPGHOME" "$out"
chmod 700 "$GNUPGHOME"

cat >"$work/top/SPECS/lb-hello.spec" <<'EOF'
Name: lb-hello
Version: 1.0
Release: 1
Summary: A tiny package
License: MIT
BuildArch: noarch
%description
A tiny package without a vendor.
%install
mkdir -p %{buildroot}/usr/share/lb-hello %{buildroot}/etc
echo hi >%{buildroot}/usr/share/lb-hello/README
echo x=1 >%{buildroot}/etc/lb-hello.conf
%files
/usr/share/lb-hello
%config /etc/lb-hello.conf
EOF

# A header far bigger than a page, an epoch, an SPDX expression and a
# summary that is not ASCII.
cat >"$work/top/SPECS/lb-epoch.spec" <<'EOF'
Name: lb-epoch
Epoch: 3
Version: 2.5.1
Release: 0.rc1
Summary: Ünïcödé summary — with a dash
License: GPL-2.0-or-later AND (MIT OR Apache-2.0)
Vendor: Layerbom Test Vendor
URL: https://example.invalid/lb-epoch
%description
Owns many files in many directories.
%install
for d in alpha beta gamma delta; do
	mkdir -p %{buildroot}/usr/share/lb-epoch/$d
	for i in $(seq 1 60); do
		echo $d$i >%{buildroot}/usr/share/lb-epoch/$d/file-with-a-longer-name-$i.txt
	done
done
mkdir -p %{buildroot}/usr/bin
printf '#!/bin/sh\necho lb\n' >%{buildroot}/usr/bin/lb-epoch
chmod 755 %{buildroot}/usr/bin/lb-epoch
%files
/usr/bin/lb-epoch
/usr/share/lb-epoch
EOF

cat >"$work/top/SPECS/lb-nofiles.spec" <<'EOF'
Name: lb-nofiles
Version: 0.1
Release: 7
Summary: A package that owns no file
License: LicenseRef-Proprietary
Vendor: Example Corp.
BuildArch: noarch
%description
Meta package.
%files
EOF

cat >"$work/top/SPECS/lb-space.spec" <<'EOF'
Name: lb-space
Version: 10
Release: 2
Summary: Paths with spaces
License: BSD-3-Clause
%description
File names that need care.
%install
mkdir -p "%{buildroot}/opt/lb space/sub dir"
echo a >"%{buildroot}/opt/lb space/sub dir/a file.txt"
echo b >"%{buildroot}/opt/lb space/b"
%files
"/opt/lb space"
EOF

for spec in "$work"/top/SPECS/*.spec; do
	rpmbuild --quiet --define "_topdir $work/top" --define '_build_id_links none' \
		-bb "$spec" >"$work/rpmbuild.log" 2>&1 ||
		{ cat "$work/rpmbuild.log" >&2; exit 1; }
done

gpg --batch --quiet --passphrase '' --quick-gen-key \
	'layerbom test key <test@example.invalid>' rsa2048 sign never 2>/dev/null
gpg --batch --armor --export >"$work/key.asc"

db="$work/db"
rpm --define '_db_backend sqlite' --dbpath "$db" --initdb
rpm --define '_db_backend sqlite' --dbpath "$db" -i --nodeps --justdb --ignorearch \
	"$work"/top/RPMS/*/*.rpm 2>/dev/null
rpm --define '_db_backend sqlite' --dbpath "$db" --import "$work/key.asc"

qf='%|EPOCH?{%{EPOCH}}:{}|¶%{NAME}¶%{VERSION}¶%{RELEASE}¶%|ARCH?{%{ARCH}}:{}|¶%|SOURCERPM?{%{SOURCERPM}}:{}|¶%{SIZE}¶%{LICENSE}¶%|VENDOR?{%{VENDOR}}:{}|¶%{SUMMARY}¶%|SIGMD5?{%{SIGMD5}}:{}|\n'
fqf='[%{=NAME}\t%{FILENAMES}\n]'

query() { # backend dbdir qf
	rpm --define "_db_backend $1" --dbpath "$2" -qa --qf "$3" 2>/dev/null | LC_ALL=C sort
}

query sqlite "$db" "$qf" >"$work/expected-rpm-qa.psv"
query sqlite "$db" "$fqf" >"$work/expected-files.tsv"

# Berkeley DB: one db_load input per byte order, from the sqlite blobs.
# The key is the 4-byte header number in the database's byte order.
mkdir -p "$work/sq"
cp "$db/rpmdb.sqlite" "$work/sq/"
dump_bdb() { # le|be > db_load input
	if [ "$1" = le ]; then
		key="printf('%02x%02x%02x%02x', hnum & 255, (hnum >> 8) & 255, (hnum >> 16) & 255, (hnum >> 24) & 255)"
	else
		key="printf('%08x', hnum)"
	fi
	printf 'VERSION=3\nformat=bytevalue\ntype=hash\nHEADER=END\n'
	sqlite3 "$work/sq/rpmdb.sqlite" \
		"SELECT ' 00000000', ' ' || (SELECT $key FROM (SELECT max(hnum) + 1 AS hnum FROM Packages));
		 SELECT ' ' || $key, ' ' || lower(hex(blob)) FROM Packages ORDER BY hnum;" |
		tr '|' '\n'
	printf 'DATA=END\n'
}

check_bdb() { # name lorder pagesize
	d="$work/$1"
	mkdir -p "$d"
	dump_bdb "$4" | db5.3_load -c db_lorder="$2" -c db_pagesize="$3" "$d/Packages"
	query bdb_ro "$d" "$qf" | cmp - "$work/expected-rpm-qa.psv"
	query bdb_ro "$d" "$fqf" | cmp - "$work/expected-files.tsv"
	cp "$d/Packages" "$out/Packages-$1"
}
check_bdb bdb-le4096 1234 4096 le
check_bdb bdb-be512 4321 512 be
check_bdb bdb-le16384 1234 16384 le
# Page checksums move the page index from byte 26 to byte 32.  rpm's
# bdb_ro refuses such a database, so only layerbom's test checks this one.
dump_bdb le | db5.3_load -c chksum=1 "$work/Packages-chksum"
gzip -9n <"$work/Packages-chksum" >"$out/Packages-bdb-le4096-chksum.gz"

gzip -9n <"$db/rpmdb.sqlite" >"$out/rpmdb.sqlite.gz"
cp "$work/expected-rpm-qa.psv" "$work/expected-files.tsv" "$out/"
ls -l "$out"
