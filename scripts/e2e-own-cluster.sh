#!/usr/bin/env bash
# The deployment workflow end to end against your own cluster (kind, k3d, or any
# kubeconfig): generate, render, validate, package, verify, deploy, approve, deploy a
# second version, reject it, then clean up.
#
#   scripts/e2e-own-cluster.sh [KUBECONFIG] [IMAGE_REPOSITORY] [VERSION_1] [VERSION_2]
#
# The default image, registry.k8s.io/pause with tags 3.9 and 3.10, exists and runs
# anywhere but serves no HTTP, so for it the script turns the chart's probes and its
# smoke test off. Point IMAGE_REPOSITORY at your own app's image to exercise them.
set -euo pipefail

kubeconfig=${1:-${KUBECONFIG:-$HOME/.kube/config}}
image=${2:-registry.k8s.io/pause}
v1=${3:-3.9}
v2=${4:-3.10}
work=$(mktemp -d)
trap 'echo "work dir: $work"' EXIT
cd "$work"

launchgen new e2e-demo --envs dev --registry "${image%/*}" >/dev/null
sed -i "s|repository: .*|repository: $image|" e2e-demo/values.yaml
if [[ "$image" == registry.k8s.io/pause ]]; then
  cat >>e2e-demo-properties/envs/dev/values.yaml <<'VALUES'
# pause serves nothing: no probes to answer, no smoke test to run.
probes:
  liveness:
    enabled: false
  readiness:
    enabled: false
tests:
  enabled: false
VALUES
fi
launchgen keygen -o signing >/dev/null
for version in "$v1" "$v2"; do
  launchgen render e2e-demo-properties --app-version "$version" --env dev -o "rendered-$version" --no-lint
  launchgen package "rendered-$version/dev" --key signing.key -o "bundle-$version.tar.gz"
  launchgen verify "bundle-$version.tar.gz" --key signing.pub
done
launchgen deploy "bundle-$v1.tar.gz" --key signing.pub --properties e2e-demo-properties --kubeconfig "$kubeconfig"
launchgen approve --env dev --properties e2e-demo-properties --kubeconfig "$kubeconfig"
launchgen diff "rendered-$v1/dev" "rendered-$v2/dev" || true
launchgen deploy "bundle-$v2.tar.gz" --key signing.pub --properties e2e-demo-properties --kubeconfig "$kubeconfig"
launchgen reject --env dev --properties e2e-demo-properties --kubeconfig "$kubeconfig"
launchgen status --properties e2e-demo-properties --kubeconfig "$kubeconfig"
cat e2e-demo-properties/deployments/dev.yaml
helm uninstall e2e-demo -n e2e-demo-dev --kubeconfig "$kubeconfig"
kubectl delete namespace e2e-demo-dev --kubeconfig "$kubeconfig" --wait=false
