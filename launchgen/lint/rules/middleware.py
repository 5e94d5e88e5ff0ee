"""Middleware: the vendor's chart, pinned exactly, with our values per environment.

A middleware repo's `.launchgen.yaml` names the vendor chart (`chart.name`,
`chart.repository`, `chart.version`, optionally `chart.digest`); its values per
environment follow the properties rules (`properties-env-files`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from launchgen.lint.contract import Context, Hit, rule
from launchgen.lint.redact import quote
from launchgen.semver import EXACT_SEMVER
from launchgen.standard import CHART_REPOSITORY, REPO_CONFIG_FILE

DIGEST = re.compile(r"^sha256:[0-9a-f]{64}\Z")


def _chart(ctx: Context) -> dict[str, object]:
    data = ctx.file.data if ctx.file else None
    chart = data.get("chart") if isinstance(data, dict) else None
    return chart if isinstance(chart, dict) else {}


def _at(ctx: Context, *path: str) -> tuple[int, int]:
    document = ctx.file.document if ctx.file else None
    return document.position(("chart", *path)) if document else (1, 1)


@rule("middleware-chart-pinned", scope="file", kinds=("middleware",), files=(REPO_CONFIG_FILE,))
def chart_pinned(ctx: Context) -> Iterator[Hit]:
    """The vendor chart is not pinned: no exact version, or no https://, http:// or oci:// repository.

    Every deployment of a middleware component must render the same chart; a range or
    `latest` lets the vendor change it under you.
    """
    chart = _chart(ctx)
    version = chart.get("version")
    if not isinstance(version, str) or not EXACT_SEMVER.match(version):
        line, column = _at(ctx, "version")
        yield Hit(
            f"vendor chart version {quote(version)} is not an exact version",
            "set chart.version to the exact version, e.g. 16.4.1",
            line=line,
            column=column,
        )
    repository = chart.get("repository")
    if not isinstance(repository, str) or not CHART_REPOSITORY.match(repository):
        line, column = _at(ctx, "repository")
        yield Hit(
            f"vendor chart repository {quote(repository)} is not an https://, http:// or oci:// URL",
            "set chart.repository, e.g. oci://registry-1.docker.io/bitnamicharts",
            line=line,
            column=column,
        )


@rule(
    "middleware-chart-digest",
    scope="file",
    kinds=("middleware",),
    files=(REPO_CONFIG_FILE,),
    severity="warning",
)
def chart_digest(ctx: Context) -> Iterator[Hit]:
    """The vendor chart has no digest although its source gives one (OCI), or the digest
    is malformed.

    A version tag in an OCI registry can be re-pushed; the digest cannot. Pin
    `chart.digest: sha256:<64 hex digits>` (`helm pull` prints it).
    """
    chart = _chart(ctx)
    digest = chart.get("digest")
    repository = chart.get("repository")
    if digest is None:
        if isinstance(repository, str) and repository.startswith("oci://"):
            line, column = _at(ctx, "version")
            yield Hit(
                "OCI vendor chart is pinned by version only, without its digest",
                "add chart.digest: sha256:... (shown by `helm pull`)",
                line=line,
                column=column,
            )
    elif not isinstance(digest, str) or not DIGEST.match(digest):
        line, column = _at(ctx, "digest")
        yield Hit(
            f"vendor chart digest {quote(digest)} is not sha256:<64 hex digits>",
            "copy the digest `helm pull` prints",
            line=line,
            column=column,
        )


RULES = (chart_pinned, chart_digest)
