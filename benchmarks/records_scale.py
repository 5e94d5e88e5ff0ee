"""Benchmark: the day-2 commands on a long deployment history.

    python benchmarks/records_scale.py [--entries 20000 200000] [--runs 5] [--launchgen PATH]

For each size, a properties repo whose deployments/dev.yaml holds that many entries
(deployed / approved pairs, the last deployment waiting for approval) is written
directly, then each command runs as its own process, as in CI: `status` (records only,
`--dry-run` so no cluster is needed), `status --format version`, `approve`, `reject`
and `rollback` with `--dry-run`, and one real `approve` (an append under the lock).
Wall time is the median of `--runs`; memory is the peak RSS of the process
(os.wait4). Every figure is also given as a ratio to `launchgen --version` measured in
the same run, the floor any command pays to start Python and the CLI.

Then the append itself, in process (`records.append`, lock, tail read, one write,
fsync, read-back), `--appends` times on each size and on a one-entry history, with
the bytes the kernel was asked to write (/proc/self/io wchar): the ratio to the
one-entry history shows whether an append grows with the history.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DIGEST = "sha256:" + "ab" * 32
# As installed: modules compiled once (pip writes the bytecode), not on every start.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def write_repo(root: Path, entries: int) -> Path:
    from launchgen.deploy import recordformat

    repo = root / f"props-{entries}"
    (repo / "deployments").mkdir(parents=True)
    (repo / ".launchgen.yaml").write_text(
        "kind: properties\nservice: checkout\nenvironments: [dev, prod]\n"
    )
    with open(repo / "deployments" / "dev.yaml", "w", encoding="utf-8") as out:
        out.write(recordformat.header_text("checkout", "dev"))
        for seq in range(1, entries + 1):
            if seq % 2:
                entry = {
                    "seq": seq,
                    "event": "deployed",
                    "appVersion": f"1.{seq // 1000}.{seq % 1000}",
                    "chartVersion": "0.1.0",
                    "bundleDigest": DIGEST,
                    "release": "checkout",
                    "namespace": "checkout-dev",
                    "revision": seq,
                    "at": "2026-11-26T10:00:00Z",
                    "by": "ci-bot",
                }
            else:
                entry = {
                    "seq": seq,
                    "event": "approved",
                    "of": seq - 1,
                    "at": "2026-11-26T10:20:00Z",
                    "by": "alice",
                }
            out.write(recordformat.entry_text(entry))
        if entries % 2 == 0:  # end on a deployment waiting for approval
            out.write(
                recordformat.entry_text(
                    {
                        "seq": entries + 1,
                        "event": "deployed",
                        "appVersion": "9.9.9",
                        "chartVersion": "0.1.0",
                        "bundleDigest": DIGEST,
                        "release": "checkout",
                        "namespace": "checkout-dev",
                        "revision": entries + 1,
                        "at": "2026-11-26T11:00:00Z",
                        "by": "ci-bot",
                    }
                )
            )
    return repo


def measure(argv: list[str]) -> tuple[float, float, int, str]:
    """(wall seconds, CPU seconds, peak RSS in MB, output) of one process."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=ENV)
    assert proc.stdout is not None
    output = proc.stdout.read().decode(errors="replace")
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} exited {proc.returncode}:\n{output}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss // 1024, output


def median_of(argv: list[str], runs: int) -> tuple[float, float, int]:
    measure(argv)  # warm-up: bytecode written, file in the page cache
    results = [measure(argv) for _ in range(runs)]
    return (
        statistics.median(r[0] for r in results),
        statistics.median(r[1] for r in results),
        max(r[2] for r in results),
    )


def row(
    entries: int,
    size: int,
    name: str,
    figures: tuple[float, float, int],
    base: tuple[float, float, int],
) -> str:
    wall, cpu, rss = figures
    return (
        f"{entries:>8}  {size / 2**20:>6.1f}MB  {name:34} {wall * 1000:>6.0f} ms {wall / base[0]:>6.2f}x "
        f"{(wall - base[0]) * 1000:>+7.0f} ms {cpu * 1000:>6.0f} ms {cpu / base[1]:>6.2f}x {rss:>6} MB"
    )


def append_cost(repo: Path, appends: int) -> tuple[float, float, float]:
    """(median wall ms, median CPU ms, median bytes written) of one `records.append`."""
    from launchgen import records

    history = records.load(repo, "dev", "checkout")
    assert history is not None
    of = history.last_seq
    walls, cpus, written = [], [], []
    for _ in range(appends):
        io_before = _wchar()
        cpu, start = time.process_time(), time.perf_counter()
        records.append(repo, "checkout", "dev", "approved", "bench", of=of)
        walls.append((time.perf_counter() - start) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
        written.append(_wchar() - io_before)
    return statistics.median(walls), statistics.median(cpus), statistics.median(written)


def _wchar() -> int:
    with open("/proc/self/io", encoding="ascii") as handle:
        return int(next(line for line in handle if line.startswith("wchar:")).split()[1])


def append_table(root: Path, sizes: list[int], appends: int) -> None:
    print(f"\nrecords.append in process, median of {appends} (each: lock, tail, write, fsync)")
    print(
        f"{'entries':>8}  {'file':>8}  {'wall':>9} {'ratio':>7} {'CPU':>9} {'ratio':>7} {'bytes written':>14}"
    )
    base = None
    for entries in [1, *sizes]:
        repo = write_repo(root, entries)
        size = (repo / "deployments" / "dev.yaml").stat().st_size
        inode = (repo / "deployments" / "dev.yaml").stat().st_ino
        wall, cpu, written = append_cost(repo, appends)
        same = (repo / "deployments" / "dev.yaml").stat().st_ino == inode
        base = base or (wall, cpu)
        print(
            f"{entries:>8}  {size / 2**20:>6.1f}MB  {wall:>6.2f} ms {wall / base[0]:>6.2f}x "
            f"{cpu:>6.2f} ms {cpu / base[1]:>6.2f}x {written:>14.0f}  "
            + ("appended in place" if same else "file replaced")
        )
        shutil.rmtree(repo)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, nargs="+", default=[20000, 200000])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--appends", type=int, default=50)
    parser.add_argument("--launchgen", default=shutil.which("launchgen") or "launchgen")
    parser.add_argument(
        "--appends-only", action="store_true", help="only the in-process append table"
    )
    args = parser.parse_args()
    if args.appends_only:
        with tempfile.TemporaryDirectory(prefix="launchgen-records-bench-") as tmp:
            append_table(Path(tmp), args.entries, args.appends)
        return
    lg = [args.launchgen]
    helm = shutil.which("helm") or "/bin/true"
    with tempfile.TemporaryDirectory(prefix="launchgen-records-bench-") as tmp:
        root = Path(tmp)
        base = median_of([*lg, "--version"], args.runs)
        print(
            f"launchgen --version: wall {base[0] * 1000:.0f} ms, CPU {base[1] * 1000:.0f} ms, {base[2]} MB "
            f"(python {sys.version.split()[0]}, median of {args.runs})"
        )
        print(
            f"{'entries':>8}  {'file':>8}  {'command':34} {'wall':>9} {'ratio':>7} {'vs base':>10} "
            f"{'CPU':>9} {'ratio':>7} {'peak RSS':>9}"
        )
        print(row(0, 0, "--version", base, base))
        for entries in args.entries:
            repo = write_repo(root, entries)
            size = (repo / "deployments" / "dev.yaml").stat().st_size
            common = [
                "--properties",
                str(repo),
                "--helm",
                helm,
                "--kubectl",
                "/bin/false",
                "--by",
                "bench",
            ]
            commands = {
                "status --dry-run": ["status", "--dry-run", *common],
                "status --format version": ["status", "--format", "version", *common],
                "approve --dry-run": ["approve", "--env", "dev", "--dry-run", *common],
                "reject --dry-run": ["reject", "--env", "dev", "--dry-run", *common],
                "rollback --dry-run": ["rollback", "--env", "dev", "--dry-run", *common],
            }
            for name, command in commands.items():
                print(row(entries, size, name, median_of([*lg, *command], args.runs), base))
            wall, cpu, rss, output = measure([*lg, "approve", "--env", "dev", *common])
            assert "approved 9.9.9" in output, output
            print(row(entries, size, "approve (appends under the lock)", (wall, cpu, rss), base))
            shutil.rmtree(repo)
        append_table(root, args.entries, args.appends)


if __name__ == "__main__":
    main()
