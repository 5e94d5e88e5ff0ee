"""yamllint's processes over many repos (lint/yamllint_proc.py): a process per CPU, not
per repo; each repo's findings stay its own; a repo whose yamllint fails is a problem
even when another repo in the same process passed."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from launchgen.lint import lint_repos, yamllint_proc

DEV = "envs/dev/values.yaml"
BAD = "replicaCount:   1\n"  # yamllint: too many spaces after colon (line 1, column 16)


def yamllint_hits(root: Path, paths: list[Path]) -> dict[str, list[tuple[str, int, int]]]:
    results = lint_repos([str(p) for p in paths], cache=False)
    return {
        r.root.name: [(p.path, p.line, p.column) for p in r.problems if p.rule == "yaml-lint"]
        for r in results
    }


@pytest.fixture
def twins(props: Path, tmp_path: Path) -> list[Path]:
    """Eight copies of a properties repo; the generated .yamllint has `ignore` patterns,
    so yamllint runs in each repo's own folder, with the same relative file names."""
    assert "ignore" in (props / ".yamllint").read_text()
    copies = []
    for i in range(8):
        copy = tmp_path / "mono" / f"repo{i}"
        shutil.copytree(props, copy)
        copies.append(copy)
    return copies


def count_processes(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    started: list[list[str]] = []
    real = subprocess.Popen

    def recording(args: list[str], **kwargs: Any) -> subprocess.Popen[bytes]:
        started.append(list(args))
        return real(args, **kwargs)

    monkeypatch.setattr(subprocess, "Popen", recording)
    return started


def test_each_repo_gets_only_its_own_findings(twins: list[Path], tmp_path: Path) -> None:
    # One bad file among repos whose files have the same relative names: the clean repos
    # must not be given its findings (they were, when results were keyed by that name).
    (twins[3] / DEV).write_text(BAD)
    hits = yamllint_hits(tmp_path, twins)
    assert hits.pop("repo3") == [(DEV, 1, 16)]
    assert hits == {f"repo{i}": [] for i in range(8) if i != 3}


def test_many_repos_share_a_process_per_cpu(
    twins: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for i, repo in enumerate(twins):  # a different line in each, so nothing is deduplicated
        (repo / DEV).write_text("".join(f"k{j}: 1\n" for j in range(i)) + BAD)
    started = count_processes(monkeypatch)
    hits = yamllint_hits(tmp_path, twins)
    assert hits == {f"repo{i}": [(DEV, i + 1, 16)] for i in range(8)}
    assert 1 <= len(started) <= (os.cpu_count() or 1), started


def test_long_job_lists_go_through_a_file(
    twins: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(yamllint_proc, "MAX_INLINE_JOBS", 10)
    (twins[5] / DEV).write_text(BAD)
    started = count_processes(monkeypatch)
    hits = yamllint_hits(tmp_path, twins)
    assert hits["repo5"] == [(DEV, 1, 16)] and not any(hits[f"repo{i}"] for i in (0, 7))
    assert started and all("@" in args for args in started)
    assert not list(Path(os.environ.get("TMPDIR", "/tmp")).glob("launchgen-yamllint-*.jobs"))


def test_a_repo_whose_yamllint_fails_is_reported_while_the_others_pass(
    twins: list[Path], tmp_path: Path
) -> None:
    # An unknown rule makes yamllint exit with an error for that repo only. The jobs that
    # share its process (`ignore` keeps it a job of its own) still report their findings,
    # and the broken one is not a pass.
    (twins[2] / ".yamllint").write_text(
        "extends: default\nignore: |\n  nothing/\nrules:\n  no-such-rule: enable\n"
    )
    (twins[6] / DEV).write_text(BAD)
    results = {r.root.name: r.problems for r in lint_repos(twins, cache=False)}
    broken = [p for p in results["repo2"] if p.rule == "yaml-lint"]
    assert broken and all(p.severity == "error" for p in broken)
    assert [p.message for p in broken] == [
        'yamllint failed: invalid config: no such rule: "no-such-rule"'
    ]
    assert [(p.path, p.line) for p in results["repo6"] if p.rule == "yaml-lint"] == [(DEV, 1)]
    assert not [p for p in results["repo0"] if p.rule == "yaml-lint"]
