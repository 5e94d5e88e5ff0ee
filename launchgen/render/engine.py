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
import tempfile
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import launchgen.render.helmversion as helmversion
from launchgen import naming, sopssecrets
from launchgen.display import printable
from launchgen.errors import EXIT_PROBLEMS, LaunchgenError
from launchgen.helm import Helm, find_binary
from launchgen.render.chart import PreparedChart, prepare_umbrella, pull_vendor_chart
from launchgen.render.data import as_hooks, data_chart_dir
from launchgen.render.data import release_name as data_release_name
from launchgen.render.output import check_destination, replace_folder
from launchgen.render.sources import RepoSource, is_git_url, open_repo
from launchgen.render.split import Manifest, number
from launchgen.render.template import TemplateJob, template_all
from launchgen.render.version import check_app_version
from launchgen.standard import KUBE_VERSION, RENDER_RECORD, REPO_CONFIG_FILE


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
    kube_version: str = KUBE_VERSION
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
    import launchgen.render.config as config

    return config.load(properties.path, properties.origin)


def _app_location(request: RenderRequest, properties: RepoSource, config: dict[str, Any]) -> str:
    if request.app_repo:
        return request.app_repo
    relative = config["chart"].get("app_repo")
    if not relative:
        raise LaunchgenError(f"{REPO_CONFIG_FILE}: chart.app_repo is not set; pass --app-repo")
    if is_git_url(request.properties):
        raise LaunchgenError(
            "the properties repo is a git URL: pass --app-repo (a folder or git URL)"
        )
    return str(Path(request.properties) / str(relative))


def _environments(request: RenderRequest, config: dict[str, Any]) -> list[str]:
    known = [str(e) for e in config.get("environments") or []]
    chosen = list(request.environments) or known
    for env in chosen:
        if env not in known:
            raise LaunchgenError(
                f"unknown environment {printable(env)!r}: the properties repo has "
                f"{printable(', '.join(known)) or 'none'}"
            )
        naming.check_environment(env)  # it names folders and a namespace
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


def render(request: RenderRequest) -> list[Rendered]:
    """Render every requested environment into `request.output_dir/<env>/`."""
    with ExitStack() as stack:
        properties = open_repo(request.properties, request.properties_ref, stack, "properties repo")
        config = _repo_config(properties)
        service = str(config["service"])
        middleware = config["kind"] == "middleware"
        if not middleware:
            if request.app_version is None:
                raise LaunchgenError(
                    "--app-version is required: the version of the artifact to deploy"
                )
            check_app_version(request.app_version)
        elif request.app_version is not None:
            check_app_version(request.app_version)
        environments = _environments(request, config)
        check_destination(request.output_dir, environments)
        for env in environments:
            if not (properties.path / "envs" / env / "values.yaml").is_file():
                raise LaunchgenError(f"{properties.origin}: no envs/{env}/values.yaml")
        app = (
            None
            if middleware
            else open_repo(
                _app_location(request, properties, config), request.app_ref, stack, "app repo"
            )
        )
        linted = [p.path for p in (app, properties) if p is not None]

        helm_path = find_binary(request.helm)
        known_version = helmversion.cached(helm_path)
        helm = stack.enter_context(
            Helm(
                helm_path, user_credentials=request.user_credentials, assumed_version=known_version
            )
        )
        if known_version is None:
            helm.prefetch_version()  # recorded in render.json; asked while the chart is prepared
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="launchgen-render-")))
        data: PreparedChart | None = None
        if app is not None:
            chart = prepare_umbrella(
                app.path, str(request.app_version), helm, workdir / "app", request.plain_http
            )
            data_dir = data_chart_dir(app.path)
            if data_dir is not None:
                data = prepare_umbrella(
                    data_dir, str(request.app_version), helm, workdir / "data", request.plain_http
                )
        else:
            chart = pull_vendor_chart(config["chart"], helm, workdir, request.plain_http)
        postfix = (
            naming.immutable_postfix(
                request.deployment_id or str(request.app_version or chart.version)
            )
            if request.immutable
            else ""
        )
        release = naming.check_release_name(service + postfix)
        data_release = naming.check_release_name(data_release_name(service)) if data else ""

        # envs/<env>/secrets.yaml (sops): only its digest reaches the chart, never a value.
        jobs = [
            TemplateJob(
                env,
                "app",
                chart,
                release,
                naming.namespace_for(service, env, postfix),
                properties.path / "envs" / env / "values.yaml",
                tuple(sopssecrets.template_values(properties.path, env, properties.origin).items()),
            )
            for env in environments
        ]
        if data is not None:
            jobs += [
                TemplateJob(env, "data", data, data_release, job.namespace, job.values)
                for env, job in zip(environments, jobs, strict=False)
            ]
        # The lint gate runs while helm renders; a refusal stops helm and writes nothing.
        gate = (lambda: _lint_gate(linted)) if request.lint else None
        outputs = template_all(helm, jobs, request.kube_version, request.jobs, gate)
        if known_version is None:
            helmversion.remember(helm_path, helm.version)
        plan = _Plan(
            request,
            service,
            middleware,
            chart,
            data,
            release,
            data_release,
            postfix,
            str(helm.version),
            {"app": app.provenance() if app else None, "properties": properties.provenance()},
        )
        results = []
        for job in jobs[: len(environments)]:
            # Secrets are delivered exactly when the environment has them: never dropped silently.
            sopssecrets.check_rendered(
                properties.path,
                job.environment,
                properties.origin,
                [r.text for r in outputs[(job.environment, "app")]],
                release,
                f"{properties.origin}/envs/{job.environment}",
            )
            data_resources = (
                as_hooks(outputs[(job.environment, "data")], f"data chart {data.name}")
                if data
                else []
            )
            manifests = number(data_resources + outputs[(job.environment, "app")])
            folder = request.output_dir / job.environment
            replace_folder(folder, plan.files(job, manifests, len(data_resources)))
            results.append(
                Rendered(
                    job.environment,
                    folder,
                    release,
                    job.namespace,
                    tuple(m.file_name for m in manifests),
                )
            )
        return results


@dataclass(frozen=True)
class _Plan:
    """What every environment's output shares; `files` adds one environment's part."""

    request: RenderRequest
    service: str
    middleware: bool
    chart: PreparedChart
    data: PreparedChart | None
    release: str
    data_release: str
    postfix: str
    helm_version: str
    repos: dict[str, Any]

    def files(
        self, job: TemplateJob, manifests: list[Manifest], data_count: int
    ) -> dict[str, bytes]:
        """The environment's folder: inputs, manifests (data hooks first) and render.json."""
        env, chart, data, request = job.environment, self.chart, self.data, self.request
        values = f"inputs/values-{env}.yaml"
        record: dict[str, Any] = {
            "kind": "middleware" if self.middleware else "app",
            "service": self.service,
            "environment": env,
            "release": self.release,
            "namespace": job.namespace,
            "immutable": request.immutable,
            "postfix": self.postfix,
            "app_version": request.app_version
            if not self.middleware
            else (request.app_version or chart.app_version),
            "chart": {"name": chart.name, "version": chart.version, "digest": chart.digest},
            "repos": self.repos,
            "helm_version": self.helm_version,
            "kube_version": request.kube_version,
            "values": [f"inputs/{name}" for name in chart.inputs if name == "values.yaml"]
            + [values],
            "manifests": [f"manifests/{m.file_name}" for m in manifests],
        }
        files = {f"inputs/{name}": raw for name, raw in chart.inputs.items()}
        files[values] = job.values.read_bytes()
        if data is not None:
            record["data"] = {
                "chart": {"name": data.name, "version": data.version},
                "release": self.data_release,
                "values": [f"inputs/data-{name}" for name in data.inputs if name == "values.yaml"]
                + [values],
                "manifests": [f"manifests/{m.file_name}" for m in manifests[:data_count]],
            }
            files.update({f"inputs/data-{name}": raw for name, raw in data.inputs.items()})
        files.update({f"manifests/{m.file_name}": m.text.encode() for m in manifests})
        files[RENDER_RECORD] = (json.dumps(record, indent=2, sort_keys=True) + "\n").encode()
        return files
