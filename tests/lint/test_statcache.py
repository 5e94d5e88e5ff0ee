"""The stat fast path of the lint cache: files whose stat() is unchanged are not read,
and nothing that changed is ever served from it (lint/statcache.py).

Most tests start lint's clock 10 s after the real one (`later`): every file on disk is
then past the racy window at once, so they check the stat comparison alone, with no
racy re-read to hide a missing field. Each compares the warm result with a run
without the cache, after checking the warm run used the table (a test that never hit
it would prove nothing).
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from launchgen.lint import engine, lint, statcache
from launchgen.lint.contract import Context, Hit, Rule
from launchgen.lint.source import SourceFile
from launchgen.problem import Problem
from tests.helpers.caches import own_caches

DEV = "envs/dev/values.yaml"
CLEAN = "replicaCount: 1\n"
BAD = "appVersion: 1.2\n"  # properties-forbidden-keys; the same size as CLEAN
SECOND = 1_000_000_000


@pytest.fixture(autouse=True)
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    statcache.STATS.clear()
    return own_caches(tmp_path, monkeypatch)[0]


@pytest.fixture
def later(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(statcache, "_clock", lambda: time.time_ns() + 10 * SECOND)


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files lint opens, by path relative to their root."""
    opened: list[str] = []
    real = SourceFile._read

    def recording(self: SourceFile) -> bytes | None:
        opened.append(self.relpath)
        return real(self)

    monkeypatch.setattr(SourceFile, "_read", recording)
    return opened


def rules_run(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """(rule, file) of every YAML file rule run from now on (the others are never cached)."""
    calls: list[tuple[str, str]] = []
    real = engine._run_rule

    def counting(rule: Rule, ctx: Context) -> Iterator[Hit]:
        if ctx.file is not None and rule.id not in ("files-symlink-outside", "files-encoding"):
            calls.append((rule.id, ctx.file.relpath))
        return real(rule, ctx)

    monkeypatch.setattr(engine, "_run_rule", counting)
    return calls


def warm(repo: Path) -> list[Problem]:
    """lint twice; the stats of the second run only."""
    lint([str(repo)])
    statcache.STATS.clear()
    return lint([str(repo)])


def uncached(repo: Path) -> list[Problem]:
    return lint([str(repo)], cache=False)


def rules(problems: list[Problem], path: str) -> set[str]:
    return {p.rule for p in problems if p.path == path}


def same_size_edit(path: Path, text: str) -> os.stat_result:
    """Write `text` (as long as the old content) and give the file its old mtime back;
    the stat before. Waits for a new ctime on a file system with coarse ctimes."""
    before = path.stat()
    assert len(text.encode()) == before.st_size
    deadline = time.monotonic() + 3
    while True:
        path.write_text(text)
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
        if path.stat().st_ctime_ns != before.st_ctime_ns or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    after = path.stat()
    assert (after.st_ino, after.st_size, after.st_mtime_ns) == (
        before.st_ino,
        before.st_size,
        before.st_mtime_ns,
    )
    assert after.st_ctime_ns != before.st_ctime_ns
    return before


def test_unchanged_files_are_not_read(props: Path, later: None, reads: list[str]) -> None:
    from launchgen.lint.cache import Cache

    (props / DEV).write_text(BAD)
    first = warm(props)
    assert "properties-forbidden-keys" in rules(first, DEV)
    stored = Cache(None, True)._file(props).stat()
    reads.clear()
    statcache.STATS.clear()
    assert lint([str(props)]) == first
    # Only `.launchgen.yaml`, which Repo.read parses for the settings.
    assert reads == [".launchgen.yaml"]
    assert statcache.STATS["stat"] >= 5 and statcache.STATS["hashed"] == 0
    again = Cache(None, True)._file(props).stat()
    assert (again.st_ino, again.st_mtime_ns) == (stored.st_ino, stored.st_mtime_ns)


def test_an_edit_in_the_same_timestamp_tick_is_read_again(
    props: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file system with 1-second timestamps (ext3, HFS+; FAT has 2 s) and an edit in
    the second lint stamped the file in: size, mtime and ctime stay the same. Only the
    racy rule catches it."""
    tick = (time.time_ns() // SECOND + 100) * SECOND  # the second everything happens in
    monkeypatch.setattr(statcache, "_clock", lambda: tick + SECOND // 2)
    real = os.lstat

    def coarse(path: Any) -> Any:
        info = real(path)
        return SimpleNamespace(
            st_dev=info.st_dev,
            st_ino=info.st_ino,
            st_size=info.st_size,
            st_mtime_ns=tick,
            st_ctime_ns=tick,
            st_mode=info.st_mode,
        )

    monkeypatch.setattr(statcache, "_lstat", coarse)
    (props / DEV).write_text(CLEAN)
    assert rules(warm(props), DEV) == set()
    (props / DEV).write_text(BAD)
    problems = lint([str(props)])
    assert "properties-forbidden-keys" in rules(problems, DEV)
    assert problems == uncached(props)

    # Control: once the clock is past the racy window, the same stamps are trusted:
    # the edit below is not seen. (A real file system would show it: its clock moved.)
    monkeypatch.setattr(statcache, "_clock", lambda: tick + 3 * SECOND)
    lint([str(props)])  # the racy entries are read once more, now stamped trusted
    statcache.STATS.clear()
    (props / DEV).write_text(CLEAN)
    assert "properties-forbidden-keys" in rules(lint([str(props)]), DEV)
    assert statcache.STATS["hashed"] == 0


def test_an_edit_dated_back_with_utime_is_read_again(props: Path, later: None) -> None:
    (props / DEV).write_text(CLEAN)
    assert rules(warm(props), DEV) == set()
    assert statcache.STATS["stat"] > 0 and statcache.STATS["hashed"] == 0
    same_size_edit(props / DEV, BAD)  # size, inode and mtime as before: only ctime tells
    problems = lint([str(props)])
    assert "properties-forbidden-keys" in rules(problems, DEV)
    assert statcache.STATS["hashed"] == 1
    assert problems == uncached(props)


def test_a_file_replaced_by_a_rename_is_read_again(
    props: Path, tmp_path: Path, later: None
) -> None:
    target = props / DEV
    target.write_text(CLEAN)
    assert rules(warm(props), DEV) == set()
    old = target.stat()
    replacement = props / "envs" / "dev" / ".values.yaml.tmp"
    replacement.write_text(BAD)
    os.utime(replacement, ns=(old.st_atime_ns, old.st_mtime_ns))
    os.replace(replacement, target)  # as editors and atomic writers save
    new = target.stat()
    assert (new.st_size, new.st_mtime_ns) == (old.st_size, old.st_mtime_ns)
    assert new.st_ino != old.st_ino
    problems = lint([str(props)])
    assert "properties-forbidden-keys" in rules(problems, DEV)
    assert problems == uncached(props)


def test_a_touched_file_is_hashed_and_its_results_reused(
    props: Path, later: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    (props / DEV).write_text(BAD)
    first = warm(props)
    calls = rules_run(monkeypatch)
    statcache.STATS.clear()
    info = (props / DEV).stat()
    os.utime(props / DEV, ns=(info.st_atime_ns, info.st_mtime_ns + SECOND))
    assert lint([str(props)]) == first
    assert statcache.STATS["hashed"] == 1  # read and hashed: the same bytes
    assert calls == []  # so every result came from the cache
    statcache.STATS.clear()
    assert lint([str(props)]) == first
    assert statcache.STATS["hashed"] == 0  # stamped anew: from stat() again


def test_settings_change_relints_files_known_from_stat(props: Path, later: None) -> None:
    (props / DEV).write_text(BAD)
    first = warm(props)
    assert ("properties-forbidden-keys", "error") in {(p.rule, p.severity) for p in first}
    config = props / ".launchgen.yaml"
    base = config.read_text()
    config.write_text(base + "lint:\n  rules:\n    properties-forbidden-keys: warning\n")
    statcache.STATS.clear()
    problems = lint([str(props)])
    assert statcache.STATS["hashed"] == 1  # `.launchgen.yaml` only: DEV came from stat()
    found = {(p.rule, p.severity) for p in problems if p.path == DEV}
    assert ("properties-forbidden-keys", "warning") in found
    assert ("properties-forbidden-keys", "error") not in found
    assert problems == uncached(props)


def test_lower_read_limits_drop_the_table(props: Path, later: None) -> None:
    """A file now over files-too-large's limit is skipped, by yamllint too, though its
    bytes and stat are the same."""
    (props / DEV).write_text("replicaCount:   1\n")  # yamllint: too many spaces
    assert rules(warm(props), DEV) == {"yaml-lint"}
    config = props / ".launchgen.yaml"
    config.write_text(
        config.read_text() + "lint:\n  rules:\n    files-too-large: {max-bytes: 10}\n"
    )
    problems = lint([str(props)])
    assert rules(problems, DEV) == {"files-too-large"}
    assert problems == uncached(props)


def test_an_input_outside_the_repo_invalidates(repos: tuple[Path, Path], later: None) -> None:
    """properties-values-schema reads the app repo's values.schema.json."""
    app, props = repos
    (props / DEV).write_text(CLEAN)
    assert rules(warm(props), DEV) == set()
    schema = app / "values.schema.json"
    schema.write_text(
        schema.read_text().replace('"replicaCount": {', '"replicaCount": {"maximum": 0,', 1)
    )
    problems = lint([str(props)])
    assert "properties-values-schema" in rules(problems, DEV)
    assert problems == uncached(props)


def test_a_file_turned_symlink_or_deleted_is_seen(props: Path, tmp_path: Path, later: None) -> None:
    outside = tmp_path / "outside.yaml"
    (props / DEV).write_text(BAD)
    outside.write_text(BAD)
    assert "properties-forbidden-keys" in rules(warm(props), DEV)
    (props / DEV).unlink()
    (props / DEV).symlink_to(outside)
    problems = lint([str(props)])
    assert "files-symlink-outside" in rules(problems, DEV)
    assert problems == uncached(props)
    (props / DEV).unlink()
    problems = lint([str(props)])
    assert rules(problems, DEV) == set()
    assert problems == uncached(props)


def test_an_edit_behind_a_symlink_is_seen(props: Path, later: None) -> None:
    """A symlink's own stat does not change when its target does: links are always read."""
    (props / "envs" / "base.yaml").write_text(CLEAN)
    (props / DEV).unlink()
    (props / DEV).symlink_to("../base.yaml")
    assert rules(warm(props), DEV) == set()
    (props / "envs" / "base.yaml").write_text(BAD)
    problems = lint([str(props)])
    assert "properties-forbidden-keys" in rules(problems, DEV)
    assert problems == uncached(props)


def test_a_folder_swapped_for_a_symlink_outside_is_seen(
    props: Path, tmp_path: Path, later: None
) -> None:
    """Moving a folder keeps its files' inodes and timestamps: their stat is the same,
    but they are now outside the repo. Named on the command line (the per-file hook),
    the file is linted, and found outside."""
    (props / DEV).write_text(CLEAN)
    assert rules(warm(props), DEV) == set()
    before = (props / DEV).stat()
    moved = tmp_path / "moved-dev"
    shutil.move(props / "envs" / "dev", moved)
    (props / "envs" / "dev").symlink_to(moved, target_is_directory=True)
    assert statcache.stamp((props / DEV).stat()) == statcache.stamp(before)
    problems = lint([str(props / DEV)])
    assert "files-symlink-outside" in rules(problems, DEV)
    assert problems == lint([str(props / DEV)], cache=False)


def test_a_permission_change_is_read_again(props: Path, later: None) -> None:
    (props / DEV).write_text(CLEAN)
    warm(props)
    statcache.STATS.clear()
    (props / DEV).chmod(0o000)
    try:
        problems = lint([str(props)])
        assert statcache.STATS["hashed"] == 1
        assert problems == uncached(props)
        if os.geteuid() != 0:  # root reads it anyway
            assert "files-unreadable" in rules(problems, DEV)
    finally:
        (props / DEV).chmod(0o644)


def test_the_per_file_hook_keeps_the_other_entries(props: Path, later: None) -> None:
    (props / DEV).write_text(BAD)
    first = warm(props)
    lint([str(props / DEV)])
    statcache.STATS.clear()
    assert lint([str(props)]) == first
    assert statcache.STATS["hashed"] == 0


def test_inline_suppressions_hold_for_files_known_from_stat(props: Path, later: None) -> None:
    """Files are parsed for suppressions only when their bytes hold `launchgen:`; the
    table remembers whether they do, so a warm run needs no read to know."""
    (props / DEV).write_text(
        "appVersion: 1.2  # launchgen: disable=properties-forbidden-keys why\n"
    )
    (props / "envs" / "test" / "values.yaml").write_text(
        "replicaCount: 1  # launchgen: disable=secrets-plaintext was a password\n"
    )
    first = warm(props)
    assert statcache.STATS["hashed"] == 0
    assert "properties-forbidden-keys" not in rules(first, DEV)
    assert "suppress-unused" in rules(first, "envs/test/values.yaml")
    assert first == uncached(props)


def test_a_mangled_table_is_not_used(props: Path, later: None) -> None:
    import json

    from launchgen.lint.cache import Cache

    (props / DEV).write_text(BAD)
    first = warm(props)
    stored = Cache(None, True)._file(props)
    data = json.loads(stored.read_text())
    entries = data["stat"]["entries"]
    assert DEV in entries
    info = (props / DEV).stat()
    # The right stamp with a run start that is not a number, and another file's hash.
    entries[DEV] = [*statcache.stamp(info), "soon", entries[DEV][7], 0]
    entries["envs/test/values.yaml"] = "not an entry"
    stored.write_text(json.dumps(data))
    statcache.STATS.clear()
    assert lint([str(props)]) == first
    assert statcache.STATS["hashed"] == 2
