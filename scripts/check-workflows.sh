#!/usr/bin/env bash
# The GitHub workflows checked by actionlint (with shellcheck on their run: scripts), and the project's own shell
# scripts by shellcheck. Both are installed by scripts/install-test-deps.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
actionlint="${DBOPS_TEST_TOOLS_DIR:-/opt/dbops-test-tools}/bin/actionlint"
[ -x "$actionlint" ] || actionlint="$(command -v actionlint || true)"
if [ -z "$actionlint" ] || ! command -v shellcheck >/dev/null; then
  echo "check:workflows needs actionlint and shellcheck: run scripts/install-test-deps.sh" >&2
  exit 1
fi
"$actionlint" .github/workflows/*.yml
shellcheck --severity=warning scripts/*.sh .ci/run
echo "workflows and shell scripts: no findings"
