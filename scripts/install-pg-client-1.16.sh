#!/usr/bin/env bash
# Builds the client tools (pg_dump, pg_restore, pg_dumpall, psql and libpq) of a PostgreSQL that writes custom-format
# archive version 1.16 once per machine, into /opt/dbops-test-tools/pg-1.16, so the tests exercise the archive of
# PostgreSQL 17 and 18 (the machine's own pg_dump is 15: archive 1.14). Debian 12 packages neither, so the source
# comes from a newer Debian suite's Sources index, which names the current orig tarball and its SHA-256 (point
# releases replace tarballs in the pool, so no version is fixed here): PostgreSQL 17 from trixie, or, when the pool
# does not serve that tarball, PostgreSQL 18 from sid. Skipped when the folder already holds a pg_dump 17 or 18.
# Needs gcc, make, curl and xz; root or sudo to write the folder and to install the zstd/lz4 headers.
set -euo pipefail

DEST="${DBOPS_TEST_TOOLS_DIR:-/opt/dbops-test-tools}/pg-1.16"
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
# "<suite> <source package>", in order of preference.
CANDIDATES=("trixie postgresql-17" "sid postgresql-18")
MAJORS='1[78]'

fail() { echo "install-pg-client-1.16: $*" >&2; exit 1; }

# dbops takes a pg-bin-dir only with pg_dump, pg_restore and psql in it.
if [ -x "$DEST/bin/psql" ] && "$DEST/bin/pg_dump" --version 2>/dev/null | grep -Eq "^pg_dump \(PostgreSQL\) $MAJORS\."; then
  echo "$("$DEST/bin/pg_dump" --version) present in $DEST/bin"
  exit 0
fi

sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
for tool in gcc make curl xz; do command -v "$tool" >/dev/null || fail "needs $tool (apt-get install build-essential curl xz-utils)"; done
# zstd and lz4 (pg_dump -Z zstd/lz4) and OpenSSL (libpq's sslmode) need their headers; zlib is configure's default.
# Newer tarballs ship no generated parsers, so configure wants bison and flex.
missing=()
for pkg in zlib1g-dev libzstd-dev liblz4-dev libssl-dev bison flex; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# fetch_source <suite> <package>: downloads the package's orig tarball into $work and checks its SHA-256 against the
# suite's Sources index; sets $tarball. Returns 1 when the index or the pool lacks it; fails on a wrong checksum.
fetch_source() {
  local suite="$1" package="$2" paragraph directory sha256 field
  tarball=""
  curl -fsSL --retry 3 "$MIRROR/dists/$suite/main/source/Sources.xz" -o "$work/Sources.xz" \
    || { echo "cannot download $MIRROR/dists/$suite/main/source/Sources.xz" >&2; return 1; }
  # The package's paragraph (awk reads to the end: exiting early would make xz fail with SIGPIPE under pipefail).
  paragraph="$(xz -dc "$work/Sources.xz" | awk -v pkg="$package" '
    $0 == "Package: " pkg && !done { found = 1 } found && /^$/ { found = 0; done = 1 } found { print }')"
  [ -n "$paragraph" ] || { echo "$suite's Sources index lists no $package" >&2; return 1; }
  directory="$(sed -n 's/^Directory: //p' <<<"$paragraph")"
  # The Checksums-Sha256 block's lines are " <sha256> <size> <file>"; the one for *.orig.tar.* is the upstream source.
  read -r sha256 _ tarball < <(awk '/^Checksums-Sha256:/ { on = 1; next } on && /^ / { print; next } { on = 0 }' \
    <<<"$paragraph" | grep -E "${package}_[0-9.]+\.orig\.tar\.[a-z0-9]+$") || true
  for field in directory sha256 tarball; do
    [ -n "${!field}" ] || fail "no $field in the $package entry of $suite's Sources index"
  done
  echo "downloading $tarball ($suite, $directory)"
  curl -fsSL --retry 3 "$MIRROR/$directory/$tarball" -o "$work/$tarball" \
    || { echo "cannot download $MIRROR/$directory/$tarball" >&2; return 1; }
  echo "$sha256  $work/$tarball" | sha256sum -c --quiet - \
    || fail "$tarball does not match the SHA-256 in $suite's Sources index"
}

tarball=""
for candidate in "${CANDIDATES[@]}"; do
  read -r suite package <<<"$candidate"
  fetch_source "$suite" "$package" && break
  tarball=""
done
[ -n "$tarball" ] || fail "no PostgreSQL 17 or 18 source could be downloaded from $MIRROR (messages above)"

echo "building pg_dump, pg_restore, pg_dumpall, psql and libpq from $tarball into $DEST (several minutes the first time)"
start=$SECONDS
tar -xf "$work/$tarball" -C "$work"
src="$(find "$work" -mindepth 1 -maxdepth 1 -type d -name 'postgresql-*' | head -1)"
[ -n "$src" ] || fail "$tarball holds no postgresql-* folder"
build() { # build <step> <command...>: runs one build step, showing its errors and the end of its log when it fails
  local step="$1"; shift
  (cd "$src" && "$@") >"$work/$step.log" 2>&1 && return 0
  { grep -E -m 20 'error|Error|\*\*\*' "$work/$step.log"; echo ...; tail -20 "$work/$step.log"; } >&2
  fail "$step failed (log above)"
}
build configure ./configure --prefix="$DEST" --without-icu --without-readline --with-zstd --with-lz4 --with-openssl
# The generated headers first: make -j2 in a tool's folder would otherwise compile it before they exist.
build make-headers nice -n 10 make -j2 -C src/backend generated-headers
build make-pg_dump nice -n 10 make -j2 -C src/bin/pg_dump
build make-psql nice -n 10 make -j2 -C src/bin/psql
$sudo mkdir -p "$DEST"
build install-libpq $sudo make -C src/interfaces/libpq install
build install-pg_dump $sudo make -C src/bin/pg_dump install
build install-psql $sudo make -C src/bin/psql install
"$DEST/bin/pg_dump" --version | grep -Eq "^pg_dump \(PostgreSQL\) $MAJORS\." \
  || fail "the built $DEST/bin/pg_dump does not run as PostgreSQL 17 or 18"
for tool in pg_restore psql; do "$DEST/bin/$tool" --version >/dev/null || fail "the built $DEST/bin/$tool does not run"; done
echo "$("$DEST/bin/pg_dump" --version) built in $((SECONDS - start)) s"
