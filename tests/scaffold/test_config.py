"""Org defaults: flag > LAUNCHGEN_* environment variable > config file > built-in default."""

from __future__ import annotations

from pathlib import Path

import pytest

from launchgen import config
from launchgen.errors import ConfigError
from launchgen.standard import BUILTIN_CHART_REPOSITORY
from tests.scaffold.test_new_cli import invoke

ORG = """\
chart_repository: https://charts.acme.test/launch
launch_chart_version: 1.0.0
registry: registry.acme.test/team
environments: [dev, stage, prod]
ci: gitlab
"""


def write_config(tmp_path: Path, text: str = ORG) -> Path:
    path = tmp_path / "org.yaml"
    path.write_text(text)
    return path


def test_builtin_defaults_without_any_config(tmp_path: Path) -> None:
    settings = config.resolve({}, environ={"HOME": str(tmp_path)})
    assert settings["chart_repository"] is None
    assert settings["environments"] == ["dev", "test", "prod"]
    assert settings["ci"] == "github"


def test_config_file_over_defaults(tmp_path: Path) -> None:
    settings = config.resolve({}, str(write_config(tmp_path)), environ={})
    assert settings["registry"] == "registry.acme.test/team"
    assert settings["environments"] == ["dev", "stage", "prod"]


def test_environment_over_config_file(tmp_path: Path) -> None:
    env = {"LAUNCHGEN_REGISTRY": "env.acme.test", "LAUNCHGEN_ENVIRONMENTS": "a, b"}
    settings = config.resolve({}, str(write_config(tmp_path)), environ=env)
    assert settings["registry"] == "env.acme.test"
    assert settings["environments"] == ["a", "b"]
    assert settings["ci"] == "gitlab"


def test_flag_over_environment(tmp_path: Path) -> None:
    settings = config.resolve(
        {"registry": "flag.acme.test"},
        str(write_config(tmp_path)),
        environ={"LAUNCHGEN_REGISTRY": "env"},
    )
    assert settings["registry"] == "flag.acme.test"


def test_config_found_through_launchgen_config_and_xdg(tmp_path: Path) -> None:
    path = write_config(tmp_path)
    assert config.resolve({}, environ={"LAUNCHGEN_CONFIG": str(path)})["ci"] == "gitlab"
    xdg = tmp_path / "xdg"
    (xdg / "launchgen").mkdir(parents=True)
    (xdg / "launchgen" / "config.yaml").write_text("ci: gitlab\n")
    assert config.resolve({}, environ={"XDG_CONFIG_HOME": str(xdg)})["ci"] == "gitlab"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("registry: r.test\nchart_repo: x\n", "org.yaml:2: unknown key 'chart_repo'"),
        ("ci: jenkins\n", "org.yaml:1: ci:"),
        ("environments: [Dev]\n", "org.yaml:1: environments/0:"),
        ("launch_chart_version: ~1.0\n", "org.yaml:1: launch_chart_version:"),
        ("registry: [unclosed\n", "org.yaml:2: invalid YAML"),
        ("- a list\n", "org.yaml:1: "),
    ],
)
def test_invalid_config_is_one_line_with_file_and_line(
    tmp_path: Path, text: str, expected: str
) -> None:
    path = write_config(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        config.resolve({}, str(path), environ={})
    assert expected in str(info.value)
    assert "\n" not in str(info.value)


def test_missing_config_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config file not found"):
        config.resolve({}, str(tmp_path / "nope.yaml"), environ={})


def test_new_uses_org_config(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = invoke(
        "new", "checkout", "-o", str(out), "--config", str(write_config(tmp_path)), "--no-git"
    )
    assert result.exit_code == 0, result.output
    chart = (out / "checkout" / "Chart.yaml").read_text()
    assert "repository: https://charts.acme.test/launch" in chart
    assert BUILTIN_CHART_REPOSITORY not in chart
    assert sorted(p.name for p in (out / "checkout-properties" / "envs").iterdir()) == [
        "dev",
        "prod",
        "stage",
    ]
    assert (out / "checkout" / ".gitlab-ci.yml").is_file()


def test_new_with_bad_config_exits_2_with_one_line(tmp_path: Path) -> None:
    result = invoke(
        "new",
        "checkout",
        "-o",
        str(tmp_path / "out"),
        "--config",
        str(write_config(tmp_path, "colour: red\n")),
    )
    assert result.exit_code == 2
    assert result.output.count("\n") == 1
    assert "unknown key 'colour'" in result.output
    assert not (tmp_path / "out" / "checkout").exists()
