#!/usr/bin/env bash
# Builds one Go tool the tests run (kubeconform, actionlint, sops, the OCI registry, ...)
# from its official module with `go install`, into the development tools folder, cached
# by version: a second call with the same version returns at once.
#
#   scripts/install-go-tool.sh NAME PACKAGE VERSION    # prints the binary's path
#   e.g. scripts/install-go-tool.sh kubeconform github.com/yannh/kubeconform/cmd/kubeconform v0.7.0
#
# Environment: LAUNCHGEN_TOOLS (default ~/.cache/launchgen-dev/bin); GOTOOLCHAIN is passed
# through for modules that need a newer Go than the machine's.
set -euo pipefail
[[ $# -eq 3 ]] || { echo "usage: install-go-tool.sh NAME PACKAGE VERSION" >&2; exit 2; }
name=$1 package=$2 version=$3
tools_dir=${LAUNCHGEN_TOOLS:-$HOME/.cache/launchgen-dev/bin}
target="$tools_dir/$name"
if [[ -x "$target" && "$(cat "$target.version" 2>/dev/null)" == "$package@$version" ]]; then
  echo "$target"
  exit 0
fi
command -v go >/dev/null 2>&1 || export PATH="/usr/local/go/bin:$PATH"
mkdir -p "$tools_dir"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# From a neutral folder, so no go.mod around us takes part. No cgo (none of these tools
# needs it), as the control plane and Flux are built: static binaries, and the standard
# library compiled once for all of them.
(cd "$work" && CGO_ENABLED=0 GOFLAGS=-mod=mod GOBIN="$work/bin" go install -trimpath -ldflags "-s -w" "$package@$version") >&2
install -m 0755 "$work/bin/$(basename "$package")" "$target.tmp" && mv "$target.tmp" "$target"
echo "$package@$version" >"$target.version"
echo "$target"
