"""Validation speed and memory, CLI against CLI: `launchgen validate` and kubeconform
v0.7.0 side by side in one run, on the same files and the same schemas (exported in
kubeconform's layout, so both check exactly the same thing offline).

    python benchmarks/validate_speed.py [--resources 20000] [--runs 5] [--memory-mb 50]

Two corpora of `--resources` resources in files of ten: all valid, and every fifth
resource with an unknown field (each a problem to report). Runs alternate between the
tools so load from other processes falls on both alike; medians are reported, with
each tool's CPU time (user + system, its worker processes and threads included).
Both tools get one warm-up run (launchgen keeps its compiled validators on disk, as
on any second run). The ratio is kubeconform's time over launchgen's: above 1.0,
launchgen is faster.

Memory: a `--memory-mb` MB manifest (a stream of the same resources) and one
document of that size, validated by the CLI; the peak resident memory is sampled for
the whole process tree (workers included), and the largest single process is
reported too.

kubeconform: scripts/install-go-tool.sh kubeconform github.com/yannh/kubeconform/cmd/kubeconform v0.7.0
(or anywhere on PATH). `--kv-sample N` also times the kubernetes-validate library on
N resources, when it is installed (`pip install '.[bench]'`).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(Path(__file__).resolve().parent)]

from validate_corpus import templates, write_corpus  # noqa: E402

from launchgen.validate.export import export_kubeconform  # noqa: E402
from launchgen.validate.schemas import SchemaStore  # noqa: E402

LAUNCHGEN = [sys.executable, "-m", "launchgen", "validate"]


def find_kubeconform() -> str | None:
    tools = (
        Path(os.environ.get("LAUNCHGEN_TOOLS", Path.home() / ".cache" / "launchgen-dev" / "bin"))
        / "kubeconform"
    )
    gopath = Path(os.environ.get("GOPATH", Path.home() / "go")) / "bin" / "kubeconform"
    for candidate in (shutil.which("kubeconform"), tools, gopath):
        if candidate and Path(candidate).exists():
            return str(candidate)
    return None


def spoil(template: str) -> str:
    """The resource with an unknown field (strict validation refuses it)."""
    return template.replace("metadata:\n", "metadata:\n  colour: blue\n", 1)


def run(args: list[str], expect: int) -> tuple[float, float, str]:
    """(wall seconds, CPU seconds, stdout) of one run; the exit code must be `expect`."""
    before = os.times()
    start = time.perf_counter()
    proc = subprocess.run(args, capture_output=True, text=True, cwd=ROOT)
    wall = time.perf_counter() - start
    after = os.times()
    if proc.returncode != expect:
        raise SystemExit(
            f"{args[:4]}... exited {proc.returncode}, expected {expect}:\n"
            f"{proc.stdout[-800:]}\n{proc.stderr[-800:]}"
        )
    cpu = (after.children_user - before.children_user) + (
        after.children_system - before.children_system
    )
    return wall, cpu, proc.stdout


def check_counts(tool: str, out: str, resources: int, invalid: int) -> None:
    if tool == "kubeconform":
        match = re.search(r"Valid: (\d+), Invalid: (\d+), Errors: (\d+)", out)
        counts = (int(match[1]), int(match[2]) + int(match[3])) if match else None
        expected = (resources - invalid, invalid)
    else:
        errors = re.search(r"Found (\d+) errors?", out)
        valid = re.search(r"(\d+) resources in \d+ files valid", out)
        counts = (int(errors[1]) if errors else 0) if invalid else (int(valid[1]) if valid else 0)
        expected = invalid or resources
    if counts != expected:
        raise SystemExit(f"{tool} disagrees: expected {expected}, got {counts}:\n{out[-600:]}")


def compare(
    kubeconform: str, schemas: Path, corpora: dict[str, tuple[Path, int]], resources: int, runs: int
) -> dict[str, dict[str, list[tuple[float, float]]]]:
    location = f"{schemas}/{{{{ .ResourceKind }}}}{{{{ .KindSuffix }}}}.json"
    timings: dict[str, dict[str, list[tuple[float, float]]]] = {
        name: {"kubeconform": [], "launchgen": []} for name in corpora
    }
    for round_ in range(runs + 1):  # the first round warms both up and is not counted
        for name, (folder, invalid) in corpora.items():
            expect = 1 if invalid else 0
            order = [
                (
                    "kubeconform",
                    [kubeconform, "-strict", "-summary", "-schema-location", location, str(folder)],
                ),
                ("launchgen", [*LAUNCHGEN, str(folder)]),
            ]
            if round_ % 2:
                order.reverse()
            for tool, args in order:
                wall, cpu, out = run(args, expect)
                check_counts(tool, out, resources, invalid)
                if round_:
                    timings[name][tool].append((wall, cpu))
    return timings


class TreeMemory:
    """Peak resident memory of a process and its descendants, sampled from /proc."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak, self._stop = pid, 0, threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _tree(self) -> list[int]:
        pids, todo = [], [self.pid]
        while todo:
            pid = todo.pop()
            pids.append(pid)
            try:
                children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
            except OSError:
                continue
            todo.extend(int(child) for child in children)
        return pids

    def _sample(self) -> None:
        while not self._stop.is_set():
            total = 0
            for pid in self._tree():
                try:
                    status = Path(f"/proc/{pid}/status").read_text()
                except OSError:
                    continue
                match = re.search(r"VmRSS:\s+(\d+) kB", status)
                total += int(match[1]) * 1024 if match else 0
            self.peak = max(self.peak, total)
            time.sleep(0.01)

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak


def peak_memory(args: list[str]) -> tuple[int, int, float]:
    """(peak bytes of the process tree, of its largest process, wall seconds) of one run."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT)
    sampler = TreeMemory(proc.pid)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    tree = sampler.stop()
    if proc.returncode not in (0, 1):
        raise SystemExit(
            f"{args} failed: {proc.stderr.read().decode()[-500:] if proc.stderr else ''}"
        )
    return max(tree, usage.ru_maxrss * 1024), usage.ru_maxrss * 1024, time.perf_counter() - start


def write_big(path: Path, kinds: list[str], megabytes: int) -> int:
    size, count = megabytes << 20, 0
    with path.open("w") as handle:
        written = 0
        while written < size:
            text = "---\n" + kinds[count % len(kinds)].format(i=count).strip("\n") + "\n"
            handle.write(text)
            written += len(text)
            count += 1
    return count


def write_big_document(path: Path, megabytes: int) -> None:
    with path.open("w") as handle:
        handle.write("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n")
        line = 0
        while handle.tell() < megabytes << 20:
            handle.write(f"  key-{line:08d}: value {line} of a large configuration map\n")
            line += 1


def kubernetes_validate_rate(files: list[Path]) -> float | None:
    try:
        import yaml
        from kubernetes_validate import utils
    except ImportError:
        return None
    count, start = 0, time.perf_counter()
    for path in files:
        for doc in yaml.safe_load_all(path.read_text()):
            if doc:
                utils.validate(doc, "1.35.0", strict=True)
                count += 1
    return count / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--resources", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--memory-mb", type=int, default=50)
    parser.add_argument(
        "--kv-sample",
        type=int,
        default=0,
        help="resources timed with kubernetes-validate (0: skip)",
    )
    args = parser.parse_args()
    kubeconform = find_kubeconform()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        kinds = templates(work)
        write_corpus(work / "valid", args.resources, kinds)
        spoiled = [
            kinds[i % len(kinds)] if i % 5 else spoil(kinds[i % len(kinds)])
            for i in range(5 * len(kinds))
        ]
        write_corpus(work / "invalid", args.resources, spoiled)
        invalid = sum(1 for i in range(args.resources) if (i % len(spoiled)) % 5 == 0)
        print(
            f"corpora: {args.resources} resources in {args.resources // 10} files each; {invalid} invalid in the "
            f"second; {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the start"
        )
        if kubeconform:
            schemas = work / "kubeconform-schemas"
            export_kubeconform(SchemaStore(), schemas)
            corpora = {
                "all valid": (work / "valid", 0),
                "every 5th invalid": (work / "invalid", invalid),
            }
            timings = compare(kubeconform, schemas, corpora, args.resources, args.runs)
            for name, tools in timings.items():
                medians = {
                    tool: (
                        statistics.median(w for w, _ in runs),
                        statistics.median(c for _, c in runs),
                    )
                    for tool, runs in tools.items()
                }
                kc, lg = medians["kubeconform"], medians["launchgen"]
                print(
                    f"{name:18}: kubeconform {kc[0]:6.2f} s wall ({args.resources / kc[0]:7.0f}/s), {kc[1]:6.2f} s CPU"
                    f" | launchgen {lg[0]:6.2f} s wall ({args.resources / lg[0]:7.0f}/s), {lg[1]:6.2f} s CPU"
                    f" | ratio {kc[0] / lg[0]:.2f}x wall, {kc[1] / lg[1]:.2f}x CPU"
                    f"  (median of {args.runs}; walls {', '.join(f'{w:.2f}' for w, _ in tools['launchgen'])}"
                    f" vs {', '.join(f'{w:.2f}' for w, _ in tools['kubeconform'])})"
                )
        else:
            print(
                "kubeconform: not installed (scripts/install-go-tool.sh kubeconform "
                "github.com/yannh/kubeconform/cmd/kubeconform v0.7.0)"
            )
        if args.memory_mb:
            stream = work / "big-stream.yaml"
            count = write_big(stream, kinds, args.memory_mb)
            document = work / "big-document.yaml"
            write_big_document(document, args.memory_mb)
            for label, path, extra in (
                ("stream", stream, []),
                ("stream, -j1", stream, ["-j1"]),
                ("one document", document, []),
            ):
                tree, single, wall = peak_memory([*LAUNCHGEN, *extra, str(path)])
                print(
                    f"memory, {args.memory_mb} MB {label:12}: peak {tree / 2**20:6.0f} MiB for the process tree, "
                    f"{single / 2**20:6.0f} MiB the largest process, {wall:.1f} s"
                    + (f" ({count} resources)" if "stream" in label else "")
                )
        if args.kv_sample:
            sample = write_corpus(work / "sample", args.kv_sample, kinds)
            rate = kubernetes_validate_rate(sample)
            print(
                f"kubernetes-validate: {rate:.0f} resources/s"
                if rate
                else "kubernetes-validate: not installed"
            )
        print(f"load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
