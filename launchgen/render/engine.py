"""`render`: app repo + properties repo + environment + app version -> manifests.

For each environment the output folder holds:

  manifests/NN-kind-name.yaml   one file per resource, in helm's install order
  inputs/                       the exact Chart.yaml (with the version), Chart.lock,
                                chart values and environment values used
  render.json                   what was rendered from what (read by validate/package)

Nothing in it depends on the time or on temporary paths, so the same inputs give
byte-identical output.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from launchgen import naming, sopssecrets
from launchgen.errors import EXIT_PROBLEMS, LaunchgenError, WouldOverwriteError
from launchgen.helm import Helm
from launchgen.render.chart import PreparedChart, prepare_umbrella, pull_vendor_chart
from launchgen.render.sources import RepoSource, is_git_url, open_repo
from launchgen.render.split import Manifest, split
from launchgen.render.version import check_app_version
from launchgen.standard import REPO_CONFIG_FILE

DEFAULT_KUBE_VERSION = "1.35.0"
RENDER_RECORD = "render.json"


class LintRefusal(LaunchgenError):
    """The repos have lint errors: render refuses them (exit 1, like lint itself)."""

    exit_code = EXIT_PROBLEMS


@dataclass
class RenderRequest:
    properties: str
    app_version: str | None = None
    environments: Sequence[str] = ()
    app_repo: str | None = None
    properties_ref: str | None = None
    app_ref: str | None = None
    output_dir: Path = Path("rendered")
    immutable: bool = False
    deployment_id: str | None = None
    kube_version: str = DEFAULT_KUBE_VERSION
    helm: str | None = None
    lint: bool = True
    user_credentials: bool = False
    plain_http: bool = False
    jobs: int = field(default_factory=lambda: os.cpu_count() or 1)


@dataclass(frozen=True)
class Rendered:
    environment: str
    folder: Path
    release: str
    namespace: str
    manifests: tuple[str, ...]


def _repo_config(properties: RepoSource) -> dict[str, Any]:
    from launchgen import repoconfig

    config = repoconfig.load(properties.path, properties.origin, kinds=("properties", "middleware"),
                             needs=("service", "chart"))
    if not isinstance(config["chart"], dict):
        raise LaunchgenError(f"{properties.origin}/{REPO_CONFIG_FILE}: chart must be a mapping")
    return config


def _app_location(request: RenderRequest, properties: RepoSource, config: dict[str, Any]) -> str:
    if request.app_repo:
        return request.app_repo
    relative = config["chart"].get("app_repo")
    if not relative:
        raise LaunchgenError(f"{REPO_CONFIG_FILE}: chart.app_repo is not set; pass --app-repo")
    if is_git_url(request.properties):
        raise LaunchgenError("the properties repo is a git URL: pass --app-repo (a folder or git URL)")
    return str(Path(request.properties) / str(relative))


def _environments(request: RenderRequest, config: dict[str, Any]) -> list[str]:
    known = [str(e) for e in config.get("environments") or []]
    chosen = list(request.environments) or known
    for env in chosen:
        if env not in known:
            raise LaunchgenError(f"unknown environment {env!r}: the properties repo has {', '.join(known) or 'none'}")
    return chosen


def _lint_gate(paths: list[Path]) -> None:
    """Refuse repos with lint errors, when the lint API is installed."""
    from importlib.util import find_spec

    if find_spec("launchgen.lint") is None:
        return
    from launchgen import lint as lint_api

    if not hasattr(lint_api, "lint"):
        return
    errors = [p for p in lint_api.lint(paths) if p.severity == "error"]
    if errors:
        first = errors[0]
        raise LintRefusal(
            f"refusing to render: {len(errors)} lint error{'s' if len(errors) != 1 else ''} "
            f"(first: {first.path}:{first.line}:{first.column} {first.rule} {first.message}); "
            "run `launchgen lint` to see them all, or pass --no-lint"
        )


def _replace_folder(target: Path, files: dict[str, bytes]) -> None:
    """Write `files` as the whole of `target`, replacing an earlier render of ours."""
    if target.exists() and any(target.iterdir()) and not (target / RENDER_RECORD).is_file():
        raise WouldOverwriteError(f"{target} exists and is not a launchgen render output: choose another --output-dir")
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        for relative, data in files.items():
            path = staging / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        if target.exists():
            old = target.with_name(f".{target.name}.old")
            shutil.rmtree(old, ignore_errors=True)
            target.rename(old)
            staging.rename(target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def render(request: RenderRequest) -> list[Rendered]:
    """Render every requested environment into `request.output_dir/<env>/`."""
    with ExitStack() as stack:
        properties = open_repo(request.properties, request.properties_ref, stack, "properties repo")
        config = _repo_config(properties)
        service = str(config["service"])
        middleware = config["kind"] == "middleware"
        if not middleware:
            if request.app_version is None:
                raise LaunchgenError("--app-version is required: the version of the artifact to deploy")
            check_app_version(request.app_version)
        elif request.app_version is not None:
            check_app_version(request.app_version)
        environments = _environments(request, config)
        app = None if middleware else open_repo(_app_location(request, properties, config), request.app_ref, stack, "app repo")
        if request.lint:
            _lint_gate([p.path for p in (app, properties) if p is not None])

        helm = stack.enter_context(Helm(request.helm, user_credentials=request.user_credentials))
        helm.prefetch_version()  # recorded in render.json; asked while the chart is prepared
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="launchgen-render-")))
        downloads = ["--plain-http"] if request.plain_http else []
        if app is not None:
            chart = prepare_umbrella(app.path, str(request.app_version), helm, workdir, downloads)
        else:
            chart = pull_vendor_chart(config["chart"], helm, workdir, downloads)
        postfix = naming.immutable_postfix(request.deployment_id or str(request.app_version or chart.version)) if request.immutable else ""
        release = service + postfix

        jobs = _template_all(helm, chart, properties, environments, release, service, postfix, request)
        results = []
        for env, manifests in jobs:
            namespace = naming.namespace_for(service, env, postfix)
            values = (properties.path / "envs" / env / "values.yaml").read_bytes()
            record = {
                "kind": "middleware" if middleware else "app",
                "service": service,
                "environment": env,
                "release": release,
                "namespace": namespace,
                "immutable": request.immutable,
                "postfix": postfix,
                "app_version": request.app_version if not middleware else (request.app_version or chart.app_version),
                "chart": {"name": chart.name, "version": chart.version, "digest": chart.digest},
                "repos": {
                    "app": app.provenance() if app else None,
                    "properties": properties.provenance(),
                },
                "helm_version": str(helm.version),
                "kube_version": request.kube_version,
                "values": [f"inputs/{name}" for name in chart.inputs if name == "values.yaml"] + [f"inputs/values-{env}.yaml"],
                "manifests": [f"manifests/{m.file_name}" for m in manifests],
            }
            files = {f"inputs/{name}": data for name, data in chart.inputs.items()}
            files[f"inputs/values-{env}.yaml"] = values
            files.update({f"manifests/{m.file_name}": m.text.encode() for m in manifests})
            files[RENDER_RECORD] = (json.dumps(record, indent=2, sort_keys=True) + "\n").encode()
            folder = request.output_dir / env
            _replace_folder(folder, files)
            results.append(Rendered(env, folder, release, namespace, tuple(m.file_name for m in manifests)))
        return results


def _template_all(
    helm: Helm,
    chart: PreparedChart,
    properties: RepoSource,
    environments: list[str],
    release: str,
    service: str,
    postfix: str,
    request: RenderRequest,
) -> list[tuple[str, list[Manifest]]]:
    """`helm template` for every environment, up to `jobs` at once (they are independent)."""
    pending = list(environments)
    running: list[tuple[str, Any]] = []
    done: dict[str, list[Manifest]] = {}
    for env in environments:
        if not (properties.path / "envs" / env / "values.yaml").is_file():
            raise LaunchgenError(f"{properties.origin}: no envs/{env}/values.yaml")
    try:
        _run_jobs(helm, chart, properties, pending, running, done, release, service, postfix, request)
    finally:
        for _, proc in running:  # a failure leaves the others: stop them, reap them
            proc.kill()
            proc.communicate()
    return [(env, done[env]) for env in environments]


def _run_jobs(
    helm: Helm,
    chart: PreparedChart,
    properties: RepoSource,
    pending: list[str],
    running: list[tuple[str, Any]],
    done: dict[str, list[Manifest]],
    release: str,
    service: str,
    postfix: str,
    request: RenderRequest,
) -> None:
    while pending or running:
        while pending and len(running) < max(1, request.jobs):
            env = pending.pop(0)
            values = properties.path / "envs" / env / "values.yaml"
            args = [
                "template", release, str(chart.path),
                "--namespace", naming.namespace_for(service, env, postfix),
                "--values", str(values),
                "--kube-version", request.kube_version,
                "--include-crds",
                *sopssecrets.template_args(properties.path, env, properties.origin),
            ]
            running.append((env, helm.start(args)))
        env, proc = running[0]
        what = f"helm template of {chart.name} for {env}"
        try:
            output = helm.finish(proc, what)
        finally:
            running.pop(0)
        done[env] = split(output, what)
        sopssecrets.check_rendered(properties.path, env, properties.origin, [m.text for m in done[env]], release,
                                   f"{properties.origin}/envs/{env}")
