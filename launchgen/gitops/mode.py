"""The `gitops:` block of a properties repo's .launchgen.yaml: which engine deploys it, how.

    gitops:
      engine: flux | argocd
      source: oci | git | multi-source
      url: oci://HOST/PATH (oci), the deploy repo (git), or where the service's repos
           live (multi-source: URL/<service>.git and URL/<service>-properties.git)

`multi-source` (Argo CD only) renders the chart from the app repo with
`$values/envs/<env>/values.yaml` from the properties repo: the engine cannot set
appVersion, so the image tag comes from values, which lint then allows there (and
only there).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from launchgen.display import printable
from launchgen.errors import ConfigError

ENGINES = ("flux", "argocd")
SOURCES = ("oci", "git", "multi-source")
_URL = re.compile(
    r"(https?|ssh|git|file|oci)://[^\s'\"{}\[\],#`$\\]+\Z|[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[^\s'\"{}\[\],#`$\\]+\Z"
)


@dataclass(frozen=True)
class GitOps:
    engine: str
    source: str
    url: str

    @property
    def multi_source(self) -> bool:
        return self.source == "multi-source"

    def block(self) -> str:
        """The .launchgen.yaml text recording this mode."""
        return (
            "# How a GitOps engine deploys this service (launchgen new --gitops; docs/gitops.md).\n"
            f"gitops:\n  engine: {self.engine}\n  source: {self.source}\n  url: {self.url}\n"
        )


def parse(choice: str, url: str | None, *, service: str, registry: str) -> GitOps:
    """`--gitops ENGINE[:SOURCE]` and `--gitops-url`, checked (the OCI url defaults from the registry)."""
    engine, _, source = choice.partition(":")
    source = source or "oci"
    if engine not in ENGINES:
        raise ConfigError(f"--gitops {printable(choice)!r}: the engine is flux or argocd")
    if source not in SOURCES:
        raise ConfigError(f"--gitops {printable(choice)!r}: the source is oci, git or multi-source")
    if source == "multi-source" and engine != "argocd":
        raise ConfigError(
            "--gitops multi-source is Argo CD's (sources with a `ref: values`): use argocd:multi-source"
        )
    if url is None:
        if source != "oci":
            raise ConfigError(
                f"--gitops {engine}:{source} needs --gitops-url (the git URL the engine reads)"
            )
        url = f"oci://{registry}/deploy/{service}"
    return check(GitOps(engine, source, url.rstrip("/")), "--gitops-url")


def check(mode: GitOps, where: str) -> GitOps:
    if not _URL.match(mode.url):
        raise ConfigError(f"{where}: {printable(mode.url)!r} is not a URL an engine can read")
    if (mode.source == "oci") != mode.url.startswith("oci://"):
        raise ConfigError(
            f"{where}: source {mode.source} needs {'an oci://' if mode.source == 'oci' else 'a git'} URL"
        )
    if mode.source == "oci":
        from launchgen.publish.ociref import repository

        repository(mode.url)
    return mode


def from_config(config: dict[str, Any]) -> GitOps | None:
    """The repo's recorded mode; None when no engine deploys it (or the block is unusable)."""
    block = config.get("gitops")
    if not isinstance(block, dict):
        return None
    engine, source, url = (str(block.get(key) or "") for key in ("engine", "source", "url"))
    if engine not in ENGINES or source not in SOURCES:
        return None
    return GitOps(engine, source, url)


def allows_image_tag(config: dict[str, Any], relpath: str) -> bool:
    """Whether `relpath` may set image.tag: envs/<env>/values.yaml in Argo CD multi-source mode only."""
    mode = from_config(config)
    parts = relpath.split("/")
    return (
        mode is not None
        and mode.multi_source
        and len(parts) == 3
        and parts[0] == "envs"
        and parts[2] == "values.yaml"
    )


def is_engine_file(relpath: str, config: dict[str, Any]) -> bool:
    """`gitops/<env>.yaml` of a repo an engine deploys: engine objects, not values."""
    parts = relpath.split("/")
    return (
        from_config(config) is not None
        and len(parts) == 2
        and parts[0] == "gitops"
        and parts[1].removesuffix(".yaml") in (config.get("environments") or [])
    )


def configured_target(
    properties: Path, git: str | None, oci: str | None, flavour: str | None
) -> tuple[str | None, str | None, str | None]:
    """`publish`'s (--git, --oci, --flavour), defaulted from the repo's gitops block when
    neither target is given: its url, by its source, and its engine's media types."""
    from launchgen import repoconfig

    mode = from_config(repoconfig.load(properties))
    if mode is None:
        return git, oci, flavour
    flavour = flavour or mode.engine
    if git or oci:
        return git, oci, flavour
    if mode.multi_source:
        raise ConfigError(
            f"{printable(str(properties))}/.launchgen.yaml: gitops source is multi-source: Argo CD "
            "renders from the app and properties repos, so there is nothing to publish "
            "(give --git or --oci to publish anyway)"
        )
    return (*pull_source(mode, properties), flavour)


def pull_source(mode: GitOps, properties: Path) -> tuple[str | None, str | None]:
    """(git remote, OCI repository) the engine pulls from, as the gitops block names it
    (checked): where publish writes and rollback re-publishes."""
    check(mode, f"{properties}/.launchgen.yaml: gitops.url")
    return (mode.url, None) if mode.source == "git" else (None, mode.url)
