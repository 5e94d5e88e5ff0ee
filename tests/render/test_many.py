"""`launchgen render` of several properties repos in one run (a monorepo's services),
with real helm and real generated repos."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from launchgen.errors import LaunchgenError
from launchgen.render import RenderRequest, render, render_many
from launchgen.scaffold import new
from launchgen.standard import APP_VERSION_PLACEHOLDER
from tests.conftest import make_answers
from tests.helpers.cli import invoke
from tests.helpers.tools import tool
from tests.render.helpers import tree_bytes

pytestmark = pytest.mark.helm

NAMES = ("cart", "checkout", "search")


@pytest.fixture
def monorepo(tmp_path: Path) -> Path:
    """Three services, app + properties repo each, side by side in one folder."""
    root = tmp_path / "mono"
    for name in NAMES:
        new(make_answers(name, environments=("dev", "prod")), root)
    return root


def _props(root: Path) -> list[str]:
    return [str(root / f"{name}-properties") for name in NAMES]


def _request(out: Path, helm: Path | str = "", **kw: object) -> RenderRequest:
    return RenderRequest(
        properties="",
        app_version="1.4.2",
        output_dir=out,
        helm=str(helm or tool("helm4")),
        lint=False,
        **kw,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize("batch", [32, 2])
def test_each_repo_renders_as_it_does_alone(monorepo: Path, tmp_path: Path, batch: int) -> None:
    done = list(render_many(_request(tmp_path / "all"), _props(monorepo), batch=batch))
    assert [[(r.folder.parent.name, r.environment) for r in repo] for repo in done] == [
        [(name, "dev"), (name, "prod")] for name in NAMES
    ]
    for name in NAMES:
        alone = tmp_path / "alone" / name
        request = _request(alone)
        request.properties = str(monorepo / f"{name}-properties")
        render(request)
        assert tree_bytes(tmp_path / "all" / name) == tree_bytes(alone)
        manifests = (tmp_path / "all" / name / "prod" / "manifests").iterdir()
        assert any(f"name: {name}\n" in p.read_text() for p in manifests)


def _logging_helm(tmp_path: Path) -> tuple[Path, Path]:
    """A helm that logs when each `helm template` starts and ends (slowed, so runs that
    go side by side overlap for certain), then runs the real helm."""
    log, script = tmp_path / "helm.log", tmp_path / "helm"
    script.write_text(
        "#!/bin/sh\n"
        f'if [ "$1" = template ]; then echo start >> {log}; sleep 0.5; fi\n'
        f'{tool("helm4")} "$@"; rc=$?\n'
        f'if [ "$1" = template ]; then echo end >> {log}; fi\n'
        "exit $rc\n"
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script, log


def _most_at_once(log: Path) -> int:
    running = most = 0
    for line in log.read_text().split():
        running += 1 if line == "start" else -1
        most = max(most, running)
    return most


def test_helm_runs_of_different_repos_go_side_by_side(monorepo: Path, tmp_path: Path) -> None:
    helm, log = _logging_helm(tmp_path)
    request = _request(tmp_path / "out", helm, environments=["dev"], jobs=3)
    list(render_many(request, _props(monorepo)))
    # one environment per repo: more than one helm at once means repos overlapped
    assert log.read_text().split().count("start") == 3
    assert _most_at_once(log) == 3

    log.unlink()
    request.properties = _props(monorepo)[0]
    for folder in _props(monorepo):  # one repo at a time: never more than one helm
        request.properties, request.output_dir = folder, tmp_path / "one" / Path(folder).name
        render(request)
    assert _most_at_once(log) == 1


def test_same_service_twice_is_refused_before_any_work(monorepo: Path, tmp_path: Path) -> None:
    twin = tmp_path / "twin-properties"
    twin.mkdir()
    (twin / ".launchgen.yaml").write_bytes(
        (monorepo / "cart-properties" / ".launchgen.yaml").read_bytes()
    )
    with pytest.raises(LaunchgenError, match=r"are both service 'cart'"):
        list(render_many(_request(tmp_path / "out"), [*_props(monorepo), str(twin)]))
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"properties_ref": "main"}, "take neither --app-repo, --ref nor --app-ref"),
        ({"app_repo": "../x"}, "take neither --app-repo, --ref nor --app-ref"),
    ],
)
def test_options_for_one_repo_are_refused(
    monorepo: Path, tmp_path: Path, extra: dict[str, str], message: str
) -> None:
    with pytest.raises(LaunchgenError, match=message):
        list(render_many(_request(tmp_path / "out", **extra), _props(monorepo)))


def test_an_environment_one_repo_lacks_is_refused_before_any_work(
    monorepo: Path, tmp_path: Path
) -> None:
    new(make_answers("orders", environments=("dev", "stage")), monorepo)
    repos = [*_props(monorepo), str(monorepo / "orders-properties")]
    with pytest.raises(LaunchgenError, match="unknown environment 'prod'"):
        list(render_many(_request(tmp_path / "out", environments=["prod"]), repos, batch=1))
    assert not (tmp_path / "out").exists()  # not even the first batch


def test_a_git_url_or_missing_folder_is_refused(monorepo: Path, tmp_path: Path) -> None:
    for bad in ("https://example.com/x.git", str(tmp_path / "nowhere")):
        with pytest.raises(LaunchgenError, match="is not a folder"):
            list(render_many(_request(tmp_path / "out"), [*_props(monorepo), bad]))
    assert not (tmp_path / "out").exists()


def test_a_failing_repo_names_itself_and_stops_the_batch(monorepo: Path, tmp_path: Path) -> None:
    values = monorepo / "search-properties" / "envs" / "prod" / "values.yaml"
    values.write_text("replicaCount: many\n")
    with pytest.raises(LaunchgenError, match="helm template of search for prod failed"):
        list(render_many(_request(tmp_path / "out"), _props(monorepo)))
    assert not (tmp_path / "out" / "cart").exists()  # one batch: nothing of it written


def test_cli_renders_several_repos_and_gates_on_lint(monorepo: Path, tmp_path: Path) -> None:
    args = [
        "render",
        *_props(monorepo),
        "--app-version",
        "1.0.0",
        "--helm",
        str(tool("helm4")),
        "-o",
        str(tmp_path / "o"),
    ]
    done = invoke(*args)
    assert done.exit_code == 0, done.output
    assert done.output.count("rendered ") == 6
    assert sorted(p.name for p in (tmp_path / "o").iterdir()) == list(NAMES)
    assert (tmp_path / "o" / "search" / "dev" / "render.json").is_file()

    chart = monorepo / "checkout" / "Chart.yaml"
    chart.write_text(chart.read_text().replace(APP_VERSION_PLACEHOLDER, "1.0.0"))
    refused = invoke(*args[:-1], str(tmp_path / "p"))
    assert refused.exit_code == 1 and "lint error" in refused.output
    assert "checkout" in refused.output
    assert not (tmp_path / "p").exists()
