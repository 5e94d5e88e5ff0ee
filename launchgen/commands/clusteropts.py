"""Options every cluster command shares, and building the `Cluster` from them."""

from __future__ import annotations

import getpass
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def cluster_options(func: F) -> F:
    options = [
        click.option(
            "--properties",
            "properties",
            type=click.Path(file_okay=False, path_type=Path),
            default=Path("."),
            show_default=True,
            help="The properties (or middleware) repo holding the deployment records.",
        ),
        click.option(
            "--kubeconfig",
            type=click.Path(dir_okay=False),
            help="kubeconfig to use [default: kubectl's].",
        ),
        click.option(
            "--helm",
            "helm_path",
            metavar="PATH",
            help="helm binary [default: $LAUNCHGEN_HELM or helm on PATH].",
        ),
        click.option(
            "--kubectl",
            "kubectl_path",
            metavar="PATH",
            help="kubectl binary [default: $LAUNCHGEN_KUBECTL or kubectl].",
        ),
        click.option(
            "--dry-run",
            is_flag=True,
            help="Print the exact helm/kubectl commands and the plan; change nothing.",
        ),
        click.option(
            "--by",
            help="Who is acting, for the record [default: $GITHUB_ACTOR, $GITLAB_USER_LOGIN or the user].",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def who(explicit: str | None) -> str:
    """Who acts, checked now: an invalid name found only when recording would leave a
    finished deployment unrecorded."""
    from launchgen.records import check_by

    return check_by(
        explicit
        or os.environ.get("GITHUB_ACTOR")
        or os.environ.get("GITLAB_USER_LOGIN")
        or getpass.getuser()
    )


@dataclass
class RepoInfo:
    service: str
    environments: list[str]

    def environment(self, name: str) -> str:
        """`name` when it is one of this repo's environments (any valid name when it lists none)."""
        from launchgen.naming import check_environment

        return check_environment(name, self.environments or None)


def properties_repo(path: Path) -> RepoInfo:
    """The properties (or middleware) repo the deployment records live in (--properties)."""
    from launchgen import repoconfig
    from launchgen.errors import ConfigError, LaunchgenError
    from launchgen.naming import check_environment, check_release_name

    config = repoconfig.load(path, kinds=("properties", "middleware"), needs=("service",))
    environments = config.get("environments") or []
    shown = f"{path}/.launchgen.yaml"
    try:
        # Both reach helm and kubectl (release and namespace names, record file names).
        service = check_release_name(config["service"], source="service")
        if not isinstance(environments, list):
            raise ConfigError("environments must be a list")
        listed = [check_environment(e) for e in environments]
    except LaunchgenError as exc:
        raise ConfigError(exc.message, path=shown) from None
    return RepoInfo(service, listed)


@contextmanager
def open_cluster(
    kubeconfig: str | None, helm_path: str | None, kubectl_path: str | None, dry_run: bool
) -> Iterator[Any]:
    from launchgen.deploy.cluster import Cluster, find_kubectl
    from launchgen.helm import Helm

    kubectl = find_kubectl(kubectl_path) if not dry_run else (kubectl_path or "kubectl")
    with Helm(binary=helm_path) as helm:
        cluster = Cluster(helm, kubectl, kubeconfig, dry_run)
        try:
            yield cluster
        finally:
            if dry_run and cluster.plan:
                click.echo("plan:")
                for step in cluster.plan:
                    click.echo(f"  {step}")
