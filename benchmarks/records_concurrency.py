"""Benchmark: concurrent appends to one deployment history lose nothing.

    python benchmarks/records_concurrency.py [--processes 8] [--appends 125]

Each process appends `--appends` entries to the same deployments/prod.yaml through
`launchgen.records.append` (the lock, the re-read of the tail, the atomic copy and
rename). Afterwards every seq each process was told it got must be on disk, seq must run
1..N without gaps, and each process's notes must all be there: lost = appends reported
minus entries on disk.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from launchgen import records

DIGEST = "sha256:" + "cd" * 32


def worker(repo: str, worker_id: int, count: int) -> list[int]:
    seqs = []
    for n in range(count):
        entry = records.append(
            Path(repo),
            "checkout",
            "prod",
            "approved",
            f"worker-{worker_id}",
            of=1,
            note=f"{worker_id}-{n}",
        )
        seqs.append(entry["seq"])
    return seqs


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--processes", type=int, default=8)
    parser.add_argument("--appends", type=int, default=125)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="launchgen-records-") as tmp:
        repo = Path(tmp)
        records.append(
            repo,
            "checkout",
            "prod",
            "deployed",
            "ci",
            appVersion="1.0.0",
            chartVersion="0.1.0",
            bundleDigest=DIGEST,
            release="checkout",
            namespace="checkout-prod",
        )
        start = time.perf_counter()
        with ProcessPoolExecutor(args.processes) as pool:
            results = list(
                pool.map(
                    worker,
                    [tmp] * args.processes,
                    range(args.processes),
                    [args.appends] * args.processes,
                )
            )
        elapsed = time.perf_counter() - start
        reported = [seq for seqs in results for seq in seqs]
        history = records.load(repo, "prod")
        assert history is not None
        entries = history.entries[1:]
        on_disk = {e["seq"] for e in entries}
        notes = {e["note"] for e in entries}
        expected_notes = {f"{w}-{n}" for w in range(args.processes) for n in range(args.appends)}
        lost = len(reported) - len(on_disk & set(reported))
        contiguous = [e["seq"] for e in history.entries] == list(range(1, history.last_seq + 1))
        print(
            f"{args.processes} processes x {args.appends} appends: {len(reported)} reported, "
            f"{len(entries)} on disk, {lost} lost, {len(set(reported)) - len(reported)} duplicate seqs, "
            f"notes missing: {len(expected_notes - notes)}; seq 1..{history.last_seq} "
            f"{'contiguous' if contiguous else 'BROKEN'}; "
            f"{elapsed:.1f} s ({len(reported) / elapsed:.0f} appends/s)"
        )
        if lost or expected_notes - notes or len(entries) != len(reported):
            raise SystemExit(1)


if __name__ == "__main__":
    main()
