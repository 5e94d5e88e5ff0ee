#!/usr/bin/env bash
# Every development tool the test suite runs, each cached by version: real helm 4 and
# helm 3 (with kubectl), the Go tools listed in scripts/go-tools.txt, Flux's controllers
# (scripts/flux/build.sh), gitlab-ci-local (scripts/install-node-tools.sh) and the test
# control plane (scripts/cluster/build.sh).
#
#   scripts/install-tools.sh            # installs into $LAUNCHGEN_TOOLS (default ~/.cache/launchgen-dev/bin)
#   eval "$(scripts/install-tools.sh --env)"   # also prints the exports the tests read
#
# The steps run side by side, at most $LAUNCHGEN_INSTALL_JOBS (default 3) at once, the
# longest first: on a cold machine one step downloads while another compiles, and a Go
# link (one core) overlaps another build's compile. Each step logs to its own file; the
# log of a step that fails is printed whole, and each step that took time says how long.
# Environment: LAUNCHGEN_SKIP_CLUSTER=1 or LAUNCHGEN_TEST_KUBECONFIG skips the control
# plane, as scripts/test.sh does; PYTHON is the python whose pip fetches helm.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
command -v go >/dev/null 2>&1 || export PATH="/usr/local/go/bin:$PATH"
max_jobs=${LAUNCHGEN_INSTALL_JOBS:-3}
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT

go_tool() { # NAME: one line of go-tools.txt
  local package version
  read -r package version < <(awk -v n="$1" '$1 == n {print $2, $3}' "$here/go-tools.txt")
  bash "$here/install-go-tool.sh" "$1" "$package" "$version"
  if [[ "$1" == kubeconform ]]; then
    # tests/validate/test_kubeconform.py also runs kubeconform on its own fixtures, read
    # from its module source in Go's module cache: fetch that too when the binary came cached.
    [[ -d "$(go env GOMODCACHE)/github.com/yannh/kubeconform@$version/fixtures" ]] ||
      (cd "$(mktemp -d)" && go mod download "github.com/yannh/kubeconform@$version")
  fi
}

step() { # NAME COMMAND...: runs in the background, logging to $logs/NAME.log
  local name=$1
  shift
  while (($(jobs -rp | wc -l) >= max_jobs)); do wait -n || true; done
  (
    start=$(date +%s)
    set +e
    # -e inside (a step's function stops at its first failure); not in a || context,
    # where bash would ignore it.
    (set -e && "$@") >"$logs/$name.log" 2>&1
    echo "$? $(($(date +%s) - start))" >"$logs/$name.rc"
  ) &
}

# Longest first (cold, on 2 cores): the control plane, Flux, cosign, then the rest.
if [[ "${LAUNCHGEN_SKIP_CLUSTER:-0}" != 1 && -z "${LAUNCHGEN_TEST_KUBECONFIG:-}" ]]; then
  step control-plane bash "$here/cluster/build.sh"
fi
step flux bash "$here/flux/build.sh"
# The Go tools, costliest first; a tool added to go-tools.txt later joins at the end.
declare -A queued=()
for name in cosign sops oras oci-registry actionlint kubeconform age-keygen \
  $(awk '!/^#/ && NF {print $1}' "$here/go-tools.txt"); do
  [[ -n "${queued[$name]:-}" ]] && continue
  queued[$name]=1
  grep -q "^$name " "$here/go-tools.txt" && step "$name" go_tool "$name"
done
step helm bash "$here/install-helm.sh"
step gitlab-ci-local bash "$here/install-node-tools.sh"
wait

failed=0
for rc in "$logs"/*.rc; do
  name=$(basename "$rc" .rc)
  read -r status seconds <"$rc"
  if [[ "$status" == 0 ]]; then
    # Only what took time (a warm run says nothing), with the builds' own timings.
    if ((seconds > 0)); then
      echo "install-tools.sh: $name ready (${seconds}s)" >&2
      grep -E '^(build\.sh|flux/build\.sh): (built|done)' "$logs/$name.log" | sed 's/^/    /' >&2 || true
    fi
  else
    failed=1
    echo "install-tools.sh: $name FAILED (exit $status after ${seconds}s); its log:" >&2
    sed 's/^/    /' "$logs/$name.log" >&2
  fi
done
((failed == 0)) || exit 1

if [[ "${1:-}" == "--env" ]]; then
  bash "$here/install-helm.sh" --env
  bash "$here/install-node-tools.sh" --env
fi
