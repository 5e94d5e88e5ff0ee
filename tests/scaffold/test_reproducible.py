"""Generation is reproducible, and examples/ is exactly what the generator produces."""

from __future__ import annotations

from pathlib import Path

from launchgen.config import BUILTIN_LAUNCH_CHART_VERSION
from launchgen.scaffold import new
from launchgen.scaffold.examples import generate_examples
from tests.conftest import make_answers

ROOT = Path(__file__).resolve().parents[2]


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".git" not in p.relative_to(root).parts
    }


def test_same_answers_give_byte_identical_repos(tmp_path: Path) -> None:
    new(make_answers(), tmp_path / "one")
    new(make_answers(), tmp_path / "two")
    first, second = snapshot(tmp_path / "one"), snapshot(tmp_path / "two")
    assert first == second
    assert f"checkout/charts/launch-microservice-{BUILTIN_LAUNCH_CHART_VERSION}.tgz" in first


def test_different_answers_give_different_repos(tmp_path: Path) -> None:
    new(make_answers(), tmp_path / "one", git=False)
    new(make_answers(registry="registry.acme.test"), tmp_path / "two", git=False)
    assert snapshot(tmp_path / "one") != snapshot(tmp_path / "two")


def test_examples_match_the_generator(tmp_path: Path) -> None:
    generate_examples(tmp_path)
    expected, actual = snapshot(tmp_path), snapshot(ROOT / "examples")
    stale = sorted(set(expected) ^ set(actual)) + sorted(
        k for k in expected.keys() & actual.keys() if expected[k] != actual[k]
    )
    assert not stale, f"examples/ is out of date ({stale[:5]}): run python scripts/gen_examples.py"
