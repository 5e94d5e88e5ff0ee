"""The hooks in .pre-commit-hooks.yaml, run for real by `pre-commit try-repo`, offline.

pre-commit installs launchgen into a virtualenv of its own; offline, that virtualenv
sees this interpreter's packages (VIRTUALENV_SYSTEM_SITE_PACKAGES) and pip builds
without an isolated build environment or an index.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from launchgen.scaffold import new
from tests.conftest import make_answers
from tests.helpers.gitrepo import git
from tests.helpers.precommit import copy_launchgen_into, offline_precommit_env

ROOT = Path(__file__).resolve().parents[2]
HOOK_IDS = [h["id"] for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())]


@pytest.fixture(scope="module")
def hooks_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo = tmp_path_factory.mktemp("hooks") / "launchgen"
    copy_launchgen_into(repo)
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "hooks")
    return repo


@pytest.fixture(scope="module")
def precommit_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return offline_precommit_env(tmp_path_factory.mktemp("pre-commit-home"))


@pytest.mark.parametrize("hook_id", HOOK_IDS)
def test_hook_passes_a_generated_repo_and_fails_a_broken_one(
    hooks_repo: Path, precommit_env: dict[str, str], tmp_path: Path, hook_id: str
) -> None:
    new(make_answers(), tmp_path)
    props = tmp_path / "checkout-properties"
    shutil.rmtree(props / ".github")  # the pipeline template is not what these hooks are tested on
    git(props, "add", "-A")

    def try_repo() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [
                sys.executable,
                "-m",
                "pre_commit",
                "try-repo",
                str(hooks_repo),
                hook_id,
                "--all-files",
            ],
            cwd=props,
            env=precommit_env,
            capture_output=True,
            text=True,
            timeout=600,
        )

    clean = try_repo()
    assert clean.returncode == 0, clean.stdout + clean.stderr
    # Each hook is shown the kind of problem it owns: a per-file one, or a repo-wide one.
    if hook_id == "launchgen-lint":
        (props / "envs" / "dev" / "values.yaml").write_text("replicaCount: 1\nreplicaCount: 2\n")
        expected = "envs/dev/values.yaml:2:1: error yaml-duplicate-key"
    else:
        (props / "envs" / "test" / "values.yaml").unlink()
        expected = "environment 'test' has no envs/test/values.yaml"
    git(props, "add", "-A")
    broken = try_repo()
    assert broken.returncode == 1, broken.stdout + broken.stderr
    assert expected in broken.stdout


def local_hooks_config() -> str:
    """The hooks as `repo: local` hooks generated from .pre-commit-hooks.yaml (same ids,
    entries and file filters), run by this interpreter: no install, so no index needed."""
    hooks = []
    for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text()):
        entry = hook["entry"].replace("launchgen", f"{sys.executable} -m launchgen", 1)
        hooks.append({**hook, "entry": entry, "language": "system"})

    class Indented(yaml.SafeDumper):  # sequences indented under their key, as yamllint wants
        def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
            super().increase_indent(flow, False)

    return yaml.dump(
        {"repos": [{"repo": "local", "hooks": hooks}]}, Dumper=Indented, sort_keys=False
    )


def test_both_hooks_report_each_problem_once(precommit_env: dict[str, str], tmp_path: Path) -> None:
    new(make_answers(), tmp_path)
    props = tmp_path / "checkout-properties"
    shutil.rmtree(props / ".github")
    (props / ".pre-commit-config.yaml").write_text(local_hooks_config())
    (props / "envs" / "dev" / "values.yaml").write_text(
        "replicaCount: 1\nreplicaCount: 2\n"
    )  # a per-file problem
    (props / "envs" / "test" / "values.yaml").unlink()  # a repo-wide problem
    (
        props / "envs" / "prod" / "values.yaml"
    ).write_text(  # an unused suppression of a repo rule, an invalid one
        (props / "envs" / "prod" / "values.yaml").read_text()
        + "# launchgen: disable=properties-drift\nextra: 1  # launchgen: disable=properties-drift prod only\n"
    )
    git(props, "add", "-A")
    run = subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "--all-files"],
        cwd=props,
        env=precommit_env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 1, run.stdout + run.stderr
    assert "launchgen lint (files)" in run.stdout and "launchgen lint (repo)" in run.stdout
    reported = [
        line for line in run.stdout.splitlines() if ": error " in line or ": warning " in line
    ]
    assert len(reported) == len(set(reported)), run.stdout
    texts = "\n".join(reported)
    for expected in (
        "envs/dev/values.yaml:2:1: error yaml-duplicate-key",
        "environment 'test' has no envs/test/values.yaml",
        "suppression gives no reason",
        "suppression of properties-drift suppresses nothing",
    ):
        assert texts.count(expected) == 1, (expected, run.stdout)
    # Fixed, both hooks pass, each saying so once.
    (props / "envs" / "dev" / "values.yaml").write_text("replicaCount: 1\n")
    (props / "envs" / "test" / "values.yaml").write_text("replicaCount: 1\n")
    (props / "envs" / "prod" / "values.yaml").write_text("replicaCount: 1\n")
    git(props, "add", "-A")
    clean = subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "--all-files"],
        cwd=props,
        env=precommit_env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert clean.returncode == 0, clean.stdout + clean.stderr
