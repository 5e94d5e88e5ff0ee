"""Every generated GitHub workflow is clean under actionlint (the version scripts/go-tools.txt
pins), with shellcheck checking every `run:` script."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from launchgen.scaffold import new
from launchgen.scaffold.answers import VendorChart
from tests.conftest import make_answers
from tests.helpers.tools import tool

ACTIONLINT_VERSION = "v1.7.12"
WHEEL = "https://files.acme.test/launchgen-1.2.0-py3-none-any.whl"
VARIANTS: dict[str, dict[str, Any]] = {
    "defaults": {},
    "envs-with-dashes": {"environments": ("qa", "stage-eu", "live-us-2")},
    "one-env": {"environments": ("prod",)},
    "index-and-wheel": {
        "launchgen_requirement": WHEEL,
        "pip_index_url": "https://pypi.acme.test/simple",
    },
    "git-requirement": {
        "launchgen_requirement": "launchgen @ git+https://git.acme.test/launchgen.git@v1.2.0"
    },
    "org-hooks-sops-data": {
        "hooks_repo": "https://git.acme.test/launchgen",
        "data": True,
        "secrets": "sops",
        "sops_age_recipient": "age1" + "q" * 58,
    },
}


@pytest.fixture(scope="module")
def actionlint() -> Path:
    path = tool("actionlint")
    version = subprocess.run(
        [str(path), "--version"], capture_output=True, text=True, check=True
    ).stdout
    assert version.splitlines()[0] == ACTIONLINT_VERSION, version
    return path


@pytest.fixture(scope="module")
def shellcheck() -> str:
    found = shutil.which("shellcheck")
    assert found, (
        "shellcheck is needed (apt-get install shellcheck): without it actionlint skips every run: script"
    )
    return found


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_generated_workflows_pass_actionlint_with_shellcheck(
    tmp_path: Path, actionlint: Path, shellcheck: str, variant: str
) -> None:
    answers = VARIANTS[variant]
    new(make_answers(**answers), tmp_path, git=False)
    middleware = {k: v for k, v in answers.items() if k not in ("data",)}
    new(
        make_answers(
            "orders-db",
            kind="middleware",
            **middleware,
            vendor_chart=VendorChart("postgresql", "oci://registry.example.test/charts", "16.4.1"),
        ),
        tmp_path,
        git=False,
    )
    repos = [
        tmp_path / "checkout",
        tmp_path / "checkout-properties",
        tmp_path / "orders-db-properties",
    ]
    checked = 0
    for repo in repos:
        workflows = sorted((repo / ".github" / "workflows").glob("*.yaml"))
        assert workflows, repo
        result = subprocess.run(
            [
                str(actionlint),
                "-color=false",
                f"-shellcheck={shellcheck}",
                "-pyflakes=",
                *map(str, workflows),
            ],
            cwd=repo,
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        checked += len(workflows)
    assert checked == 5


def test_actionlint_with_shellcheck_catches_a_broken_run_script(
    tmp_path: Path, actionlint: Path, shellcheck: str
) -> None:
    """The check is real: an unquoted variable in a generated step is reported."""
    new(make_answers(), tmp_path, git=False)
    workflow = tmp_path / "checkout" / ".github" / "workflows" / "deploy.yaml"
    text = workflow.read_text()
    assert '--key "$RUNNER_TEMP/signing.pub"' in text
    workflow.write_text(
        text.replace('--key "$RUNNER_TEMP/signing.pub"', "--key $RUNNER_TEMP/signing.pub", 1)
    )
    result = subprocess.run(
        [str(actionlint), "-color=false", f"-shellcheck={shellcheck}", str(workflow)],
        cwd=tmp_path / "checkout",
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1 and "SC2086" in result.stdout, result.stdout + result.stderr
