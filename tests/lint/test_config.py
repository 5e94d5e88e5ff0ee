"""The `lint:` section of .launchgen.yaml, and broken or missing .launchgen.yaml files."""

from __future__ import annotations

from pathlib import Path

import pytest

from launchgen.errors import ConfigError, LaunchgenError
from launchgen.lint import lint

DEV = "envs/dev/values.yaml"


def configure(repo: Path, section: str) -> None:
    path = repo / ".launchgen.yaml"
    path.write_text(path.read_text() + section)


def test_disable_and_severity(props: Path) -> None:
    (props / DEV).write_text("podAnnotations:\n  password: x\nreplicaCount: 1\nreplicaCount: 2\n")
    configure(
        props, "lint:\n  rules:\n    secrets-plaintext: disable\n    yaml-duplicate-key: warning\n"
    )
    problems = lint([str(props)], cache=False, yamllint=False)
    assert [(p.rule, p.severity) for p in problems] == [("yaml-duplicate-key", "warning")]


def test_ignore_paths(props: Path) -> None:
    (props / DEV).write_text("podAnnotations:\n  password: x\n")
    configure(props, "lint:\n  ignore: [envs/dev/]\n")
    assert [p.rule for p in lint([str(props)], cache=False)] == ["properties-env-files"]


@pytest.mark.parametrize(
    ("section", "message", "line"),
    [  # line: which line of the appended section the error points at
        ("lint:\n  rulez: {}\n", "unknown key 'rulez' in lint", 2),
        ("lint:\n  rules:\n    no-such: disable\n", "no such rule: 'no-such'", 3),
        (
            "lint:\n  rules:\n    properties-drift:\n      check_all: true\n",
            'unknown option "check_all" for rule "properties-drift"',
            4,
        ),
        ("lint:\n  rules:\n    properties-drift: loud\n", "must be one of", 3),
        ("lint:\n  rules:\n    properties-drift:\n      check-all: 3\n", "must be bool", 4),
        ("lint:\n  yamllint: maybe\n", "lint.yamllint must be true or false", 2),
        ("colour: blue\n", "unknown key 'colour'", 1),
    ],
)
def test_invalid_config_is_a_one_line_error_with_a_line(
    props: Path, section: str, message: str, line: int
) -> None:
    line += len((props / ".launchgen.yaml").read_text().splitlines())
    configure(props, section)
    with pytest.raises(ConfigError) as raised:
        lint([str(props)], cache=False)
    assert message in str(raised.value)
    assert raised.value.line == line and raised.value.exit_code == 2


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("kind: [\n", "invalid YAML"),
        ("- kind\n", "must be a mapping"),
        ("kind: app\nkind: app\n", "duplicate key"),
        ("kind: app\n", "missing required key 'service', 'environments'"),
        ("", "must be a mapping"),
        (b"kind: \xff\n", "not valid UTF-8"),
    ],
)
def test_broken_launchgen_yaml(props: Path, text: str | bytes, message: str) -> None:
    path = props / ".launchgen.yaml"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    with pytest.raises(ConfigError) as raised:
        lint([str(props)], cache=False)
    assert message in str(raised.value) and ".launchgen.yaml" in str(raised.value)


def test_missing_launchgen_yaml(tmp_path: Path) -> None:
    (tmp_path / "values.yaml").write_text("a: 1\n")
    with pytest.raises(LaunchgenError, match="not in a repo"):
        lint([str(tmp_path / "values.yaml")])
    with pytest.raises(LaunchgenError, match=r"no \.launchgen\.yaml here"):
        lint([str(tmp_path)])
    with pytest.raises(LaunchgenError, match="no such file"):
        lint([str(tmp_path / "nope")])
