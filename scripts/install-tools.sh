#!/usr/bin/env bash
# Every development tool the test suite runs: real helm 4 and helm 3 (with kubectl), the
# Go tools listed in scripts/go-tools.txt and Flux's controllers (scripts/flux/build.sh),
# each cached by version.
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
# tests/validate/test_kubeconform.py also runs kubeconform on its own fixtures, read from
# its module source in Go's module cache: fetch that too when the binary came cached.
command -v go >/dev/null 2>&1 || export PATH="/usr/local/go/bin:$PATH"
if command -v go >/dev/null 2>&1; then
  kubeconform=$(awk '$1 == "kubeconform" {print $3}' "$here/go-tools.txt")
  if [[ ! -d "$(go env GOMODCACHE)/github.com/yannh/kubeconform@$kubeconform/fixtures" ]]; then
    (cd "$(mktemp -d)" && go mod download "github.com/yannh/kubeconform@$kubeconform") >&2
  fi
fi
# The GitOps engine the tests/gitops tests run (one shared build of two controllers).
bash "$here/flux/build.sh" >/dev/null
if [[ "${1:-}" == "--env" ]]; then
  bash "$here/install-helm.sh" --env
fi
