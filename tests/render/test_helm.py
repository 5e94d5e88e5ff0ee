"""launchgen.helm: the one interface to helm, against the real helm 4.1.4 and 3.19.0."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from launchgen.errors import ToolError
from launchgen.helm import Helm, HelmVersion, find_binary
from tests.helpers.tools import tool

pytestmark = pytest.mark.helm


def _fake_helm(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "helm"
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return path


def test_detects_both_real_majors() -> None:
    assert Helm(tool("helm4")).version == HelmVersion(4, 1, 4)
    assert Helm(tool("helm3")).version == HelmVersion(3, 19, 0)


@pytest.mark.parametrize(
    ("flags", "helm3"),
    [
        (
            ["upgrade", "--install", "x", ".", "--wait=watcher", "--rollback-on-failure"],
            ["upgrade", "--install", "x", ".", "--wait", "--atomic"],
        ),
        (["install", "x", ".", "--wait=hookOnly"], ["install", "x", "."]),
        (["upgrade", "x", ".", "--force-replace"], ["upgrade", "x", ".", "--force"]),
    ],
)
def test_maps_helm4_flags_for_helm3_only(flags: list[str], helm3: list[str]) -> None:
    assert Helm(tool("helm3")).command(flags)[1:] == helm3
    assert Helm(tool("helm4")).command(flags)[1:] == flags


def test_a_known_version_is_not_asked_again(tmp_path: Path) -> None:
    """`assumed_version` (render's cached helm version) maps flags without running helm."""
    never = _fake_helm(tmp_path, 'echo ran >> "$0.log"; exit 1')
    helm = Helm(never, assumed_version=HelmVersion(3, 14, 0))
    assert helm.command(["upgrade", "--install", "--rollback-on-failure", "--", "x", "."]) == [
        str(never),
        "upgrade",
        "--install",
        "--atomic",
        "--",
        "x",
        ".",
    ]
    assert helm.version == HelmVersion(3, 14, 0)
    assert not Path(f"{never}.log").exists()
    assert Helm(never).command(["env"]) == [str(never), "env"]  # nothing to map: not asked
    with pytest.raises(ToolError, match=r"^version failed: no error message"):
        _ = Helm(never).version
    assert Path(f"{never}.log").read_text() == "ran\n"


def test_missing_binary_is_one_line_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("LAUNCHGEN_HELM", raising=False)
    with pytest.raises(ToolError, match="helm not found on PATH"):
        find_binary()
    with pytest.raises(ToolError, match=r"helm not found at /no/helm \(from --helm"):
        find_binary("/no/helm")


def test_binary_from_environment_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LAUNCHGEN_HELM", str(tool("helm3")))
    assert Helm().version.major == 3


def test_too_old_helm_is_refused(tmp_path: Path) -> None:
    old = _fake_helm(tmp_path, 'echo "v3.13.3"')
    with pytest.raises(
        ToolError, match=r"helm v3\.13\.3 at .* is too old: launchgen needs helm 3\.14 or later"
    ):
        _ = Helm(old).version


def test_failing_helm_passes_its_own_message(tmp_path: Path) -> None:
    with pytest.raises(
        ToolError,
        match=r"^helm show failed: .*no such file or directory|^helm show failed: .*not found",
    ):
        Helm(tool("helm4")).run(["show", "chart", str(tmp_path / "missing")])


def test_homes_are_isolated_and_removed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HELM_CONFIG_HOME", str(tmp_path / "users-config"))
    with Helm(tool("helm4")) as helm:
        env = helm.env()
        home = Path(env["HELM_CONFIG_HOME"]).parent
        assert str(tmp_path) not in env["HELM_CONFIG_HOME"]
        for var in (
            "HELM_CACHE_HOME",
            "HELM_DATA_HOME",
            "HELM_REGISTRY_CONFIG",
            "HELM_REPOSITORY_CONFIG",
            "HELM_REPOSITORY_CACHE",
        ):
            assert env[var].startswith(str(home))
        helm.run(["env"])
    assert not home.exists()
    assert not (tmp_path / "users-config").exists()


def test_user_credentials_are_copied_never_written_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    users = tmp_path / "user-helm"
    (users / "registry").mkdir(parents=True)
    (users / "registry" / "config.json").write_text(
        '{"auths": {"registry.example.com": {"auth": "dTpw"}}}'
    )
    (users / "repositories.yaml").write_text('apiVersion: ""\nrepositories: []\n')
    monkeypatch.setenv("HELM_CONFIG_HOME", str(users))
    before = {p: p.read_bytes() for p in users.rglob("*") if p.is_file()}
    with Helm(tool("helm3"), home=tmp_path / "home", user_credentials=True) as helm:
        env = helm.env()
        assert (
            Path(env["HELM_REGISTRY_CONFIG"]).read_bytes()
            == before[users / "registry" / "config.json"]
        )
    assert {p: p.read_bytes() for p in users.rglob("*") if p.is_file()} == before
    assert os.stat(tmp_path / "home" / "config" / "registry" / "config.json").st_mode & 0o077 == 0
