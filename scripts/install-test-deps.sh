#!/usr/bin/env bash
# Installs the system packages the tests use: a PostgreSQL server (the tests start their own cluster), zstd,
# age (the reference client the tests check our encryption format against), openssl, promtool, ss, shellcheck and exFAT's tools. Idempotent; needs root or sudo.
set -euo pipefail
"$(dirname "$0")/install-mongo-test-tools.sh"   # FerretDB and mongo-tools, built once per machine
"$(dirname "$0")/install-actionlint.sh"         # checks the GitHub workflows (npm run check:workflows)
"$(dirname "$0")/install-pg-client-1.16.sh"     # pg_dump/pg_restore 17 or 18 (archive 1.16), built once per machine
missing=()
command -v age >/dev/null || missing+=(age)
command -v zstd >/dev/null || missing+=(zstd)
command -v openssl >/dev/null || missing+=(openssl)          # a certificate for the SMTP notification test
command -v promtool >/dev/null || missing+=(prometheus)      # promtool checks the monitor report's metrics file
command -v ss >/dev/null || missing+=(iproute2)              # ss shows that sessions send TCP keepalives
command -v shellcheck >/dev/null || missing+=(shellcheck)    # the workflows' run: scripts and scripts/*.sh
command -v mkfs.exfat >/dev/null || missing+=(exfatprogs)     # an exFAT volume (no hard links) for local storage
command -v mount.exfat-fuse >/dev/null || missing+=(exfat-fuse) # mounted through FUSE: no kernel module needed
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
ls /usr/lib/postgresql/*/bin/pg_dump >/dev/null 2>&1 || missing+=(postgresql-client)
command -v pg_repack >/dev/null || missing+=("postgresql-$(ls /usr/lib/postgresql 2>/dev/null | sort -V | tail -1 | grep . || echo 15)-repack")  # maintenance tests
[ ${#missing[@]} -eq 0 ] && { echo "system test dependencies present"; exit 0; }
sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
echo "installing: ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
# Debian's postgresql package creates and starts a default cluster; the tests start their own, so stop it.
if command -v pg_lsclusters >/dev/null; then $sudo pg_ctlcluster --force "$(ls /usr/lib/postgresql | sort -V | tail -1)" main stop 2>/dev/null || true; fi
