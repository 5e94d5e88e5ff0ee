"""`.launchgen.yaml` has one reader (launchgen.repoconfig) for render, deploy and
update: the same one-line errors, naming the file and line, whichever command reads it."""

from __future__ import annotations

from pathlib import Path

import pytest

from launchgen import repoconfig
from launchgen.errors import LaunchgenError
from launchgen.render import config as render_config
from tests.helpers.cli import invoke
from tests.helpers.trees import build_file_tree

GOOD = (
    "kind: properties\nservice: checkout\nenvironments: [dev, prod]\n"
    "chart:\n  app_repo: ../checkout\n"
)


def _repo(tmp_path: Path, content: str | bytes) -> Path:
    return build_file_tree(tmp_path / "props", {".launchgen.yaml": content})


def test_reads_plain_data(tmp_path: Path) -> None:
    config = repoconfig.load(_repo(tmp_path, "\ufeff" + GOOD), kinds=("properties",))
    assert config == {
        "kind": "properties",
        "service": "checkout",
        "environments": ["dev", "prod"],
        "chart": {"app_repo": "../checkout"},
    }
    assert type(config["chart"]) is dict  # plain data, no round-trip types
    assert render_config.load(tmp_path / "props", "props") == config


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b"kind: properties\nservice: \xff\n",
            "props/.launchgen.yaml:2: not valid UTF-8 (byte 0xff)",
        ),
        ("kind: properties\nservice: [a\n", "props/.launchgen.yaml:3: invalid YAML: "),
        (
            "kind: properties\nservice: a\nservice: b\n",
            "props/.launchgen.yaml:3: invalid YAML: found duplicate key 'service'",
        ),
        ("- kind\n", "props/.launchgen.yaml: must be a mapping"),
        ("kind: app\nservice: a\n", "props/.launchgen.yaml: kind must be properties, not 'app'"),
        ("kind: properties\nservice: ''\n", "props/.launchgen.yaml: needs service"),
    ],
)
def test_problems_are_one_line_naming_file_and_line(
    tmp_path: Path, content: str | bytes, message: str
) -> None:
    repo = _repo(tmp_path, content)
    with pytest.raises(LaunchgenError) as caught:
        repoconfig.load(repo, "props", kinds=("properties",), needs=("service",))
    assert str(caught.value).startswith(message), str(caught.value)
    assert "\n" not in str(caught.value)


def test_missing_file(tmp_path: Path) -> None:
    (tmp_path / "props").mkdir()
    with pytest.raises(LaunchgenError, match=r"^props: no \.launchgen\.yaml: not a repo generated"):
        repoconfig.load(tmp_path / "props", "props")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("kind: properties\nservice: s\nchart: [x]\n", "chart must be a mapping"),
        ("kind: properties\nservice: 1\nchart: {a: 1}\n", "service must be a string"),
        (
            "kind: properties\nservice: s\nchart: {a: 1}\nenvironments: dev\n",
            "environments must be a list of names",
        ),
        ("kind: properties\nservice: s\n", "needs chart"),
    ],
)
def test_render_checks_what_it_needs(tmp_path: Path, content: str, message: str) -> None:
    with pytest.raises(LaunchgenError, match=rf"^props/\.launchgen\.yaml: {message}$"):
        render_config.load(_repo(tmp_path, content), "props")


@pytest.mark.parametrize(
    "args",
    [
        ["render", "{props}", "--app-version", "1.0.0"],
        ["status", "--properties", "{props}", "--format", "version"],
    ],
)
def test_every_command_reports_the_same_line(tmp_path: Path, args: list[str]) -> None:
    props = _repo(tmp_path, "kind: properties\nservice: a\nservice: b\n")
    result = invoke(*(a.format(props=props) for a in args))
    assert result.exit_code == 2, result.output
    assert result.output == (
        f"launchgen: error: {props}/.launchgen.yaml:3: invalid YAML: found duplicate key 'service'\n"
    )
