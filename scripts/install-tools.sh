#!/usr/bin/env bash
# Every development tool the test suite runs: real helm 4 and helm 3 (with kubectl) and
# the Go tools listed in scripts/go-tools.txt, each cached by version.
#
#   scripts/install-tools.sh            # installs into $LAUNCHGEN_TOOLS (default ~/.cache/launchgen-dev/bin)
#   eval "$(scripts/install-tools.sh --env)"   # also prints the exports the tests read
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
bash "$here/install-helm.sh" >&2
while read -r name package version; do
  [[ -z "$name" || "$name" == \#* ]] && continue
  bash "$here/install-go-tool.sh" "$name" "$package" "$version" >/dev/null
done <"$here/go-tools.txt"
if [[ "${1:-}" == "--env" ]]; then
  bash "$here/install-helm.sh" --env
fi
