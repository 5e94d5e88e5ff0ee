#!/usr/bin/env bash
# Builds Flux's source-controller and kustomize-controller from their official Go
# modules (one wrapper module, scripts/flux/gomod, so the two share one build) and
# copies their CRDs out of the module cache, for the tests that run a real GitOps
# engine against the test control plane. Cached by version: a second call with the
# same versions returns at once.
#
#   scripts/flux/build.sh            # prints the tools folder on stdout
#
# Environment:
#   LAUNCHGEN_FLUX_SOURCE_VERSION     default v1.9.0
#   LAUNCHGEN_FLUX_KUSTOMIZE_VERSION  default v1.9.0
#   LAUNCHGEN_TOOLS                   default ~/.cache/launchgen-dev/bin
#   GOTOOLCHAIN                       passed through (v1.10.x needs go1.27.3)
# Why v1.9.0: it builds with this machine's Go 1.26, and the module proxy these
# machines reach serves github.com/fluxcd/pkg/artifact only at v0.18.0, the version
# source-controller v1.9.0 requires (v1.9.4+ need v0.18.2+, v1.10.x v0.27.x: "403 This
# module version is not available").
# Writes $LAUNCHGEN_TOOLS/{source-controller,kustomize-controller} (each with a .version
# file, as scripts/install-go-tool.sh does) and $LAUNCHGEN_TOOLS/flux-crds/*.yaml.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
command -v go >/dev/null 2>&1 || export PATH="/usr/local/go/bin:$PATH"
source_version=${LAUNCHGEN_FLUX_SOURCE_VERSION:-v1.9.0}
kustomize_version=${LAUNCHGEN_FLUX_KUSTOMIZE_VERSION:-v1.9.0}
tools_dir=${LAUNCHGEN_TOOLS:-$HOME/.cache/launchgen-dev/bin}
source_mod=github.com/fluxcd/source-controller
kustomize_mod=github.com/fluxcd/kustomize-controller
crds="$tools_dir/flux-crds"
stamp="$source_mod@$source_version $kustomize_mod@$kustomize_version"

log() { echo "flux/build.sh: $*" >&2; }

current() { # name module@version
  [[ -x "$tools_dir/$1" && "$(cat "$tools_dir/$1.version" 2>/dev/null)" == "$2" ]]
}
if current source-controller "$source_mod@$source_version" &&
  current kustomize-controller "$kustomize_mod@$kustomize_version" &&
  [[ "$(cat "$crds/.version" 2>/dev/null)" == "$stamp" ]]; then
  echo "$tools_dir"
  exit 0
fi

start=$(date +%s)
mkdir -p "$tools_dir"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export GOFLAGS=-mod=mod
# Static binaries: neither controller needs cgo (git is go-git), and it builds faster.
export CGO_ENABLED=0

# The controllers' own replaces, which Go ignores in a dependency: each ./api folder
# becomes its published api module at the same version, the others are kept as they
# are. Two different replaces of one module are an error, not a silent pick.
edits=$(cd /tmp && python3 - "$source_mod@$source_version" "$kustomize_mod@$kustomize_version" <<'EOF'
import json, subprocess, sys
chosen = {}
for spec in sys.argv[1:]:
    module, version = spec.split("@")
    info = json.loads(subprocess.run(["go", "mod", "download", "-json", spec],
                                     check=True, capture_output=True, text=True).stdout)
    mod = json.loads(subprocess.run(["go", "mod", "edit", "-json", info["GoMod"]],
                                    check=True, capture_output=True, text=True).stdout)
    for rep in mod.get("Replace") or []:
        old, new = rep["Old"]["Path"], rep["New"]
        if new["Path"].startswith("./"):
            target = f"{module}/{new['Path'][2:]}@{version}"
        else:
            target = f"{new['Path']}@{new['Version']}"
        if chosen.setdefault(old, target) != target:
            sys.exit(f"conflicting replaces of {old}: {chosen[old]} and {target}")
for old, target in sorted(chosen.items()):
    print(f"-replace={old}={target}")
EOF
)
cp "$here/gomod/go.mod" "$here/gomod/tools.go" "$work/"
log "resolving $source_mod@$source_version and $kustomize_mod@$kustomize_version"
# shellcheck disable=SC2086  # one go mod edit flag a line, none with spaces
# -e: the controllers' own tests import modules (helmtestserver) the proxy does not
# serve; tidy then still records every module the binaries need.
(cd "$work" && go mod edit -require="$source_mod@$source_version" \
  -require="$kustomize_mod@$kustomize_version" $edits && go mod tidy -e)

# One `go build` of both main packages: they compile side by side and share the rest.
declare -A versions=([source-controller]=$source_version [kustomize-controller]=$kustomize_version)
todo=()
for name in source-controller kustomize-controller; do
  current "$name" "github.com/fluxcd/$name@${versions[$name]}" || todo+=("github.com/fluxcd/$name")
done
if ((${#todo[@]})); then
  t=$(date +%s)
  log "building ${todo[*]}"
  (cd "$work" && go build -trimpath -ldflags "-s -w" -o "$work/bin/" "${todo[@]}")
  for module in "${todo[@]}"; do
    name=$(basename "$module")
    install -m 0755 "$work/bin/$name" "$tools_dir/$name.tmp" && mv "$tools_dir/$name.tmp" "$tools_dir/$name"
    echo "$module@${versions[$name]}" >"$tools_dir/$name.version"
  done
  log "built in $(($(date +%s) - t))s"
fi

# The CRDs that match these binaries, from the modules' config/crd/bases.
rm -rf "$crds.tmp" && mkdir -p "$crds.tmp"
for spec in "$source_mod@$source_version" "$kustomize_mod@$kustomize_version"; do
  dir=$(cd "$work" && go mod download -json "$spec" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])')
  cp "$dir"/config/crd/bases/*.yaml "$crds.tmp/"
done
chmod u+w "$crds.tmp"/*.yaml
echo "$stamp" >"$crds.tmp/.version"
rm -rf "$crds" && mv "$crds.tmp" "$crds"
log "done in $(($(date +%s) - start))s"
echo "$tools_dir"
