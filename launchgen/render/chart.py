"""The chart helm renders: a temporary copy of the umbrella chart with the app version
in place of the placeholder and its dependencies resolved, or a pulled vendor chart.

The user's repo is never modified: everything happens in a work folder.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from launchgen import helmargv, naming, yamlio
from launchgen.display import printable
from launchgen.errors import LaunchgenError
from launchgen.helm import Helm

_APP_VERSION_LINE = re.compile(r"^appVersion:.*$", re.MULTILINE)
# A chart name is also a folder name (helm's own check: the name is its own basename);
# launchgen's is stricter, so a name never leaves the work folder nor reads as a flag.
_CHART_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,249}\Z")


@dataclass(frozen=True)
class PreparedChart:
    """What `helm template` is given, and the exact chart inputs to keep as evidence."""

    path: Path
    name: str
    version: str
    app_version: str | None
    inputs: dict[str, bytes]  # file name in the artifact -> exact bytes used
    digest: str | None = None  # sha256 of a pulled vendor chart archive


def check_chart_name(name: object, where: str) -> str:
    """`name` when it is a safe chart name (letters, digits, '_', '.', '-'; no '..')."""
    if not isinstance(name, str) or not _CHART_NAME.match(name) or ".." in name:
        raise LaunchgenError(
            f"{where}: invalid chart name {printable(name)!r}: letters, digits, '_', '.' and '-', "
            "starting with a letter or digit, no '..'"
        )
    return name


def _line_of(raw: bytes, key: str) -> int | None:
    match = re.search(rb"^" + re.escape(key.encode()) + rb"\s*:", raw, re.MULTILINE)
    return raw.count(b"\n", 0, match.start()) + 1 if match else None


def read_chart_yaml(chart_dir: Path) -> dict[str, Any]:
    """Chart.yaml's fields, its name and version checked (they name folders and files)."""
    path = chart_dir / "Chart.yaml"
    try:
        raw = path.read_bytes()
    except OSError:
        raise LaunchgenError(f"{chart_dir} is not a helm chart: no Chart.yaml") from None
    data = yamlio.load_fast(raw, str(path))
    if not isinstance(data, dict) or not data.get("name") or not data.get("version"):
        raise LaunchgenError(f"{path}: not a helm Chart.yaml (needs name and version)")
    where = {
        key: f"{path}:{line}" if (line := _line_of(raw, key)) else str(path)
        for key in ("name", "version")
    }
    check_chart_name(data["name"], where["name"])
    _check_chart_version(data["version"], where["version"])
    return data


def _check_chart_version(version: object, where: str) -> str:
    from launchgen.errors import InvalidNameError

    try:
        return naming.check_version(version, source="chart version")
    except InvalidNameError as exc:
        raise LaunchgenError(f"{where}: {exc}") from None


def with_app_version(chart_yaml: str, app_version: str) -> str:
    """Chart.yaml text with `appVersion` set (replaced, or added when missing)."""
    line = f'appVersion: "{app_version}"'
    if _APP_VERSION_LINE.search(chart_yaml):
        return _APP_VERSION_LINE.sub(line, chart_yaml, count=1)
    return chart_yaml.rstrip("\n") + "\n" + line + "\n"


def _dependency_list(document: Any, path: Path) -> list[dict[str, Any]]:
    """The `dependencies` of a Chart.yaml or Chart.lock, each a mapping (else one line)."""
    if document is None:
        return []
    if not isinstance(document, dict):
        raise LaunchgenError(f"{path}: not a mapping")
    dependencies = document.get("dependencies") or []
    if not isinstance(dependencies, list) or not all(isinstance(d, dict) for d in dependencies):
        raise LaunchgenError(f"{path}: dependencies must be a list of mappings")
    return dependencies


def _dependencies_present(chart_dir: Path, dependencies: list[dict[str, Any]]) -> bool:
    charts = chart_dir / "charts"
    for dep in dependencies:
        name, version = str(dep.get("name", "")), str(dep.get("version", ""))
        if (
            not (charts / f"{name}-{version}.tgz").is_file()
            and not (charts / name / "Chart.yaml").is_file()
        ):
            return False
    return True


def _add_http_repositories(helm: Helm, dependencies: list[dict[str, Any]]) -> None:
    """helm 3 resolves HTTP dependencies only through named repositories: name them
    (in launchgen's own helm home, never the user's)."""
    for url in sorted({str(d.get("repository") or "") for d in dependencies}):
        if url.startswith(("http://", "https://")):
            name = "launchgen-" + hashlib.sha256(url.encode()).hexdigest()[:12]
            helm.run(helmargv.repo_add(name, url), what=f"helm repo add {url}")


def prepare_umbrella(
    app_repo: Path, app_version: str, helm: Helm, workdir: Path, plain_http: bool = False
) -> PreparedChart:
    """Copy the umbrella chart into `workdir`, set appVersion, resolve dependencies
    (over plain HTTP from an OCI registry without TLS, with `plain_http`)."""
    meta = read_chart_yaml(app_repo)
    target = workdir / str(meta["name"])
    shutil.copytree(app_repo, target, ignore=shutil.ignore_patterns(".git"), symlinks=True)
    chart_yaml = with_app_version(
        (app_repo / "Chart.yaml").read_text(encoding="utf-8"), app_version
    )
    (target / "Chart.yaml").write_text(chart_yaml, encoding="utf-8")

    lock_path = target / "Chart.lock"
    locked = (
        yamlio.load_fast(lock_path.read_bytes(), str(app_repo / "Chart.lock"))
        if lock_path.is_file()
        else None
    )
    wanted = _dependency_list(locked, app_repo / "Chart.lock") or _dependency_list(
        meta, app_repo / "Chart.yaml"
    )
    if wanted and not _dependencies_present(target, wanted):
        _add_http_repositories(helm, wanted)
        helm.run(
            helmargv.dependency_build(target, plain_http=plain_http),
            what=f"helm dependency build of {app_repo}",
        )

    inputs = {"Chart.yaml": chart_yaml.encode()}
    if lock_path.is_file():
        inputs["Chart.lock"] = lock_path.read_bytes()
    if (target / "values.yaml").is_file():
        inputs["values.yaml"] = (target / "values.yaml").read_bytes()
    return PreparedChart(target, str(meta["name"]), str(meta["version"]), app_version, inputs)


def _sha256(path: Path) -> str:
    return "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()


def pull_vendor_chart(
    chart: dict[str, Any], helm: Helm, workdir: Path, plain_http: bool = False
) -> PreparedChart:
    """Pull a middleware's pinned vendor chart (HTTP or OCI repository) into `workdir`."""
    name, repository, version = (str(chart.get(k) or "") for k in ("name", "repository", "version"))
    if not (name and repository and version):
        raise LaunchgenError(".launchgen.yaml: chart needs name, repository and version")
    check_chart_name(name, ".launchgen.yaml: chart.name")
    _check_chart_version(version, ".launchgen.yaml: chart.version")
    if repository.startswith("-"):
        raise LaunchgenError(
            f".launchgen.yaml: chart.repository {printable(repository)!r} is not a URL"
        )
    destination = workdir / "vendor"
    destination.mkdir()
    helm.run(
        helmargv.pull(name, repository, version, destination, plain_http=plain_http),
        what=f"helm pull of {name} {version} from {repository}",
    )
    archives = sorted(destination.glob("*.tgz"))
    if not archives:
        raise LaunchgenError(
            f"helm pull of {name} {version} from {repository} produced no chart archive"
        )
    archive = archives[0]
    digest = _sha256(archive)
    expected = chart.get("digest")
    if expected and expected != digest:
        raise LaunchgenError(
            f"vendor chart {name} {version}: digest {digest} does not match the pinned {expected}"
        )
    app_version = _archive_app_version(archive, name)
    return PreparedChart(archive, name, version, app_version, {}, digest)


def _archive_app_version(archive: Path, name: str) -> str | None:
    import tarfile

    try:
        with tarfile.open(archive, "r:gz") as tar:
            member = tar.extractfile(f"{name}/Chart.yaml")
            data = yamlio.load_fast(member.read(), f"{archive.name}:Chart.yaml") if member else None
    except (tarfile.TarError, KeyError, OSError):
        return None
    value = data.get("appVersion") if isinstance(data, dict) else None
    return str(value) if value is not None else None
