//go:build tools

// Package tools pins the main packages that build.sh compiles with `go build -o`.
// It is never compiled itself (build tag), it only makes `go mod tidy` keep
// every module those programs need.
package tools

import (
	_ "go.etcd.io/etcd/server/v3"
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"
)
