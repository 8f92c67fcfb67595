#!/usr/bin/env bash
# Builds actionlint once per machine into the machine-wide test tools folder (beside FerretDB): `npm run
# check:workflows` runs it on .github/workflows, where it checks the workflows' syntax, expressions, the inputs of
# the local actions they use (actions/*/action.yml) and, with shellcheck, their run: scripts. Those workflows run
# what cannot run here (a real MongoDB, Prisma 7, the container build): this is the check they get before GitHub.
# Needs Go (on PATH or /usr/local/go) and the Go module proxy; root or sudo to write the folder.
set -euo pipefail

DEST="${DBOPS_TEST_TOOLS_DIR:-/opt/dbops-test-tools}"
ACTIONLINT_VERSION=v1.7.12

if [ -x "$DEST/bin/actionlint" ] && [ "$(cat "$DEST/versions/actionlint" 2>/dev/null)" = "$ACTIONLINT_VERSION" ]; then
  echo "actionlint $ACTIONLINT_VERSION present in $DEST/bin"
  exit 0
fi
go_bin="$(command -v go || true)"
[ -z "$go_bin" ] && [ -x /usr/local/go/bin/go ] && go_bin=/usr/local/go/bin/go
[ -z "$go_bin" ] && { echo "install-actionlint: no Go on PATH or in /usr/local/go" >&2; exit 1; }
sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
work="$(mktemp -d)"
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT

echo "building actionlint $ACTIONLINT_VERSION"
(cd "$work" && GOTOOLCHAIN=local GOBIN="$work/bin" "$go_bin" install "github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION")
"$work/bin/actionlint" -version | grep -qx "$ACTIONLINT_VERSION"
$sudo mkdir -p "$DEST/bin" "$DEST/versions"
$sudo install -m 0755 "$work/bin/actionlint" "$DEST/bin/actionlint"
echo "$ACTIONLINT_VERSION" | $sudo tee "$DEST/versions/actionlint" >/dev/null
