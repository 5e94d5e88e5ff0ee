"""Benchmark: the cross-revision gate on a pull request touching 10 files in a repo with
10,000 commits. Target: under one second of launchgen's own time, whatever the history.

    python benchmarks/gate_history.py [--commits 10000]

The history is written with `git fast-import` (seconds, not minutes); the gate is timed
in-process (opening the repo, resolving both revisions, the ancestor check, the tree
diff and every rule), best of 5, and compared with the same on a 100-commit history to
show the time does not grow with history length.
"""

from __future__ import annotations

import argparse
import subprocess
import tempfile
import time
from pathlib import Path

from launchgen.gate.rules import check

from launchgen.gate.revisions import RevisionPair
from launchgen.scaffold import Answers, new


def build_history(root: Path, commits: int) -> tuple[Path, str]:
    """A generated properties repo with `commits` commits, then a 10-file pull request."""
    new(
        Answers(kind="app", name="checkout", environments=tuple(f"env{i}" for i in range(10))), root
    )
    repo = root / "checkout-properties"
    stream = []
    mark_time = 1_700_000_000
    for n in range(commits):
        data = f"# history {n}\n".encode()
        stream.append(
            f"commit refs/heads/main\ncommitter bench <b@example.test> {mark_time + n} +0000\n"
            f"data 8\nhistory\n{'from refs/heads/main^0' if n == 0 else ''}\n"
            f"M 644 inline HISTORY.md\ndata {len(data)}\n".encode()
            + data
            + b"\n"
        )
    subprocess.run(["git", "fast-import", "--quiet"], cwd=repo, input=b"".join(stream), check=True)
    subprocess.run(["git", "reset", "-q", "--hard", "main"], cwd=repo, check=True)
    base = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True, check=True
    ).stdout.strip()
    for i in range(10):
        path = repo / "envs" / f"env{i}" / "values.yaml"
        path.write_text(path.read_text().replace("replicaCount: 1", "replicaCount: 3"))
    subprocess.run(
        ["git", "commit", "-qam", "pull request"],
        cwd=repo,
        check=True,
        env={
            "GIT_AUTHOR_NAME": "b",
            "GIT_AUTHOR_EMAIL": "b@e",
            "GIT_COMMITTER_NAME": "b",
            "GIT_COMMITTER_EMAIL": "b@e",
            "PATH": "/usr/bin:/bin",
        },
    )
    return repo, base


def time_gate(repo: Path, base: str, runs: int = 5) -> tuple[float, int]:
    times, found = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        pair = RevisionPair(repo, base)
        found = len(check(pair))
        pair.close()
        times.append(time.perf_counter() - start)
    return min(times), found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--commits", type=int, default=10_000)
    args = parser.parse_args()
    rows = []
    for commits in (100, args.commits):
        with tempfile.TemporaryDirectory() as tmp:
            repo, base = build_history(Path(tmp), commits)
            seconds, found = time_gate(repo, base)
            rows.append((commits, seconds, found))
    print("| commits in history | gate time (best of 5) | problems reported |")
    print("| ---: | ---: | ---: |")
    for commits, seconds, found in rows:
        print(f"| {commits:,} | {seconds * 1000:.0f} ms | {found} |")
    ratio = rows[1][1] / rows[0][1]
    print(
        f"\n{args.commits:,}-commit history / 100-commit history: {ratio:.2f}x; target < 1 s: "
        f"{'met' if rows[1][1] < 1 else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
