"""Every generated pipeline validates against the public workflow schemas
(the ones check-jsonschema ships, offline), and has the jobs the workflow needs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from launchgen.scaffold import new
from launchgen.scaffold.answers import VendorChart
from tests.conftest import make_answers

SCHEMAS = {"github": "vendor.github-workflows", "gitlab": "vendor.gitlab-ci"}


def pipelines(root: Path) -> list[Path]:
    return sorted([*root.rglob(".gitlab-ci.yml"), *root.rglob(".github/workflows/*.yaml")])


@pytest.fixture(params=["github", "gitlab"])
def generated(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, Path]:
    ci = request.param
    envs = ("dev", "stage-eu", "prod")
    new(make_answers(ci=ci, environments=envs), tmp_path, git=False)
    new(
        make_answers(
            "orders-db",
            kind="middleware",
            ci=ci,
            environments=envs,
            vendor_chart=VendorChart("postgresql", "oci://registry.example.test/charts", "16.4.1"),
        ),
        tmp_path,
        git=False,
    )
    return ci, tmp_path


def test_every_pipeline_validates_against_its_public_schema(generated: tuple[str, Path]) -> None:
    ci, root = generated
    files = pipelines(root)
    assert len(files) == (5 if ci == "github" else 3)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "check_jsonschema",
            "--builtin-schema",
            SCHEMAS[ci],
            *map(str, files),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_github_app_deploy_promotes_through_approvals(tmp_path: Path) -> None:
    new(make_answers(environments=("dev", "stage-eu", "prod")), tmp_path, git=False)
    workflow = yaml.safe_load(
        (tmp_path / "checkout" / ".github" / "workflows" / "deploy.yaml").read_text()
    )
    jobs = workflow["jobs"]
    assert jobs["bundle"]["strategy"]["matrix"]["env"] == ["dev", "stage-eu", "prod"]
    assert jobs["deploy-dev"]["needs"] == ["bundle"]
    assert jobs["deploy-stage-eu"]["needs"] == ["approve-dev"]
    assert jobs["approve-prod"]["environment"] == "prod-approval"
    assert "KUBECONFIG_STAGE_EU" in str(jobs["deploy-stage-eu"])
    assert set(workflow[True]) >= {
        "push",
        "repository_dispatch",
        "workflow_dispatch",
    }  # `on:` parses as True


def test_gitlab_app_pipeline_has_manual_approvals(tmp_path: Path) -> None:
    new(make_answers(ci="gitlab"), tmp_path, git=False)
    pipeline = yaml.safe_load((tmp_path / "checkout" / ".gitlab-ci.yml").read_text())
    assert pipeline["stages"] == ["lint", "bundle", "dev", "test", "prod"]
    assert (
        pipeline["approve-dev"]["when"] == "manual"
        and pipeline["approve-dev"]["allow_failure"] is False
    )
    assert pipeline["deploy-test"]["needs"] == ["bundle", "approve-dev"]


def test_properties_pipeline_gates_pull_requests_against_their_base(
    generated: tuple[str, Path],
) -> None:
    _ci, root = generated
    for repo in ("checkout-properties", "orders-db-properties"):
        text = next(p for p in pipelines(root / repo)).read_text()
        assert "launchgen lint" in text and "--base" in text
        assert "launchgen deploy" in text


def test_every_record_push_goes_through_push_records(generated: tuple[str, Path]) -> None:
    """No pipeline pushes deployment records with a bare `git push` (which loses a race)."""
    _ci, root = generated
    recorders = 0
    for path in pipelines(root):
        text = path.read_text()
        assert "git push" not in text and "git commit" not in text, path
        for command in ("deploy", "approve", "reject", "${{ inputs.action }}"):
            if f"launchgen {command} " in text:
                assert "ci/push-records.py" in text, (path, command)
                recorders += 1
    assert recorders >= 3
    for props in ("checkout-properties", "orders-db-properties"):
        assert (root / props / "ci" / "push-records.py").is_file()
