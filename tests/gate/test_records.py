"""Deployment history files: appended as text, validated, corrupt ones refused in one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from launchgen import records
from launchgen.records import RecordError

DIGEST = "sha256:" + "cd" * 32
HEAD = "apiVersion: launchgen.dev/v1\nkind: DeploymentHistory\nservice: s\nenvironment: prod\nentries:\n"


def deploy(repo: Path, version: str, **extra: object) -> dict:
    return records.append(repo, "checkout", "prod", "deployed", "ci", appVersion=version, chartVersion="0.1.0",
                          bundleDigest=DIGEST, release="checkout", namespace="checkout-prod", **extra)


def test_append_keeps_earlier_bytes_and_numbers_entries(tmp_path: Path) -> None:
    deploy(tmp_path, "1.0.0")
    before = (tmp_path / "deployments" / "prod.yaml").read_bytes()
    entry = deploy(tmp_path, "1.1.0")
    after = (tmp_path / "deployments" / "prod.yaml").read_bytes()
    assert after.startswith(before)
    assert entry["seq"] == 2
    history = records.load(tmp_path, "prod")
    assert history is not None
    assert [e["appVersion"] for e in history.deployments()] == ["1.0.0", "1.1.0"]


def test_current_skips_rejected_deployments(tmp_path: Path) -> None:
    deploy(tmp_path, "1.0.0")
    deploy(tmp_path, "1.1.0")
    records.append(tmp_path, "checkout", "prod", "rejected", "bob", of=2)
    history = records.load(tmp_path, "prod")
    assert history is not None and history.current() is not None
    assert history.current()["appVersion"] == "1.0.0"  # type: ignore[index]


def test_values_needing_quotes_survive(tmp_path: Path) -> None:
    deploy(tmp_path, "1.0.0", note='a: "quoted" # not a comment')
    history = records.load(tmp_path, "prod")
    assert history is not None
    assert history.entries[0]["note"] == 'a: "quoted" # not a comment'


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("entries: [\n", "deployments/prod.yaml:1: value '[': flow style"),
        (HEAD + "  - seq: 1\n    event: approved\n    of: 1\n    at: now\n    by: x\n",
         "deployments/prod.yaml:9: entries/0/at: 'now' does not match"),
        (HEAD + "  - seq: 1\n    event: deployed\n    at: '2026-01-01T00:00:00Z'\n    by: x\n",
         "deployments/prod.yaml:6: entries/0: 'appVersion' is a required property"),
        (HEAD + "  - seq: 2\n    event: approved\n    of: 1\n    at: '2026-01-01T00:00:00Z'\n    by: x\n",
         "deployments/prod.yaml:6: entries must be numbered 1, 2, 3, ...: expected seq 1, got 2"),
        (HEAD + "  - seq: 1\n    event: approved\n    at: 2026-01-01T00:00:00Z\n    by: x\n    of: 1\n",
         "deployments/prod.yaml:10: entry 1 refers to seq 1"),
        ("apiVersion: launchgen.dev/v1\nkind: DeploymentHistory\nservice: s\nenvironment: prod\nentries: []\nextra: 1\n",
         "deployments/prod.yaml:6: 'extra: 1' after the entries: `entries:` must be the last key"),
    ],
)
def test_corrupt_records_are_one_line_errors(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "deployments" / "prod.yaml"
    path.parent.mkdir()
    path.write_text(text)
    with pytest.raises(RecordError) as info:
        history = records.load(tmp_path, "prod")
        assert history is not None
        history.entries  # noqa: B018 - reads the whole file
    assert expected in str(info.value)
    assert "\n" not in str(info.value)


def test_append_to_empty_entries(tmp_path: Path) -> None:
    path = tmp_path / "deployments" / "prod.yaml"
    path.parent.mkdir()
    path.write_text("apiVersion: launchgen.dev/v1\nkind: DeploymentHistory\nservice: checkout\nenvironment: prod\nentries: []\n")
    deploy(tmp_path, "1.0.0")
    history = records.load(tmp_path, "prod")
    assert history is not None and len(history.entries) == 1
