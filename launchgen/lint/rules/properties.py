"""Properties: one `values.yaml` per environment, holding values only, valid and consistent.

The properties repo has exactly `envs/<env>/values.yaml` for each configured
environment. Values never set the image tag, appVersion or a chart version (appVersion
is the only variable of consequence, and it comes from the artifact at deploy time);
they are valid against the Launch chart's values schema; and production does not
quietly depend on keys no lower environment ever tried.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from launchgen.display import printable
from launchgen.gitops.mode import allows_image_tag, from_config, is_engine_file
from launchgen.lint.contract import Context, Hit, RepoView, is_yaml_path, rule
from launchgen.lint.schemamsg import describe, number, path_of
from launchgen.standard import APP_VERSION_PLACEHOLDER, LAUNCH_CHART_NAME, REPO_CONFIG_FILE

ENV_VALUES = "envs/*/values.yaml"
RECORDS_DIR = "deployments"  # as launchgen.records (not imported here: it loads ruamel)
RECORD_FILES = (f"{RECORDS_DIR}/*.yaml",)
APP_VALUES = "values.yaml"
# Files a properties repo may hold besides envs/<env>/values.yaml.
REPO_FILES = frozenset(
    {
        REPO_CONFIG_FILE,
        ".yamllint",
        ".yamllint.yaml",
        ".pre-commit-config.yaml",
        ".gitlab-ci.yml",
        ".sops.yaml",
    }
)
MAX_SCHEMA_ERRORS = 50


def _is_record(relpath: str) -> bool:
    """`deployments/<env>.yaml`: a deployment history (properties-deployment-records checks it)."""
    parts = relpath.split("/")
    return len(parts) == 2 and parts[0] == RECORDS_DIR and parts[1].endswith(".yaml")


def _is_secrets_file(name: str) -> bool:
    """helm-secrets' conventional names; their content is checked by the secrets rules."""
    return name.startswith("secrets") and name.endswith((".yaml", ".yml"))


@rule("properties-env-files", scope="repo", kinds=("properties", "middleware"))
def env_files(ctx: Context) -> Iterator[Hit]:
    """The environments' values files do not match the configured environments: one is
    missing, an `envs/` folder is not a configured environment, or a values file sits
    elsewhere.

    Each environment in `.launchgen.yaml` has exactly one `envs/<env>/values.yaml`
    (plus, optionally, helm-secrets encrypted `secrets*.yaml` beside it). Deployment
    records, `deployments/<env>.yaml`, are not values files: properties-deployment-records
    checks them.
    """
    repo = ctx.repo
    files = set(repo.files)
    for i, env in enumerate(repo.environments):
        if f"envs/{env}/values.yaml" not in files:
            line, column = repo.document.position(("environments", i))
            yield Hit(
                f"environment {env!r} has no envs/{env}/values.yaml",
                f"create envs/{env}/values.yaml (it may be `{{}}`)",
                path=REPO_CONFIG_FILE,
                line=line,
                column=column,
            )
    configured = set(repo.environments)
    for relpath in sorted(files):
        parts = relpath.split("/")
        if parts[0] == "envs":
            if len(parts) >= 2 and parts[1] not in configured:
                yield Hit(
                    f"{relpath!r} belongs to environment {parts[1]!r}, which is not configured",
                    f"add {parts[1]!r} to environments in {REPO_CONFIG_FILE}, or remove the folder",
                    path=relpath,
                )
            elif len(parts) != 3 or (parts[2] != "values.yaml" and not _is_secrets_file(parts[2])):
                yield Hit(
                    f"unexpected file {relpath!r}: an environment has exactly one values.yaml",
                    f"merge it into envs/{parts[1]}/values.yaml",
                    path=relpath,
                )
        elif (
            is_yaml_path(relpath)
            and relpath not in REPO_FILES
            and not relpath.startswith(".github/")
            and not _is_record(relpath)
            and not is_engine_file(relpath, repo.config)
        ):
            yield Hit(
                f"values file {relpath!r} outside envs/<env>/",
                "move it to envs/<env>/values.yaml",
                path=relpath,
            )


def _key_hits(
    data: Any, path: tuple[str | int, ...]
) -> Iterator[tuple[tuple[str | int, ...], str]]:
    if isinstance(data, dict):
        for key, value in data.items():
            here = (*path, key)
            if key in ("appVersion", "chartVersion", "chart-version"):
                yield here, f"{key} is set in values"
            elif key == "tag" and path and path[-1] == "image":
                yield here, "the image tag is set in values"
            elif key == "version" and not path:
                yield here, "a chart version is set in values"
            yield from _key_hits(value, here)
    elif isinstance(data, list):
        for index, item in enumerate(data):
            yield from _key_hits(item, (*path, index))


@rule(
    "properties-forbidden-keys",
    scope="file",
    kinds=("app", "properties"),
    files=(ENV_VALUES, APP_VALUES),
)
def forbidden_keys(ctx: Context) -> Iterator[Hit]:
    """Values set the image tag, `appVersion` or a chart version.

    appVersion is the only variable of consequence from deployment to deployment; it
    comes from the artifact at deploy time and becomes the image tag. Setting any of
    these in values pins a deployment to a stale version. One exception: when
    `.launchgen.yaml` records `gitops: {source: multi-source}` (Argo CD renders the chart
    itself and cannot set appVersion), `envs/<env>/values.yaml` may set the top-level
    `image.tag` (and properties-image-tag-required then wants it set).
    """
    source = ctx.file
    if source is None or source.document is None:
        return
    for path, message in _key_hits(source.data, ()):
        if path == ("image", "tag") and allows_image_tag(ctx.repo.config, source.relpath):
            continue  # Argo CD multi-source mode: the tag must come from values (docs/gitops.md)
        line, column = source.document.position(path)
        where = ".".join(str(p) for p in path)
        yield Hit(
            f"{message} ({where})",
            "remove it: the version is given at deploy time (launchgen render --app-version)",
            line=line,
            column=column,
        )


@rule("properties-image-tag-required", scope="file", kinds=("properties",), files=(ENV_VALUES,))
def image_tag_required(ctx: Context) -> Iterator[Hit]:
    """Argo CD multi-source mode: an environment's values set no `image.tag`, or set the
    app version placeholder as the tag.

    In multi-source mode (`gitops: {source: multi-source}` in `.launchgen.yaml`) Argo CD
    renders the app repo's chart with `envs/<env>/values.yaml` and cannot set the
    chart's appVersion: without `image.tag` (Launch chart 1.1.0 or later) it deploys the
    appVersion committed in `Chart.yaml`, the magic placeholder, which is never a real
    image. Set `image.tag` in each environment's values to the image tag to deploy
    there; promoting a version is changing it. Other modes never need it (and
    properties-forbidden-keys forbids it there).
    """
    source = ctx.file
    mode = from_config(ctx.repo.config)
    if source is None or source.document is None or mode is None or not mode.multi_source:
        return
    image = source.data.get("image") if isinstance(source.data, dict) else None
    tag = image.get("tag") if isinstance(image, dict) else None
    env = source.relpath.split("/")[1]
    if tag is None:
        line, column = source.document.position(("image",)) if image is not None else (1, 1)
        yield Hit(
            f"no image.tag: Argo CD multi-source mode would deploy the chart's appVersion "
            f"{APP_VERSION_PLACEHOLDER!r}, never a real image",
            f"set image.tag in {source.relpath} to the image tag to deploy to {env} "
            "(a version CI pushed, e.g. `image: {tag: 1.4.2}`)",
            line=line,
            column=column,
        )
    elif str(tag) == APP_VERSION_PLACEHOLDER:
        line, column = source.document.position(("image", "tag"))
        yield Hit(
            f"image.tag is the app version placeholder {APP_VERSION_PLACEHOLDER!r}, never a real image",
            f"set it to the image tag to deploy to {env} (a version CI pushed, e.g. 1.4.2)",
            line=line,
            column=column,
        )


def schema_file(repo: RepoView) -> Path:
    """The values schema: the app repo's copy when it is reachable, else the shipped one."""
    from launchgen.resources import chart_dir

    candidate: Path | None
    if repo.kind == "app":
        candidate = repo.root / "values.schema.json"
    else:
        chart = repo.config.get("chart")
        app_repo = chart.get("app_repo") if isinstance(chart, dict) else None
        candidate = (
            repo.root / app_repo / "values.schema.json" if isinstance(app_repo, str) else None
        )
    if candidate is not None and candidate.is_file():
        return candidate
    return chart_dir(LAUNCH_CHART_NAME) / "values.schema.json"


@lru_cache(maxsize=8)
def _validator(path: str, mtime: float, size: int) -> Any:
    import jsonschema

    with open(path, encoding="utf-8") as handle:
        schema = json.load(handle)
    # The draft by name: jsonschema warns about `https://` spellings of draft URIs.
    uri = str(schema.get("$schema", ""))
    drafts = {
        "draft-04": jsonschema.Draft4Validator,
        "draft-06": jsonschema.Draft6Validator,
        "draft-07": jsonschema.Draft7Validator,
        "2019-09": jsonschema.Draft201909Validator,
    }
    cls = next((c for name, c in drafts.items() if name in uri), jsonschema.Draft202012Validator)
    return cls(schema)


def _load_validator(path: Path) -> Any:
    try:
        info = os.stat(path)
        return _validator(str(path), info.st_mtime, info.st_size)
    except (OSError, ValueError, Exception):
        from launchgen.resources import chart_dir

        shipped = chart_dir(LAUNCH_CHART_NAME) / "values.schema.json"
        info = os.stat(shipped)
        return _validator(str(shipped), info.st_mtime, info.st_size)


def _fast_check(path: Path) -> Any:
    """The compiled validity check of the schema at `path` (None: use jsonschema)."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return _fast_check_of(str(path), info.st_mtime_ns, info.st_size)


@lru_cache(maxsize=8)
def _fast_check_of(path: str, mtime_ns: int, size: int) -> Any:
    from launchgen.schemacompile import checker

    try:
        with open(path, "rb") as handle:
            return checker(handle.read())
    except OSError:
        return None


@rule(
    "properties-values-schema",
    scope="file",
    kinds=("app", "properties"),
    files=(ENV_VALUES, APP_VALUES),
    inputs=lambda repo: [schema_file(repo)],
)
def values_schema(ctx: Context) -> Iterator[Hit]:
    """Values are not valid against the Launch chart's values schema; unknown keys included.

    The schema is the app repo's `values.schema.json` (the properties repo finds it
    through `chart.app_repo` in `.launchgen.yaml`), else the one shipped with launchgen.
    An unknown key is usually a typo that helm would silently ignore.
    """
    source = ctx.file
    if source is None or source.document is None or source.data is None:
        return
    path = schema_file(ctx.repo)
    check = _fast_check(path)
    if check is not None and check(source.data):
        return  # valid: jsonschema (slow to import) is only needed to explain errors
    validator = _load_validator(path)
    errors = sorted(
        validator.iter_errors(source.data), key=lambda e: [str(p) for p in e.absolute_path]
    )
    for error in errors[:MAX_SCHEMA_ERRORS]:
        line, column = source.document.position(path_of(error))
        if error.validator == "additionalProperties":
            allowed = printable(", ".join(sorted(error.schema.get("properties", {}))), limit=600)
            hint = f"remove it or fix the spelling; allowed here: {allowed}"
        else:
            hint = "see the Launch chart's values.schema.json for what this value may be"
        yield Hit(describe(error), hint, line=line, column=column)


def _new_keys(data: Any, lower: list[Any], path: tuple[str, ...]) -> Iterator[tuple[str, ...]]:
    """Topmost key paths of `data` that none of the `lower` documents has."""
    if not isinstance(data, dict):
        return
    for key, value in data.items():
        below = [d[key] for d in lower if isinstance(d, dict) and key in d]
        if not below:
            yield (*path, key)
        else:
            yield from _new_keys(value, below, (*path, key))


@rule(
    "properties-drift",
    scope="repo",
    kinds=("properties",),
    severity="warning",
    options={"check-all": False},
)
def drift(ctx: Context) -> Iterator[Hit]:
    """A key is set in the last environment (production) but in no lower environment.

    Environments are listed in promotion order; a value only production sets was never
    tried before it reached production. With option `check-all: true`, every
    environment is checked against the ones before it.
    """
    envs = ctx.repo.environments
    loaded: list[tuple[str, Any]] = []
    for env in envs:
        source = ctx.source(f"envs/{env}/values.yaml")
        loaded.append((env, source))
    checked = (
        range(1, len(envs)) if ctx.options.get("check-all") else range(len(envs) - 1, len(envs))
    )
    for index in checked:
        if index < 1:
            continue
        env, source = loaded[index]
        if source is None or source.document is None:
            continue
        lower = [s.data for _, s in loaded[:index] if s is not None and s.document is not None]
        lower_names = ", ".join(e for e, _ in loaded[:index])
        for path in _new_keys(source.data, lower, ()):
            line, column = source.document.position(path)
            yield Hit(
                f"{'.'.join(path)} is set in {env} but in no lower environment ({lower_names})",
                f"set it in a lower environment first, so it is tried before it reaches {env}",
                path=source.relpath,
                line=line,
                column=column,
            )


@lru_cache(maxsize=1)
def _records_check() -> Any:
    """The compiled check of the shipped records schema (None: use jsonschema)."""
    from launchgen.resources import schema_path
    from launchgen.schemacompile import checker

    return checker(schema_path(RECORDS_SCHEMA).read_bytes())


RECORDS_SCHEMA = "deployment-history.schema.json"


@rule(
    "properties-deployment-records",
    scope="file",
    kinds=("properties", "middleware"),
    files=RECORD_FILES,
)
def deployment_records(ctx: Context) -> Iterator[Hit]:
    """A deployment record, `deployments/<env>.yaml`, is not a valid deployment history.

    `launchgen deploy`, `approve`, `reject`, `rollback` and `prune` append to these
    files, and the pipeline commits them; they are checked against
    `schemas/deployment-history.schema.json`, entries numbered 1, 2, 3, ..., each `of`
    referring to an earlier entry, and the file named after the environment it records.
    Edits of recorded entries are the gate's business (gate-records-append-only).
    """
    source = ctx.file
    if source is None or source.document is None:
        return
    data, document = source.data, source.document
    hint = "restore the file from git history; launchgen deploy and approve write it, never edit it by hand"
    check = _records_check()
    if check is None or not check(data):
        import jsonschema

        from launchgen.schemas import load_schema

        schema = load_schema(RECORDS_SCHEMA)
        validator = jsonschema.validators.validator_for(schema)(schema)
        errors = sorted(
            validator.iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path]
        )
        for error in errors[:MAX_SCHEMA_ERRORS]:
            line, column = document.position(path_of(error))
            yield Hit(describe(error), hint, line=line, column=column)
        if errors:
            return
    assert isinstance(data, dict)
    env = source.relpath.split("/")[-1][: -len(".yaml")]
    if data.get("environment") != env:
        line, column = document.position(("environment",))
        yield Hit(
            f"the record of environment {printable(str(data.get('environment')), limit=63)!r} is in "
            f"{printable(source.relpath)}",
            f"an environment's record is {RECORDS_DIR}/<env>.yaml",
            line=line,
            column=column,
        )
    if ctx.repo.service and data.get("service") != ctx.repo.service:
        line, column = document.position(("service",))
        yield Hit(
            f"the record is of service {printable(str(data.get('service')), limit=63)!r}, not "
            f"{printable(ctx.repo.service, limit=63)!r}",
            hint,
            line=line,
            column=column,
        )
    for index, entry in enumerate(data["entries"], start=1):
        if entry["seq"] != index:
            line, column = document.position(("entries", index - 1, "seq"))
            yield Hit(
                f"entries must be numbered 1, 2, 3, ...: expected seq {index}, got {number(entry['seq'])}",
                hint,
                line=line,
                column=column,
            )
            return
        if "of" in entry and not 1 <= entry["of"] < index:
            line, column = document.position(("entries", index - 1, "of"))
            yield Hit(
                f"entry {index} refers to seq {number(entry['of'])}, which is not an earlier entry",
                hint,
                line=line,
                column=column,
            )


RULES = (
    env_files,
    forbidden_keys,
    image_tag_required,
    values_schema,
    drift,
    deployment_records,
)
