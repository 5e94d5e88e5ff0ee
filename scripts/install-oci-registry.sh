#!/usr/bin/env bash
# Builds the CNCF distribution registry (an OCI registry) from its official Go module
# into the development tools folder, for the tests that resolve charts over OCI on
# 127.0.0.1. Cached: a second run returns at once.
set -euo pipefail
exec bash "$(dirname "$0")/install-go-tool.sh" oci-registry \
  github.com/distribution/distribution/v3/cmd/registry v3.0.0 >/dev/null
