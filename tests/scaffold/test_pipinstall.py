"""Generated pipelines install launchgen from where the org says: an index, a wheel URL
or a git URL, quoted safely for the shell and for YAML, in GitHub and GitLab pipelines."""

from __future__ import annotations

import shlex
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from launchgen import __version__
from launchgen.errors import LaunchgenError
from launchgen.scaffold.pipinstall import normalize_requirement
from tests.scaffold.test_new_cli import invoke

INDEX = "https://pypi.acme.test/simple/"
WHEEL = "https://files.acme.test/launchgen/launchgen-1.2.0-py3-none-any.whl#sha256=" + "ab" * 32
GIT = "git+https://git.acme.test/platform/launchgen.git@v1.2.0"


def pipeline_files(root: Path) -> list[Path]:
    return sorted([*root.rglob(".gitlab-ci.yml"), *root.rglob(".github/workflows/*.yaml")])


def commands(node: Any) -> Iterator[str]:
    """Every shell line of a workflow/pipeline: GitHub `run:` values, GitLab script lines."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "run" and isinstance(value, str):
                yield from value.splitlines()
            elif key in ("script", "before_script") and isinstance(value, list):
                yield from (
                    line for item in value if isinstance(item, str) for line in item.splitlines()
                )
            else:
                yield from commands(value)
    elif isinstance(node, list):
        for item in node:
            yield from commands(item)


def installs(root: Path) -> list[list[str]]:
    found = []
    for path in pipeline_files(root):
        for line in commands(yaml.safe_load(path.read_text())):
            if "pip install" in line:
                found.append(shlex.split(line))
    return found


@pytest.mark.parametrize("ci", ["github", "gitlab"])
@pytest.mark.parametrize(
    ("requirement", "index", "expected"),
    [
        (None, None, [f"launchgen=={__version__}"]),
        ("launchgen==1.2.0", INDEX, ["--index-url", INDEX, "launchgen==1.2.0"]),
        (WHEEL, None, [f"launchgen @ {WHEEL}"]),
        (f"launchgen @ {GIT}", None, [f"launchgen @ {GIT}"]),
        (GIT, None, [f"launchgen @ {GIT}"]),
        ("launchgen >= 1.2, < 2", INDEX, ["--index-url", INDEX, "launchgen>=1.2,<2"]),
    ],
)
def test_every_pipeline_installs_what_the_org_config_says(
    tmp_path: Path, ci: str, requirement: str | None, index: str | None, expected: list[str]
) -> None:
    lines = [f"ci: {ci}"]
    if requirement:
        lines.append(f"launchgen_requirement: '{requirement}'")
    if index:
        lines.append(f"pip_index_url: {index}")
    org = tmp_path / "org.yaml"
    org.write_text("\n".join(lines) + "\n")
    out = tmp_path / "out"
    for args in (
        ["checkout"],
        [
            "orders-db",
            "--middleware",
            "--chart",
            "oci://r.test/c/postgresql",
            "--chart-version",
            "1.0.0",
        ],
    ):
        result = invoke("new", *args, "-o", str(out), "--config", str(org), "--no-git")
        assert result.exit_code == 0, result.output
    found = installs(out)
    # Every job that runs launchgen installs it: 3 repos x (1 workflow or default before_script) at least.
    assert len(found) >= 3
    assert all(argv == ["python", "-m", "pip", "install", *expected] for argv in found), found


def test_environment_variables_set_requirement_and_index(tmp_path: Path) -> None:
    env = {"LAUNCHGEN_LAUNCHGEN_REQUIREMENT": WHEEL, "LAUNCHGEN_PIP_INDEX_URL": INDEX}
    result = invoke("new", "checkout", "-o", str(tmp_path), "--no-git", env=env)
    assert result.exit_code == 0, result.output
    assert set(map(tuple, installs(tmp_path))) == {
        ("python", "-m", "pip", "install", "--index-url", INDEX, f"launchgen @ {WHEEL}")
    }
    recorded = yaml.safe_load((tmp_path / "checkout" / ".launchgen.yaml").read_text())["answers"]
    assert (recorded["launchgen_requirement"], recorded["pip_index_url"]) == (WHEEL, INDEX)


@pytest.mark.parametrize(
    "requirement",
    [
        "launchgen==1.0; rm -rf /",
        "launchgen @ https://h.test/$(id).whl",
        "launchgen @ https://h.test/${{ secrets.TOKEN }}.whl",
        "launchgen==1.0 'x'",
        "launchgen==1.0\nmalicious: true",
        "launchgen @ https://h.test/a b.whl",
        "ftp://h.test/launchgen.whl",
        "",
    ],
)
def test_unsafe_or_invalid_requirements_are_refused(tmp_path: Path, requirement: str) -> None:
    with pytest.raises(LaunchgenError):
        normalize_requirement(requirement)
    result = invoke(
        "new",
        "checkout",
        "-o",
        str(tmp_path),
        env={"LAUNCHGEN_LAUNCHGEN_REQUIREMENT": requirement or " "},
    )
    assert result.exit_code == 2, result.output
    assert "launchgen_requirement" in result.output and len(result.output.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("launchgen_requirement: 'launchgen==1; echo'\n", "launchgen_requirement"),
        ("pip_index_url: 'https://pypi.acme.test/$TOKEN'\n", "pip_index_url"),
        ("pip_index_url: ftp://pypi.acme.test\n", "pip_index_url"),
        ("hooks_repo: 'https://git.acme.test/x y'\n", "hooks_repo"),
    ],
)
def test_org_config_schema_refuses_unsafe_values_with_the_line(
    tmp_path: Path, text: str, key: str
) -> None:
    org = tmp_path / "org.yaml"
    org.write_text("ci: github\n" + text)
    result = invoke("new", "checkout", "-o", str(tmp_path / "out"), "--config", str(org))
    assert result.exit_code == 2, result.output
    assert f"org.yaml:2: {key}" in result.output and len(result.output.strip().splitlines()) == 1
