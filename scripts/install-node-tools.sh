#!/usr/bin/env bash
# The Node tools the test suite runs: gitlab-ci-local (runs the generated GitLab
# pipelines under a real runner, shell executor), installed with npm from the npm
# registry into $LAUNCHGEN_NODE (default ~/.cache/launchgen-dev/node), cached by version.
#
#   scripts/install-node-tools.sh          # installs (no-op when the pinned version is there)
#   scripts/install-node-tools.sh --env    # also prints `export GITLAB_CI_LOCAL=...`
#   scripts/install-node-tools.sh --installed   # prints that export if installed, else
#                                               # exits 1; installs nothing (the tests)
#
# gitlab-ci-local 4.60.1 is the last release that runs on Node 20 (later ones need 22).
# It copies the checkout with rsync, so rsync must be installed too.
set -euo pipefail
version=4.60.1
prefix=${LAUNCHGEN_NODE:-$HOME/.cache/launchgen-dev/node}
dir="$prefix/gitlab-ci-local-$version"
bin="$dir/node_modules/.bin/gitlab-ci-local"

# gitlab-ci-local depends on re2, a native module node-gyp builds against Node's headers:
# use the ones the system's Node ships (Debian: /usr/include/node) instead of downloading
# them, which fails offline.
if [[ -z "${npm_config_nodedir:-}" && -f /usr/include/node/node_version.h ]]; then
  export npm_config_nodedir=/usr
fi

if [[ "${1:-}" == "--installed" ]]; then
  [[ -f "$dir/.complete" ]] || { echo "gitlab-ci-local $version is not installed in $dir" >&2; exit 1; }
  printf 'export GITLAB_CI_LOCAL=%q\n' "$bin"
  exit 0
fi

if [[ ! -f "$dir/.complete" ]]; then
  command -v npm >/dev/null 2>&1 || { echo "install-node-tools.sh: npm is needed (Node 20 or newer)" >&2; exit 2; }
  rm -rf "$dir.tmp" && mkdir -p "$dir.tmp"
  echo "install-node-tools.sh: installing gitlab-ci-local@$version into $dir" >&2
  (cd "$dir.tmp" && npm install --no-audit --no-fund --loglevel=error --prefix . "gitlab-ci-local@$version" >&2)
  "$dir.tmp/node_modules/.bin/gitlab-ci-local" --version >/dev/null
  rm -rf "$dir" && mv "$dir.tmp" "$dir"
  touch "$dir/.complete"
fi
command -v rsync >/dev/null 2>&1 || echo "install-node-tools.sh: warning: gitlab-ci-local needs rsync (apt-get install rsync)" >&2

if [[ "${1:-}" == "--env" ]]; then
  printf 'export GITLAB_CI_LOCAL=%q\n' "$bin"
fi
