"""The benchmarks' monorepo (benchmarks/lint_bench.py): copies of one generated service,
checked against what `launchgen new` makes for each name."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

_SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "lint_bench.py"
_SPEC = importlib.util.spec_from_file_location("lint_bench", _SCRIPT)
assert _SPEC is not None and _SPEC.loader is not None
lint_bench = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(lint_bench)
check_like_new, make_monorepo = lint_bench.check_like_new, lint_bench.make_monorepo


def test_copies_are_what_new_makes_and_a_difference_is_refused(tmp_path: Path) -> None:
    mono = make_monorepo(tmp_path / "a", 3)
    assert sorted(p.name for p in mono.iterdir()) == [
        "svc000",
        "svc000-properties",
        "svc001",
        "svc001-properties",
        "svc002",
        "svc002-properties",
    ]
    assert "svc001" in (mono / "svc001-properties" / ".launchgen.yaml").read_text()
    check_like_new(mono, "svc001", tmp_path / "fresh")  # any copy, not only the last

    script = next((mono / "svc001-properties" / "ci").glob("*.py"))
    script.chmod(0o644)  # `new` makes them executable
    with pytest.raises(SystemExit, match=r"svc001-properties differs .*ci/"):
        check_like_new(mono, "svc001", tmp_path / "fresh")

    values = mono / "svc002-properties" / "envs" / "dev" / "values.yaml"
    values.write_text(values.read_text().replace("svc002", "svc00"))
    with pytest.raises(SystemExit, match=r"envs/dev/values\.yaml"):
        check_like_new(mono, "svc002", tmp_path / "fresh")
