// Wrapper module used by scripts/cluster/build.sh to build a Kubernetes control
// plane from the official Go modules. build.sh copies this file into the cache,
// adds `require k8s.io/kubernetes vX` plus one replace per staging module
// (k8s.io/kubernetes publishes its go.mod with replaces to ./staging/, which Go
// ignores in dependencies) and generates go.sum there.
module launchgen.local/cluster

go 1.25.0
