"""ci/push-records.py, the generated pipelines' record push, against a real bare remote:
concurrent pushers lose no record and leave every file valid and numbered."""

from __future__ import annotations

import stat
import subprocess
import sys
from pathlib import Path

import pytest

from launchgen import records
from launchgen.scaffold import new
from tests.conftest import make_answers
from tests.helpers.gitrepo import git, git_env

ENV = git_env()
AT = "2026-01-01T00:00:00Z"


def deployed(repo: Path, env: str, by: str, version: str) -> records.Entry:
    return records.append(
        repo,
        "checkout",
        env,
        "deployed",
        by,
        at=AT,
        appVersion=version,
        chartVersion="0.1.0",
        bundleDigest="sha256:" + "ab" * 32,
        release="checkout",
        namespace=f"checkout-{env}",
    )


def push(clone: Path, message: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(clone / "ci" / "push-records.py"), "-C", str(clone), "-m", message],
        env=ENV,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(process: subprocess.Popen[str]) -> str:
    out, err = process.communicate(timeout=300)
    assert process.returncode == 0, out + err
    return out


@pytest.fixture
def remote(tmp_path: Path) -> Path:
    """A bare remote of a generated properties repo whose dev history has one entry."""
    new(make_answers(), tmp_path / "gen")
    props = tmp_path / "gen" / "checkout-properties"
    script = props / "ci" / "push-records.py"
    assert stat.S_IMODE(script.stat().st_mode) & 0o111 and git(
        props, "ls-files", "-s", "ci"
    ).startswith("100755")
    deployed(props, "dev", "seed", "1.0.0")
    git(props, "add", ".")
    git(props, "commit", "-qm", "seed")
    bare = tmp_path / "remote.git"
    git(tmp_path, "clone", "-q", "--bare", str(props), str(bare))
    return bare


def clone(remote: Path, name: str) -> Path:
    target = remote.parent / name
    git(remote.parent, "clone", "-q", str(remote), str(target))
    return target


def remote_history(remote: Path, env: str) -> records.History:
    text = git(remote, "show", f"main:deployments/{env}.yaml")
    return records.parse(text, f"deployments/{env}.yaml")


def test_a_stale_pusher_reappends_its_entries_renumbered_after_the_others(remote: Path) -> None:
    first, second = clone(remote, "first"), clone(remote, "second")
    deployed(first, "dev", "first", "1.1.0")
    finish(push(first, "deploy 1.1.0 to dev"))
    # `second` still has the old tip: its own deployment is seq 2 there, approved by seq 3.
    mine = deployed(second, "dev", "second", "1.2.0")
    records.append(second, "checkout", "dev", "approved", "second", at=AT, of=mine["seq"])
    records.append(second, "checkout", "dev", "rolled-back", "second", at=AT, of=1)
    deployed(second, "prod", "second", "1.2.0")  # a new file, beside the appended one
    out = finish(push(second, "deploy 1.2.0 to dev"))
    assert "attempt 2" in out  # the first push was really rejected
    dev = remote_history(remote, "dev")
    assert [(e["seq"], e["event"], e["by"], e.get("of")) for e in dev.entries] == [
        (1, "deployed", "seed", None),
        (2, "deployed", "first", None),
        (3, "deployed", "second", None),
        (4, "approved", "second", 3),
        (5, "rolled-back", "second", 1),
    ]
    assert [e["by"] for e in remote_history(remote, "prod").entries] == ["second"]
    log = git(remote, "log", "--format=%s", "main").splitlines()
    assert log[:2] == ["deploy 1.2.0 to dev", "deploy 1.1.0 to dev"]


def test_concurrent_pushers_all_land_in_a_valid_file(remote: Path) -> None:
    pushers = [clone(remote, f"job{n}") for n in range(4)]
    for n, repo in enumerate(pushers):
        deployed(repo, "dev", f"job{n}", f"2.{n}.0")
        deployed(repo, "test" if n % 2 else "prod", f"job{n}", f"2.{n}.0")
    outputs = [
        finish(process)
        for process in [push(repo, f"deploy by job{n}") for n, repo in enumerate(pushers)]
    ]
    # All started from the same tip: only one push can land first time, the others retried.
    assert sum("(attempt 1)" in out for out in outputs) == 1, outputs
    dev = remote_history(remote, "dev")
    assert [e["seq"] for e in dev.entries] == [1, 2, 3, 4, 5]
    assert sorted(e["by"] for e in dev.entries) == ["job0", "job1", "job2", "job3", "seed"]
    assert sorted(e["by"] for e in remote_history(remote, "test").entries) == ["job1", "job3"]
    assert sorted(e["by"] for e in remote_history(remote, "prod").entries) == ["job0", "job2"]


def test_nothing_to_record_pushes_nothing(remote: Path) -> None:
    repo = clone(remote, "idle")
    before = git(remote, "rev-parse", "main")
    assert "no new deployment records" in finish(push(repo, "nothing"))
    assert git(remote, "rev-parse", "main") == before
