#!/usr/bin/env bash
# Builds and caches a real Kubernetes control plane for the test suite, from the
# official Go modules: etcd, kube-apiserver, kube-controller-manager,
# kube-scheduler (one wrapper module, scripts/cluster/gomod) and kwok (its own
# module, since it pins newer k8s.io/* libraries than the control plane).
#
#   scripts/cluster/build.sh            # prints the bin dir on stdout
#
# Environment:
#   LAUNCHGEN_K8S_VERSION    e.g. v1.35.4 (default: newest v1.35.x the module proxy serves,
#                            or the newest already cached when the proxy cannot be asked)
#   LAUNCHGEN_KWOK_VERSION   default v0.8.0
#   LAUNCHGEN_CLUSTER_CACHE  default ~/.cache/launchgen-dev/cluster
# Binaries go to $LAUNCHGEN_CLUSTER_CACHE/<k8s version>/bin; a present, complete
# bin dir is reused without building. Go's module and build caches are reused too.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if ! command -v go >/dev/null 2>&1; then
  export PATH="/usr/local/go/bin:$PATH"
fi
cache=${LAUNCHGEN_CLUSTER_CACHE:-$HOME/.cache/launchgen-dev/cluster}
kwok_version=${LAUNCHGEN_KWOK_VERSION:-v0.8.0}
binaries=(etcd kube-apiserver kube-controller-manager kube-scheduler kwok)

log() { echo "build.sh: $*" >&2; }

newest_cached() {
  local d
  for d in "$cache"/v1.35.*/bin/.complete; do
    [[ -e "$d" ]] && basename "$(dirname "$(dirname "$d")")"
  done | sort -V | tail -n 1
}

version=${LAUNCHGEN_K8S_VERSION:-}
if [[ -z "$version" ]]; then
  # Ask the proxy from a neutral dir so no go.mod around us interferes.
  version=$(cd /tmp && GOFLAGS=-mod=mod go list -m -versions k8s.io/kubernetes 2>/dev/null |
    tr ' ' '\n' | grep -E '^v1\.35\.[0-9]+$' | sort -V | tail -n 1 || true)
  if [[ -z "$version" ]]; then
    version=$(newest_cached)
  fi
  [[ -n "$version" ]] || { log "cannot resolve a Kubernetes 1.35 version"; exit 1; }
fi

bin="$cache/$version/bin"
if [[ -e "$bin/.complete" && -e "$bin/kwok-stages.yaml" ]]; then
  log "cached: $bin"
  echo "$bin"
  exit 0
fi

src="$cache/$version/src"
mkdir -p "$bin" "$src"
start=$(date +%s)
export GOFLAGS=-mod=mod
# Static binaries: nothing of the control plane needs cgo, and it builds faster.
export CGO_ENABLED=0

log "kubernetes $version: resolving staging modules"
kube_mod=$(go mod download -json "k8s.io/kubernetes@$version" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["GoMod"])')
minor=${version#v1.}   # 35.4
# Every k8s.io/* module kubernetes takes from ./staging/ (its replace block, and any
# v0.0.0 require) is published as v0.<minor>.<patch> -- map them to that release.
staging=$(python3 - "$kube_mod" <<'EOF'
import re, sys
text = open(sys.argv[1]).read()
names = set(re.findall(r"^\s*(k8s\.io/[\w.-]+) v0\.0\.0\s*$", text, re.M))
names |= set(re.findall(r"^\s*(k8s\.io/[\w.-]+) => \./staging/", text, re.M))
print("\n".join(sorted(names)))
EOF
)

cp "$here/gomod/go.mod" "$here/gomod/tools.go" "$src/"
rm -f "$src/go.sum"
edits=(-require="k8s.io/kubernetes@$version")
while read -r mod; do
  [[ -n "$mod" ]] && edits+=(-replace="$mod=$mod@v0.$minor")
done <<<"$staging"
(cd "$src" && go mod edit "${edits[@]}" && go mod tidy)

# The API server reports this version (helm and kubectl read it); without -X it
# would claim v0.0.0-master.
commit=$(go mod download -json "k8s.io/kubernetes@$version" |
  python3 -c 'import json,sys; print(json.load(sys.stdin).get("Origin", {}).get("Hash", ""))')
major_minor=${version#v}
vpkg=k8s.io/component-base/version
ldflags="-s -w -X $vpkg.gitVersion=$version -X $vpkg.gitMajor=${major_minor%%.*}"
ldflags+=" -X $vpkg.gitMinor=$(echo "$major_minor" | cut -d. -f2) -X $vpkg.gitCommit=$commit"
ldflags+=" -X $vpkg.gitTreeState=clean -X $vpkg.buildDate=1970-01-01T00:00:00Z"

# One `go build` of the four main packages: they compile side by side and link in
# parallel (a link is one core's work), sharing every package they have in common.
declare -A packages=(
  [etcd]=go.etcd.io/etcd/server/v3
  [kube-apiserver]=k8s.io/kubernetes/cmd/kube-apiserver
  [kube-scheduler]=k8s.io/kubernetes/cmd/kube-scheduler
  [kube-controller-manager]=k8s.io/kubernetes/cmd/kube-controller-manager
)
todo=()
for name in "${!packages[@]}"; do
  [[ -x "$bin/$name" ]] || todo+=("$name")
done
if ((${#todo[@]})); then
  t=$(date +%s)
  out="$src/out"
  rm -rf "$out" && mkdir -p "$out"
  pkgs=()
  for name in "${todo[@]}"; do pkgs+=("${packages[$name]}"); done
  log "building ${todo[*]}"
  (cd "$src" && go build -trimpath -ldflags "$ldflags" -o "$out/" "${pkgs[@]}")
  for name in "${todo[@]}"; do
    # go names a binary after its package, less a major-version suffix (etcd's is "server")
    built=$out/$(basename "${packages[$name]%/v[0-9]*}")
    mv "$built" "$bin/$name"
  done
  log "built ${todo[*]} in $(($(date +%s) - t))s"
fi

# kwok has no replace directives, so `go install pkg@version` works outside any module.
if [[ ! -x "$bin/kwok" ]]; then
  t=$(date +%s)
  log "building kwok $kwok_version"
  (cd /tmp && GOFLAGS= GOBIN="$bin" go install -trimpath -ldflags "-s -w" \
    "sigs.k8s.io/kwok/cmd/kwok@$kwok_version")
  log "built kwok in $(( $(date +%s) - t ))s"
fi

# kwok's controller does nothing without Stage configs: take the ones `kwokctl` uses
# by default (nodes become Ready and keep a lease, pods become Ready, deleted pods
# go away) from the kwok module itself, so they match the binary.
kwok_dir=$(cd /tmp && GOFLAGS= go mod download -json "sigs.k8s.io/kwok@$kwok_version" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])')
: >"$bin/kwok-stages.yaml.tmp"
for f in "$kwok_dir"/kustomize/stage/{node/fast,node/heartbeat-with-lease,pod/fast}/*.yaml; do
  [[ "$(basename "$f")" == kustomization.yaml ]] && continue
  { echo "---"; cat "$f"; } >>"$bin/kwok-stages.yaml.tmp"
done
mv "$bin/kwok-stages.yaml.tmp" "$bin/kwok-stages.yaml"

etcd_version=$(cd "$src" && go list -m -f '{{.Version}}' go.etcd.io/etcd/server/v3)
cat >"$bin/VERSIONS" <<EOF
kubernetes $version
etcd $etcd_version
kwok $kwok_version
go $(go env GOVERSION)
EOF
for b in "${binaries[@]}"; do [[ -x "$bin/$b" ]] || { log "missing $b"; exit 1; }; done
touch "$bin/.complete"
log "done in $(( $(date +%s) - start ))s"
echo "$bin"
