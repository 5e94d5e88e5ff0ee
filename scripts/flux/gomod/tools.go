//go:build tools

// Package tools pins the main packages that build.sh compiles with `go build -o`.
// It is never compiled itself (build tag), it only makes `go mod tidy` keep every
// module those programs need.
package tools

import (
	_ "github.com/fluxcd/kustomize-controller"
	_ "github.com/fluxcd/source-controller"
)
