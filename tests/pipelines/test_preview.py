"""ci/preview.py, the PR/MR preview the gate jobs run: Secret data never reaches the
summary, other data does; the verdict follows `launchgen diff`."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

from launchgen.scaffold import new
from tests.conftest import make_answers
from tests.helpers.cli import invoke

PLAINTEXT = "hunter2-s3cr3t"


@pytest.fixture(scope="module")
def preview(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    root = tmp_path_factory.mktemp("gen")
    new(make_answers(), root, git=False)
    path = root / "checkout-properties" / "ci" / "preview.py"
    spec = importlib.util.spec_from_file_location("generated_preview", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def manifests(folder: Path, kind: str, value: str) -> Path:
    folder.mkdir(parents=True)
    key = "stringData" if kind == "Secret" else "data"
    (folder / "obj.yaml").write_text(
        f"apiVersion: v1\nkind: {kind}\nmetadata:\n  name: db\n  namespace: checkout-dev\n"
        f"{key}:\n  password: {value}\n"
    )
    return folder


def diff_json(old: Path, new_: Path) -> dict[str, object]:
    result = invoke("diff", str(old), str(new_), "--format", "json")
    assert result.exit_code == 1, result.output  # a change not derived from the app version
    data: dict[str, object] = json.loads(result.output)
    return data


@pytest.mark.parametrize("kind", ["Secret", "ConfigMap"])
def test_secret_data_is_redacted_and_other_data_is_shown(
    preview: ModuleType, tmp_path: Path, kind: str
) -> None:
    diff = diff_json(
        manifests(tmp_path / "old", kind, "old-value"), manifests(tmp_path / "new", kind, PLAINTEXT)
    )
    assert PLAINTEXT in json.dumps(diff)  # launchgen diff itself does not redact (yet)
    shown = preview.Preview("dev", "1.0.0")
    shown.add(diff, "envs/dev/values.yaml")
    text = shown.markdown() + json.dumps(shown.findings)
    assert "**appVersion-only**: no" in text
    if kind == "Secret":
        assert PLAINTEXT not in text and "old-value" not in text
        assert "stringData.password: (redacted) -> (redacted)" in text
    else:
        assert f'"{PLAINTEXT}"' in text and "(redacted)" not in text


def test_no_change_gives_the_app_version_only_verdict(preview: ModuleType) -> None:
    shown = preview.Preview("prod", "2.0.0")
    shown.add({"onlyAppVersion": True, "resources": []}, "envs/prod/values.yaml")
    assert "**appVersion-only**: yes" in shown.markdown() and shown.findings == []
