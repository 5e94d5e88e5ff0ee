"""One umbrella chart for all environments: environment values live only in the properties repo.

The app repo holds the chart every environment deploys; anything environment-specific
in it (a values-prod.yaml, a `prod:` block) forks the chart per environment. The
properties repo holds values only; chart templates there would fork it the other way.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from launchgen.lint.contract import Context, Hit, is_yaml_path, rule

# Environment names people use besides the configured ones.
COMMON_ENVIRONMENTS = frozenset(
    {
        "dev",
        "development",
        "test",
        "qa",
        "uat",
        "stage",
        "staging",
        "preprod",
        "prod",
        "production",
        "sandbox",
        "perf",
    }
)
_VALUES_FILE = re.compile(r"^values[-._].+\.ya?ml$")


def _environment_names(ctx: Context) -> set[str]:
    return set(ctx.repo.environments) | COMMON_ENVIRONMENTS


@rule("umbrella-env-values", scope="repo", kinds=("app",))
def env_values(ctx: Context) -> Iterator[Hit]:
    """The app repo has environment-specific values files (values-prod.yaml, envs/prod/...).

    All environments use the same umbrella chart; per-environment values belong in the
    properties repo's `envs/<env>/values.yaml`, one per environment.
    """
    envs = _environment_names(ctx)
    for relpath in ctx.repo.files:
        if not is_yaml_path(relpath):
            continue
        parts = relpath.split("/")
        name = parts[-1]
        stem = name.rsplit(".", 1)[0]
        env_dir = next((p for p in parts[:-1] if p in envs or p in ("envs", "environments")), None)
        if _VALUES_FILE.match(name) or env_dir or (stem in envs and relpath != "values.yaml"):
            yield Hit(
                f"environment-specific file {relpath!r} in the app repo",
                "move it to the properties repo as envs/<env>/values.yaml",
                path=relpath,
            )


@rule("umbrella-env-overrides", scope="file", kinds=("app",), files=("values.yaml",))
def env_overrides(ctx: Context) -> Iterator[Hit]:
    """The app repo's values.yaml has a top-level block named after an environment (`prod:`).

    Such blocks are per-environment overrides inside the umbrella chart; set those
    values in the properties repo's `envs/<env>/values.yaml` instead.
    """
    source = ctx.file
    data = source.data if source else None
    if not isinstance(data, dict) or source is None or source.document is None:
        return
    for key in data:
        if key in _environment_names(ctx):
            line, column = source.document.position((key,))
            yield Hit(
                f"values.yaml has an override block for environment {key!r}",
                f"set these values in the properties repo's envs/{key}/values.yaml",
                line=line,
                column=column,
            )


@rule("umbrella-properties-templates", scope="repo", kinds=("properties", "middleware"))
def properties_templates(ctx: Context) -> Iterator[Hit]:
    """The properties repo holds chart files (Chart.yaml, templates/, *.tpl, charts/).

    The chart lives in the app repo (or is the vendor's, for middleware); the
    properties repo holds only values, so every environment deploys the same chart.
    """
    for relpath in ctx.repo.files:
        name = relpath.rsplit("/", 1)[-1]
        if (
            name in ("Chart.yaml", "Chart.lock")
            or relpath.startswith(("templates/", "charts/"))
            or name.endswith(".tpl")
        ):
            yield Hit(
                f"chart file {relpath!r} in a {ctx.repo.kind} repo",
                "remove it: the properties repo holds values only",
                path=relpath,
            )


RULES = (env_values, env_overrides, properties_templates)
