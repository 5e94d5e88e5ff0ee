"""Naming: the helm release is named after the service, and every name fits Kubernetes.

Immutable deployments postfix the release name and deploy into a namespace of their
own, so each length limit is checked with the longest postfix counted in.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

from launchgen import naming
from launchgen.display import printable
from launchgen.lint.contract import Context, Hit, rule
from launchgen.lint.redact import quote
from launchgen.standard import (
    HELM_RELEASE_NAME_MAX,
    IMMUTABLE_POSTFIX_LENGTH,
    NAMESPACE_MAX,
    PROPERTIES_SUFFIX,
    REPO_CONFIG_FILE,
)


def _at(ctx: Context, *path: str | int) -> tuple[int, int]:
    document = ctx.file.document if ctx.file else None
    return document.position(path) if document else (1, 1)


@rule("naming-dns1123", scope="file", files=(REPO_CONFIG_FILE, "Chart.yaml"))
def dns1123(ctx: Context) -> Iterator[Hit]:
    """The service name, an environment name or the chart name is not a DNS-1123 label.

    Release names, namespaces and labels derive from them: lowercase letters, digits
    and '-', starting and ending with a letter or digit, at most 63 characters.
    """
    source = ctx.file
    data = source.data if source else None
    if not isinstance(data, dict) or source is None:
        return
    names: list[tuple[str, object, tuple[str | int, ...]]] = []
    if source.relpath == REPO_CONFIG_FILE:
        names.append(("service", data.get("service"), ("service",)))
        envs = data.get("environments")
        for i, env in enumerate(envs if isinstance(envs, list) else []):
            names.append(("environment", env, ("environments", i)))
    elif ctx.repo.kind == "app":
        names.append(("chart", data.get("name"), ("name",)))
    for what, name, path in names:
        if not isinstance(name, str):
            continue
        problem = naming.dns1123_problem(name)
        if problem:
            line, column = _at(ctx, *path)
            yield Hit(
                f"{what} name {quote(name)} {problem}",
                "rename it to lowercase letters, digits and '-'",
                line=line,
                column=column,
            )


@rule("naming-release-length", scope="file", files=(REPO_CONFIG_FILE,))
def release_length(ctx: Context) -> Iterator[Hit]:
    """The service name leaves no room for the immutable postfix in helm's 53-character
    release name limit.

    The release name is the service name plus, for immutable deployments, a
    9-character postfix (`-` and 8 hex digits), so a service name has at most 44.
    """
    data = ctx.file.data if ctx.file else None
    service = data.get("service") if isinstance(data, dict) else None
    if isinstance(service, str) and len(service) > naming.SERVICE_NAME_MAX:
        line, column = _at(ctx, "service")
        yield Hit(
            f"service name {quote(service)} is {len(service)} characters; with the "
            f"{IMMUTABLE_POSTFIX_LENGTH}-character "
            f"immutable postfix the release name exceeds helm's {HELM_RELEASE_NAME_MAX}",
            f"use a service name of at most {naming.SERVICE_NAME_MAX} characters",
            line=line,
            column=column,
        )


@rule("naming-namespace-length", scope="file", files=(REPO_CONFIG_FILE,))
def namespace_length(ctx: Context) -> Iterator[Hit]:
    """A deployment's namespace, `<service>-<env>` plus the immutable postfix, exceeds 63
    characters.

    Each immutable deployment gets a namespace of its own, and namespaces are DNS-1123
    labels of at most 63 characters.
    """
    data = ctx.file.data if ctx.file else None
    if not isinstance(data, dict) or not isinstance(data.get("service"), str):
        return
    envs = data.get("environments")
    for i, env in enumerate(envs if isinstance(envs, list) else []):
        if not isinstance(env, str):
            continue
        longest = len(naming.namespace_for(data["service"], env)) + IMMUTABLE_POSTFIX_LENGTH
        if longest > NAMESPACE_MAX:
            line, column = _at(ctx, "environments", i)
            yield Hit(
                f"namespace for environment {quote(env)} would be {longest} characters with the immutable postfix; "
                f"at most {NAMESPACE_MAX}",
                "choose a shorter service or environment name",
                line=line,
                column=column,
            )


@rule("naming-chart-name", scope="file", kinds=("app",), files=("Chart.yaml",))
def chart_name(ctx: Context) -> Iterator[Hit]:
    """The umbrella chart's name is not the service name.

    The helm release is named after the microservice, and the chart's name is what
    `launchgen render` and the deployed labels use: keep them equal.
    """
    data = ctx.file.data if ctx.file else None
    if not isinstance(data, dict) or not ctx.repo.service:
        return
    if data.get("name") != ctx.repo.service:
        line, column = _at(ctx, "name")
        yield Hit(
            f"chart name {quote(data.get('name'))} is not the service name {quote(ctx.repo.service)}",
            f"set `name: {ctx.repo.service}` in Chart.yaml",
            line=line,
            column=column,
        )


@rule("naming-repo-name", scope="repo", severity="warning")
def repo_name(ctx: Context) -> Iterator[Hit]:
    """The repo's folder is not named `NAME` (app) or `NAME-properties` (properties,
    middleware), where NAME is the service.

    Pipelines and people find a service's repos by these names. Checked against the
    checked-out folder's name, which CI systems set to the repository's name.
    """
    service = ctx.repo.service
    if not service:
        return
    expected = service if ctx.repo.kind == "app" else naming.properties_repo_name(service)
    actual = os.path.basename(os.path.realpath(ctx.repo.root))
    if actual != expected:
        line, column = ctx.repo.document.position(("service",))
        yield Hit(
            f"repo folder is {quote(actual)}, expected {quote(expected)} for a "
            f"{printable(ctx.repo.kind, limit=20)} repo of {quote(service)}",
            f"rename the repository to {expected}",
            path=REPO_CONFIG_FILE,
            line=line,
            column=column,
        )
    linked = ctx.repo.config.get("properties_repo")
    if (
        ctx.repo.kind == "app"
        and isinstance(linked, str)
        and not linked.rstrip("/").endswith(service + PROPERTIES_SUFFIX)
    ):
        line, column = ctx.repo.document.position(("properties_repo",))
        yield Hit(
            f"properties_repo {quote(linked)} is not the {service + PROPERTIES_SUFFIX} repo",
            f"point properties_repo at ../{service + PROPERTIES_SUFFIX}",
            path=REPO_CONFIG_FILE,
            line=line,
            column=column,
        )


RULES = (dns1123, release_length, namespace_length, chart_name, repo_name)
