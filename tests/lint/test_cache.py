"""The content-hash cache: reused when nothing changed, never stale."""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from launchgen.lint import engine, lint
from launchgen.lint.contract import Context, Hit, Rule
from tests.helpers.caches import own_caches

DEV = "envs/dev/values.yaml"


def test_second_run_reuses_results_and_edits_invalidate(
    props: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (props / DEV).write_text("appVersion: 1.2.3\n")
    first = lint([str(props)])
    calls: list[str] = []
    real = engine._run_rule

    def counting(rule: Rule, ctx: Context) -> Iterator[Hit]:
        if rule.id not in (
            "files-symlink-outside",
            "files-encoding",
        ):  # the rules of non-YAML files: not cached
            calls.append(rule.id)
        return real(rule, ctx)

    monkeypatch.setattr(engine, "_run_rule", counting)
    assert lint([str(props)]) == first
    assert calls == []
    (props / DEV).write_text("image:\n  repository: r/x\n")
    assert lint([str(props)]) == []
    assert calls


def test_config_change_invalidates(props: Path) -> None:
    (props / DEV).write_text("appVersion: 1.2.3\n")
    assert {p.rule: p.severity for p in lint([str(props)])}["properties-forbidden-keys"] == "error"
    config = props / ".launchgen.yaml"
    config.write_text(
        config.read_text() + "lint:\n  rules:\n    properties-forbidden-keys: warning\n"
    )
    assert {p.rule: p.severity for p in lint([str(props)])}[
        "properties-forbidden-keys"
    ] == "warning"


def test_yamllint_config_change_invalidates(props: Path) -> None:
    (props / DEV).write_text("replicaCount:   1\n")
    assert [p.rule for p in lint([str(props)])] == ["yaml-lint"]
    (props / ".yamllint").write_text(
        "extends: relaxed\nrules:\n  colons: disable\n  truthy: disable\n"
    )
    assert lint([str(props)]) == []


def test_corrupt_cache_is_ignored(
    props: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lint_cache, _ = own_caches(tmp_path, monkeypatch)
    assert lint([str(props)]) == []
    entries = list(lint_cache.glob("*.json"))
    assert entries  # the cache was written, so the corruption below is tested
    for entry in entries:
        entry.write_text("{not json")
    assert lint([str(props)]) == []


@pytest.mark.parametrize("clock", ["racy", "past racy"])
def test_an_unchanged_second_run_writes_no_cache_file(
    props: Path, clock: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cache file is rewritten only when a result is new (issue 15: a warm monorepo
    run wrote every repo's file again); an edit is still saved. With lint's clock
    crawling (1 ms a run: the files stay in the racy window, lint/statcache.py, and
    are read again on every run, with the same stamps) or 10 s ahead (known from
    stat() at once), so the machine's load cannot move a file out of the racy window
    between the two runs."""
    from launchgen.lint import statcache
    from launchgen.lint.cache import Cache

    ahead = 10_000_000_000 if clock == "past racy" else 0
    ticks = itertools.count(time.time_ns() + ahead, 1_000_000)
    monkeypatch.setattr(statcache, "_clock", lambda: next(ticks))

    (props / DEV).write_text("appVersion: 1.2.3\n")
    lint([str(props)])
    stored = Cache(None, True)._file(props)
    first = stored.stat()
    lint([str(props)])
    again = stored.stat()
    assert (again.st_ino, again.st_mtime_ns) == (first.st_ino, first.st_mtime_ns)
    (props / DEV).write_text("image:\n  repository: r/x\n")
    lint([str(props)])
    assert stored.stat().st_ino != first.st_ino
    assert Cache(None, True).load(props)["files"][DEV][1] == []
