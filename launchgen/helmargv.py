"""Every helm command line launchgen runs, one function per subcommand.

Render (template, dependency build, repo add, pull) and the deployment workflow
(upgrade --install, test, rollback, uninstall, history) build their arguments here
and nowhere else; `launchgen.helm.Helm` runs them (mapping helm 4 flag names for
helm 3) and `launchgen.deploy.cluster.Cluster` records them as a dry run's plan.

Release names, namespaces, chart names and revisions come from repos, records and
bundles, all untrusted: each is checked right here, before it becomes an argument, and
positional arguments always follow `--`, so a name such as `--kubeconfig=evil` can
never become an option (`Helm.command` refuses one that looks like an option anyway).
Flags use helm 4's names.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from launchgen.display import printable
from launchgen.errors import InvalidNameError
from launchgen.naming import check_namespace, check_release_name

VERSION = ["version", "--template", "{{.Version}}"]
_TIMEOUT = re.compile(r"(?:[0-9]+(?:\.[0-9]+)?(?:ns|us|ms|s|m|h))+\Z")


def check_timeout(value: str) -> str:
    """A Go duration such as 5m or 1m30s (it becomes helm's --timeout value)."""
    if not _TIMEOUT.match(value):
        raise InvalidNameError(
            f"invalid timeout {printable(value)!r}: a duration such as 300s, 5m or 1h"
        )
    return value


@dataclass(frozen=True)
class Release:
    """A helm release: its name and namespace (checked), and the kubeconfig to reach it."""

    name: str
    namespace: str
    kubeconfig: str | None = None

    def __post_init__(self) -> None:
        check_release_name(self.name)
        check_namespace(self.namespace)

    def args(self, verb: Sequence[str], flags: Sequence[str], *more: str) -> list[str]:
        """`VERB --namespace NS FLAGS [--kubeconfig K] -- RELEASE MORE...`."""
        return [
            *verb,
            "--namespace",
            self.namespace,
            *flags,
            *(["--kubeconfig", self.kubeconfig] if self.kubeconfig else []),
            "--",
            self.name,
            *more,
        ]


def _downloads(plain_http: bool) -> list[str]:
    """Flags for fetching charts: plain HTTP for an OCI registry without TLS."""
    return ["--plain-http"] if plain_http else []


def _set_strings(values: Mapping[str, str]) -> list[str]:
    return [arg for key, value in values.items() for arg in ("--set-string", f"{key}={value}")]


def _values(files: Sequence[Path | str]) -> list[str]:
    return [arg for path in files for arg in ("--values", str(path))]


# --- render -----------------------------------------------------------------------


def template(
    release: Release,
    chart: Path,
    *,
    values: Sequence[Path | str],
    kube_version: str,
    set_strings: Mapping[str, str] | None = None,
) -> list[str]:
    """`helm template`: the chart's manifests (CRDs included) for `kube_version`."""
    return release.args(
        ["template"],
        [
            *_values(values),
            "--kube-version",
            kube_version,
            "--include-crds",
            *_set_strings(set_strings or {}),
        ],
        str(chart),
    )


def dependency_build(chart: Path, *, plain_http: bool = False) -> list[str]:
    """`helm dependency build` of a chart folder launchgen copied."""
    return ["dependency", "build", *_downloads(plain_http), "--", str(chart)]


def repo_add(name: str, url: str) -> list[str]:
    """`helm repo add` (in launchgen's own helm home): helm 3 resolves HTTP
    dependencies only through named repositories."""
    if not url.startswith(("http://", "https://")):
        raise InvalidNameError(f"not an HTTP chart repository: {printable(url)!r}")
    return ["repo", "add", "--force-update", "--", name, url]


def pull(
    name: str, repository: str, version: str, destination: Path, *, plain_http: bool = False
) -> list[str]:
    """`helm pull` of a pinned chart version from an HTTP or OCI repository."""
    if repository.startswith("-"):
        raise InvalidNameError(f"chart repository {printable(repository)!r} is not a URL")
    flags = ["--version", version, "--destination", str(destination), *_downloads(plain_http)]
    if repository.startswith("oci://"):
        return ["pull", *flags, "--", f"{repository.rstrip('/')}/{name}"]
    return ["pull", "--repo", repository, *flags, "--", name]


# --- deploy -----------------------------------------------------------------------


def upgrade_install(
    release: Release, chart: Path | str, *, timeout: str, values: Sequence[Path | str] = ()
) -> list[str]:
    """`helm upgrade --install`, waiting for readiness and rolled back when it fails.

    `chart` is a folder launchgen wrote (or, in a dry run, a `<placeholder>`)."""
    return release.args(
        ["upgrade", "--install"],
        [
            "--wait=watcher",
            "--rollback-on-failure",
            "--timeout",
            check_timeout(timeout),
            *_values(values),
        ],
        str(chart),
    )


def test(release: Release, *, timeout: str) -> list[str]:
    """`helm test`: the chart's test hooks."""
    return release.args(["test"], ["--timeout", check_timeout(timeout)])


def rollback(release: Release, revision: int) -> list[str]:
    """`helm rollback` to `revision` (0: the previous one)."""
    if isinstance(revision, bool) or not isinstance(revision, int) or revision < 0:
        raise InvalidNameError(f"invalid helm revision {revision!r}")
    return release.args(["rollback"], ["--wait"], str(revision))


def uninstall(release: Release) -> list[str]:
    return release.args(["uninstall"], ["--wait"])


def history(release: Release) -> list[str]:
    """`helm history -o json`: the same shape in helm 3 and helm 4."""
    return release.args(["history"], ["-o", "json"])
