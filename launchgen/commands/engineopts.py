"""Options of the day-2 commands that name where a GitOps engine pulls from (engine mode).

The same names as `launchgen publish`'s: a rollback re-publishes to where publish wrote.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from launchgen.gitops.day2 import Targets

F = TypeVar("F", bound=Callable[..., Any])


def engine_options(func: F) -> F:
    options = [
        click.option(
            "--git",
            "git_remote",
            metavar="REMOTE",
            help="Engine mode: the deploy repo publish commits to (branch environments/ENV) "
            "[default: gitops.url in .launchgen.yaml].",
        ),
        click.option(
            "--oci",
            "oci_repository",
            metavar="oci://HOST/PATH",
            help="Engine mode: the OCI repository publish pushes to (tag ENV) "
            "[default: gitops.url in .launchgen.yaml].",
        ),
        click.option(
            "--plain-http", is_flag=True, help="Talk to the registry over HTTP (a local registry)."
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def engine_targets(
    properties: Path, service: str, environment: str, options: dict[str, Any]
) -> Targets | None:
    """Engine mode's targets (None: push mode). Takes the engine options out of a
    command's `options`, leaving the cluster options for `open_cluster`."""
    from launchgen.gitops import day2

    return day2.targets(
        properties,
        service,
        environment,
        git=options.pop("git_remote"),
        oci=options.pop("oci_repository"),
        plain_http=options.pop("plain_http"),
    )
