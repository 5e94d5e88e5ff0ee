#!/usr/bin/env bash
# The whole test suite, on a fresh machine or a warm one:
#   scripts/test.sh [pytest args...]
# Installs launchgen and its test dependencies into .venv, and every tool the tests run
# (scripts/install-tools.sh: helm 4 and 3, the Go tools, Flux, gitlab-ci-local and the
# Kubernetes control plane, all cached after the first run), then runs ruff, mypy and
# pytest. The tests themselves install and build nothing: a missing tool
# fails its tests with the script to run.
#
# LAUNCHGEN_SKIP_CLUSTER=1 skips the control plane build and deselects the `cluster`
# tests (said on stderr); LAUNCHGEN_TEST_KUBECONFIG runs them on an existing cluster.
set -euo pipefail
cd "$(dirname "$0")/.."

# System packages the tests run: shellcheck (actionlint checks every run: step with it;
# without it those scripts go unchecked), rsync (gitlab-ci-local copies the checkout).
missing=()
for cmd_pkg in shellcheck:shellcheck rsync:rsync; do
  command -v "${cmd_pkg%%:*}" >/dev/null 2>&1 || missing+=("${cmd_pkg##*:}")
done
if ((${#missing[@]})); then
  if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "test.sh: install ${missing[*]} first (Debian: apt-get install ${missing[*]})" >&2
    exit 2
  fi
fi

python=${PYTHON:-python3}
if [[ ! -x .venv/bin/python ]]; then
  "$python" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip >/dev/null

# helm 4 and 3, kubectl, the Go tools of scripts/go-tools.txt (the OCI registry,
# kubeconform, actionlint, sops, ...), Flux, gitlab-ci-local and the control plane, each
# built or fetched once and cached by version; in the background while launchgen itself
# installs, since on a cold machine the Go builds take most of the time.
PYTHON="$PWD/.venv/bin/python" bash scripts/install-tools.sh &
tools=$!
trap 'kill "$tools" 2>/dev/null || true' EXIT # a failed pip install stops the builds too
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[test]"
# The wheels of launchgen's dependencies, for the pipeline jobs' offline pip installs.
.venv/bin/python -m tests.helpers.wheelhouse >/dev/null
wait "$tools" # fails loudly here, with the failed step's log, not as test errors later
trap - EXIT
eval "$(PYTHON="$PWD/.venv/bin/python" bash scripts/install-tools.sh --env)"

select=()
if [[ "${LAUNCHGEN_SKIP_CLUSTER:-0}" == 1 ]]; then
  echo "test.sh: LAUNCHGEN_SKIP_CLUSTER=1: the cluster tests are deselected" >&2
  select=(-m "not cluster")
fi

export PATH="$PWD/.venv/bin:$PATH"
# Lint, formatting and strict typing are part of the suite (pyproject.toml [tool.ruff],
# [tool.mypy]).
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/python -m mypy launchgen tests
exec .venv/bin/python -m pytest "${select[@]}" "$@"
