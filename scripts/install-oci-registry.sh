#!/usr/bin/env bash
# Builds the CNCF distribution registry (an OCI registry) from its official Go module
# into the development tools folder, for the tests that resolve charts over OCI on
# 127.0.0.1. Cached: a second run returns at once.
set -euo pipefail
tools_dir=${LAUNCHGEN_TOOLS:-$HOME/.cache/launchgen-dev/bin}
version=v3.0.0
target="$tools_dir/oci-registry"
if [[ -x "$target" && "$(cat "$target.version" 2>/dev/null)" == "$version" ]]; then
  exit 0
fi
command -v go >/dev/null 2>&1 || export PATH="/usr/local/go/bin:$PATH"
mkdir -p "$tools_dir"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd /tmp && GOFLAGS=-mod=mod GOBIN="$work" go install -trimpath -ldflags "-s -w" \
  "github.com/distribution/distribution/v3/cmd/registry@$version")
install -m 0755 "$work/registry" "$target.tmp" && mv "$target.tmp" "$target"
echo "$version" >"$target.version"
