"""The generated `.pre-commit-config.yaml` works, run by real pre-commit, offline.

With no hooks repository configured the hooks are `repo: local` ones that run the
installed launchgen; with `hooks_repo` set they come from that repository at the tag
`v<version>`, which pre-commit installs (here from a local clone, without an index).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from launchgen import __version__
from launchgen.scaffold import new
from launchgen.scaffold.hooks import LOCAL_KEYS, manifest
from tests.conftest import make_answers
from tests.helpers.gitrepo import ISOLATED, git
from tests.helpers.precommit import copy_launchgen_into, offline_precommit_env

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def offline_env(tmp_path: Path) -> dict[str, str]:
    return offline_precommit_env(tmp_path / "pre-commit-home", **ISOLATED)


def run_precommit(repo: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "--all-files", "--color", "never"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def break_values(props: Path) -> None:
    (props / "envs" / "dev" / "values.yaml").write_text("replicaCount: 1\nreplicaCount: 2\n")
    git(props, "add", ".")


def test_local_hooks_mirror_the_hooks_manifest(tmp_path: Path) -> None:
    new(make_answers(), tmp_path, git=False)
    for repo in ("checkout", "checkout-properties"):
        config = yaml.safe_load((tmp_path / repo / ".pre-commit-config.yaml").read_text())
        [local] = config["repos"]
        assert local["repo"] == "local"
        expected = [
            {**{k: h[k] for k in LOCAL_KEYS if k in h}, "language": "system"} for h in manifest()
        ]
        assert local["hooks"] == expected


def test_local_hooks_run_offline_and_catch_a_broken_file(
    tmp_path: Path, offline_env: dict[str, str]
) -> None:
    new(make_answers(), tmp_path)
    app, props = tmp_path / "checkout", tmp_path / "checkout-properties"
    for repo in (app, props):
        clean = run_precommit(repo, offline_env)
        assert clean.returncode == 0, clean.stdout + clean.stderr
        assert "launchgen lint (files)" in clean.stdout and "launchgen lint (repo)" in clean.stdout
    break_values(props)
    broken = run_precommit(props, offline_env)
    assert broken.returncode == 1, broken.stdout + broken.stderr
    assert "envs/dev/values.yaml:2:1: error yaml-duplicate-key" in broken.stdout


@pytest.fixture
def org_hooks_repo(tmp_path: Path) -> Path:
    """An organisation's launchgen repository, tagged v<version> as docs/configuration.md says."""
    repo = tmp_path / "org-launchgen"
    copy_launchgen_into(repo)
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "launchgen")
    git(repo, "tag", f"v{__version__}")
    return repo


def test_hooks_repo_form_installs_from_the_org_tag_offline(
    tmp_path: Path, org_hooks_repo: Path, offline_env: dict[str, str]
) -> None:
    out = tmp_path / "out"
    new(make_answers(hooks_repo=str(org_hooks_repo)), out)
    props = out / "checkout-properties"
    config = yaml.safe_load((props / ".pre-commit-config.yaml").read_text())
    assert config["repos"] == [
        {
            "repo": str(org_hooks_repo),
            "rev": f"v{__version__}",
            "hooks": [{"id": h["id"]} for h in manifest()],
        }
    ]
    # The hooks must come from the org repo, not from the launchgen on PATH.
    env = dict(
        offline_env,
        PATH=os.pathsep.join(
            p for p in offline_env["PATH"].split(os.pathsep) if not (Path(p) / "launchgen").exists()
        ),
    )
    clean = run_precommit(props, env)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    break_values(props)
    broken = run_precommit(props, env)
    assert broken.returncode == 1, broken.stdout + broken.stderr
    assert "envs/dev/values.yaml:2:1: error yaml-duplicate-key" in broken.stdout


def test_update_replays_the_old_default_hooks_repo_as_local_hooks() -> None:
    from launchgen.scaffold.update import LEGACY_DEFAULT_HOOKS_REPO, answers_from_record

    recorded = {**make_answers().recorded(), "hooks_repo": LEGACY_DEFAULT_HOOKS_REPO}
    assert answers_from_record(recorded).hooks_repo is None
    org = {**make_answers().recorded(), "hooks_repo": "https://git.acme.test/platform/launchgen"}
    assert answers_from_record(org).hooks_repo == "https://git.acme.test/platform/launchgen"


def test_the_wheel_ships_the_hooks_manifest_local_hooks_are_made_from(tmp_path: Path) -> None:
    import zipfile

    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        env=dict(os.environ, PIP_NO_INDEX="1"),
    )
    [wheel] = tmp_path.glob("launchgen-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        shipped = archive.read("launchgen/_data/pre-commit-hooks.yaml")
    assert shipped == (ROOT / ".pre-commit-hooks.yaml").read_bytes()
