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
from collections.abc import Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import launchgen.render.helmversion as helmversion
from launchgen import naming, sopssecrets
from launchgen.display import printable
from launchgen.errors import EXIT_PROBLEMS, LaunchgenError
from launchgen.helm import Helm, HelmVersion, find_binary
from launchgen.render.chart import PreparedChart, prepare_umbrella, pull_vendor_chart
from launchgen.render.data import as_hooks, data_chart_dir
from launchgen.render.data import release_name as data_release_name
from launchgen.render.output import check_destination, replace_folder
from launchgen.render.sources import RepoSource, is_git_url, open_repo
from launchgen.render.split import Manifest, Resource, number
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

    if not hasattr(lint_api, "lint_repos"):
        return
    errors = [
        (result.root, p)
        for result in lint_api.lint_repos(paths)
        for p in result.problems
        if p.severity == "error"
    ]
    if errors:
        root, first = errors[0]
        where = printable(str(root / first.path))  # several repos: say which one
        raise LintRefusal(
            f"refusing to render: {len(errors)} lint error{'s' if len(errors) != 1 else ''} "
            f"(first: {where}:{first.line}:{first.column} {first.rule} "
            f"{printable(first.message)}); run `launchgen lint` to see them all, or pass --no-lint"
        )


def render(request: RenderRequest) -> list[Rendered]:
    """Render every requested environment into `request.output_dir/<env>/`."""
    with ExitStack() as stack:
        repo = _open(request, stack)
        helm = _HelmRun.start(request, stack)
        return _render_repos([repo], request, helm, stack)[0]


def render_many(
    request: RenderRequest, folders: Sequence[str], batch: int = 32
) -> Iterator[list[Rendered]]:
    """Render several properties repos (folders: a monorepo's services) in one process,
    each into `request.output_dir/<service>/<env>/`; `request.properties` is ignored.

    Every repo is checked before any work. Repos are then rendered `batch` at a time
    (that many repos' `git status` and chart copies at once): within a batch the helm
    runs of all of them go side by side, `request.jobs` at once, and one lint gate
    lints them all. Yields each repo's environments as its output is written."""
    requests = plan_many(request, folders)
    with ExitStack() as stack:
        helm = _HelmRun.start(request, stack)
        for first in range(0, len(requests), batch):
            with ExitStack() as batch_stack:
                repos = [_open(r, batch_stack) for r in requests[first : first + batch]]
                yield from _render_repos(repos, request, helm, batch_stack)


def plan_many(request: RenderRequest, folders: Sequence[str]) -> list[RenderRequest]:
    """One request per folder, its output in `<output_dir>/<service>`, all checked now:
    local folders only, every service once, every destination writable."""
    from dataclasses import replace

    import launchgen.render.config as config

    if request.app_repo or request.properties_ref or request.app_ref:
        raise LaunchgenError(
            "several properties repos take neither --app-repo, --ref nor --app-ref: "
            "each repo's chart.app_repo names its app repo"
        )
    requests: list[RenderRequest] = []
    seen: dict[str, str] = {}
    for folder in folders:
        if is_git_url(folder) or not Path(folder).is_dir():
            raise LaunchgenError(
                f"{printable(folder)} is not a folder: several properties repos are "
                "rendered from folders only (render one git URL at a time)"
            )
        loaded = config.load(Path(folder), folder)
        _environments(request, loaded)  # an --env one repo lacks: refused before any work
        service = str(loaded["service"])
        if service in seen:
            raise LaunchgenError(
                f"{printable(folder)} and {printable(seen[service])} are both service "
                f"{service!r}: each is rendered into {request.output_dir}/<service>"
            )
        seen[service] = folder
        requests.append(
            replace(request, properties=folder, output_dir=request.output_dir / service)
        )
    check_destination(request.output_dir, sorted(seen))
    return requests


@dataclass(frozen=True)
class _Repo:
    """A properties repo opened and checked, with its app repo (None for middleware)."""

    request: RenderRequest
    properties: RepoSource
    app: RepoSource | None
    config: dict[str, Any]
    environments: list[str]

    @property
    def service(self) -> str:
        return str(self.config["service"])

    @property
    def middleware(self) -> bool:
        return bool(self.config["kind"] == "middleware")


def _open(request: RenderRequest, stack: ExitStack) -> _Repo:
    """The request's repos, opened, and everything about them checked before helm runs."""
    properties = open_repo(request.properties, request.properties_ref, stack, "properties repo")
    config = _repo_config(properties)
    middleware = config["kind"] == "middleware"
    if not middleware:
        if request.app_version is None:
            raise LaunchgenError("--app-version is required: the version of the artifact to deploy")
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
    return _Repo(request, properties, app, config, environments)


@dataclass(frozen=True)
class _HelmRun:
    """The helm every render of one process uses; its version asked once, then remembered."""

    helm: Helm
    path: str
    known: HelmVersion | None

    @classmethod
    def start(cls, request: RenderRequest, stack: ExitStack) -> _HelmRun:
        path = find_binary(request.helm)
        known = helmversion.cached(path)
        helm = stack.enter_context(
            Helm(path, user_credentials=request.user_credentials, assumed_version=known)
        )
        if known is None:
            helm.prefetch_version()  # recorded in render.json; asked while the chart is prepared
        return cls(helm, path, known)

    def remember(self) -> None:
        if self.known is None:
            helmversion.remember(self.path, self.helm.version)


@dataclass(frozen=True)
class _Prepared:
    """One repo's charts and helm runs: app jobs (one per environment), then data jobs."""

    repo: _Repo
    chart: PreparedChart
    data: PreparedChart | None
    release: str
    data_release: str
    postfix: str
    jobs: list[TemplateJob]


def _prepare(repo: _Repo, helm: Helm, workdir: Path) -> _Prepared:
    request, properties = repo.request, repo.properties
    workdir.mkdir(parents=True)
    data: PreparedChart | None = None
    if repo.app is not None:
        chart = prepare_umbrella(
            repo.app.path, str(request.app_version), helm, workdir / "app", request.plain_http
        )
        data_dir = data_chart_dir(repo.app.path)
        if data_dir is not None:
            data = prepare_umbrella(
                data_dir, str(request.app_version), helm, workdir / "data", request.plain_http
            )
    else:
        chart = pull_vendor_chart(repo.config["chart"], helm, workdir, request.plain_http)
    postfix = (
        naming.immutable_postfix(request.deployment_id or str(request.app_version or chart.version))
        if request.immutable
        else ""
    )
    release = naming.check_release_name(repo.service + postfix)
    data_release = naming.check_release_name(data_release_name(repo.service)) if data else ""

    # envs/<env>/secrets.yaml (sops): only its digest reaches the chart, never a value.
    jobs = [
        TemplateJob(
            env,
            "app",
            chart,
            release,
            naming.namespace_for(repo.service, env, postfix),
            properties.path / "envs" / env / "values.yaml",
            tuple(sopssecrets.template_values(properties.path, env, properties.origin).items()),
        )
        for env in repo.environments
    ]
    if data is not None:
        jobs += [
            TemplateJob(env, "data", data, data_release, job.namespace, job.values)
            for env, job in zip(repo.environments, jobs, strict=False)
        ]
    return _Prepared(repo, chart, data, release, data_release, postfix, jobs)


def _render_repos(
    repos: Sequence[_Repo], request: RenderRequest, helm: _HelmRun, stack: ExitStack
) -> list[list[Rendered]]:
    """Every repo's environments: all their helm runs side by side, then each one written."""
    workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="launchgen-render-")))
    prepared = [_prepare(repo, helm.helm, workdir / str(i)) for i, repo in enumerate(repos)]
    linted = [
        source.path
        for repo in repos
        for source in (repo.app, repo.properties)
        if source is not None
    ]
    # The lint gate runs while helm renders; a refusal stops helm and writes nothing.
    gate = (lambda: _lint_gate(linted)) if request.lint else None
    jobs = [job for one in prepared for job in one.jobs]
    outputs = iter(template_all(helm.helm, jobs, request.kube_version, request.jobs, gate))
    helm.remember()
    return [
        _write(one, [next(outputs) for _ in one.jobs], str(helm.helm.version)) for one in prepared
    ]


def _write(prepared: _Prepared, outputs: list[list[Resource]], helm_version: str) -> list[Rendered]:
    """Each environment's folder, from its helm output (`outputs` in `prepared.jobs`' order)."""
    repo, request = prepared.repo, prepared.repo.request
    properties, app, data = repo.properties, repo.app, prepared.data
    plan = _Plan(
        request,
        repo.service,
        repo.middleware,
        prepared.chart,
        data,
        prepared.release,
        prepared.data_release,
        prepared.postfix,
        helm_version,
        {"app": app.provenance() if app else None, "properties": properties.provenance()},
    )
    count = len(repo.environments)
    results = []
    for i, job in enumerate(prepared.jobs[:count]):
        app_resources = outputs[i]
        # Secrets are delivered exactly when the environment has them: never dropped silently.
        sopssecrets.check_rendered(
            properties.path,
            job.environment,
            properties.origin,
            [r.text for r in app_resources],
            prepared.release,
            f"{properties.origin}/envs/{job.environment}",
        )
        hooks = as_hooks(outputs[count + i], f"data chart {data.name}") if data else []
        manifests = number(hooks + app_resources)
        folder = request.output_dir / job.environment
        replace_folder(folder, plan.files(job, manifests, len(hooks)))
        results.append(
            Rendered(
                job.environment,
                folder,
                prepared.release,
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
