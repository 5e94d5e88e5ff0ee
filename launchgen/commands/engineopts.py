"""Options of the day-2 commands that name where a GitOps engine pulls from (engine mode).

The same names as `launchgen publish`'s: a rollback re-publishes to where publish wrote.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

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
