"""Validation speed, end to end (reading and parsing YAML included), in one run:
launchgen validate vs the kubernetes-validate library vs kubeconform, on the same
manifests and, for kubeconform, the same schemas exported in its layout.

    python benchmarks/validate_speed.py [--resources 50714] [--kv-sample 2000]

kubernetes-validate is timed on a sample (it is slow) and compared by rate.
kubeconform: `go install github.com/yannh/kubeconform/cmd/kubeconform@v0.7.0`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(Path(__file__).resolve().parent)]

from validate_corpus import templates, write_corpus  # noqa: E402
from launchgen.validate import ValidateOptions, validate  # noqa: E402
from launchgen.validate.export import export_kubeconform  # noqa: E402
from launchgen.validate.schemas import SchemaStore  # noqa: E402


def _best(runs: int, func) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def bench_launchgen(folder: Path, resources: int, runs: int) -> float:
    def once() -> None:
        result = validate([folder], ValidateOptions())
        assert result.resources == resources and not result.problems, result.problems[:3]

    once()  # compiled validators cached on disk, as on any second run
    return _best(runs, once)


def bench_launchgen_cli(folder: Path) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "launchgen", "validate", str(folder)], check=True, capture_output=True, cwd=ROOT)
    return time.perf_counter() - start


def bench_kubernetes_validate(files: list[Path]) -> tuple[float, int]:
    import yaml
    from kubernetes_validate import utils

    def once() -> int:
        count = 0
        for path in files:
            for doc in yaml.safe_load_all(path.read_text()):
                if doc:
                    utils.validate(doc, "1.35.0", strict=True)
                    count += 1
        return count

    once()
    start = time.perf_counter()
    count = once()
    return time.perf_counter() - start, count


def find_kubeconform() -> str | None:
    found = shutil.which("kubeconform")
    gopath = Path(os.environ.get("GOPATH", Path.home() / "go")) / "bin" / "kubeconform"
    return found or (str(gopath) if gopath.exists() else None)


def bench_kubeconform(binary: str, folder: Path, schemas: Path, resources: int, runs: int) -> float:
    args = [binary, "-strict", "-summary", "-schema-location", f"{schemas}/{{{{ .ResourceKind }}}}{{{{ .KindSuffix }}}}.json",
            str(folder)]

    def once() -> None:
        result = subprocess.run(args, capture_output=True, text=True)
        if result.returncode != 0 or f"Valid: {resources}" not in result.stdout:
            raise SystemExit(f"kubeconform disagrees: {result.stdout[-500:]} {result.stderr[-500:]}")

    once()
    return _best(runs, once)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--resources", type=int, default=50714, help="kubeconform's published corpus size")
    parser.add_argument("--kv-sample", type=int, default=2000, help="resources timed with kubernetes-validate")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        kinds = templates(work)
        files = write_corpus(work / "corpus", args.resources, kinds)
        sample = write_corpus(work / "sample", args.kv_sample, kinds)
        print(f"corpus: {args.resources} resources in {len(files)} files on {os.cpu_count()} cores")

        ours = bench_launchgen(work / "corpus", args.resources, args.runs)
        ours_rate = args.resources / ours
        print(f"launchgen validate (API)      : {ours:7.2f} s  {ours_rate:9.0f} resources/s")
        cli = bench_launchgen_cli(work / "corpus")
        print(f"launchgen validate (CLI, 1 run): {cli:7.2f} s  {args.resources / cli:9.0f} resources/s")

        kv_time, kv_count = bench_kubernetes_validate(sample)
        kv_rate = kv_count / kv_time
        print(f"kubernetes-validate (sample)  : {kv_time:7.2f} s  {kv_rate:9.0f} resources/s ({kv_count} resources)")

        binary = find_kubeconform()
        kc_rate = None
        if binary:
            schemas = work / "kubeconform-schemas"
            export_kubeconform(SchemaStore(), schemas)
            kc = bench_kubeconform(binary, work / "corpus", schemas, args.resources, args.runs)
            kc_rate = args.resources / kc
            print(f"kubeconform v0.7.0            : {kc:7.2f} s  {kc_rate:9.0f} resources/s")
        else:
            print("kubeconform: not installed (go install github.com/yannh/kubeconform/cmd/kubeconform@v0.7.0)")

        print(f"ratio launchgen / kubernetes-validate: {ours_rate / kv_rate:.1f}x (target >= 20x)")
        print(f"launchgen rate: {ours_rate:.0f}/s (target >= 5000/s)")
        if kc_rate:
            print(f"ratio launchgen / kubeconform: {ours_rate / kc_rate:.2f}x (aim: 1.0)")


if __name__ == "__main__":
    main()
