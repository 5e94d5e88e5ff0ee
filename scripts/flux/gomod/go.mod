// Wrapper module used by scripts/flux/build.sh to build Flux's source-controller and
// kustomize-controller from their official Go modules in one build (they share most of
// their dependencies). `go install mod@version` refuses both modules, since their go.mod
// has replace directives; build.sh copies this file into a work folder, requires both
// controllers at the versions it is given, re-applies their replaces (their ./api
// folders become the published api modules) and generates go.sum there.
module launchgen.local/flux

go 1.26.0
