"""Benchmark `launchgen lint` against yamllint on the same files (issue 3's speed targets).

    python benchmarks/lint_bench.py [--services 500] [--runs 5] [--write docs/lint-benchmarks.md]

Measures, as wall time of real processes (median of --runs):
1. one values file, as the per-file pre-commit hook lints it: launchgen lint (cold and
   cached) vs yamllint on that file; target: cold within 1.2x of yamllint;
2. a monorepo of N services x 4 environments (app + properties repo each): launchgen
   lint (all rules, yamllint included, cold) vs yamllint alone on the same YAML files;
   target <= 1x; and the second, cached run; target <= 1/10 of the cold run.
Bytecode is compiled first and PYTHONDONTWRITEBYTECODE unset, as in an installed venv.
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

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
ENVS = ("dev", "test", "stage", "prod")


def make_monorepo(into: Path, services: int) -> Path:
    from launchgen.scaffold import Answers, new

    seed = into / "seed"
    new(Answers(kind="app", name="svcseed", environments=ENVS), seed, git=False)
    mono = into / "mono"
    for i in range(services):
        name = f"svc{i:03d}"
        for suffix in ("", "-properties"):
            src, dst = seed / f"svcseed{suffix}", mono / f"{name}{suffix}"
            for path in src.rglob("*"):
                target = dst / path.relative_to(src)
                if path.is_dir():
                    target.mkdir(parents=True, exist_ok=True)
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                data = path.read_bytes()
                if path.suffix != ".tgz":
                    data = data.replace(b"svcseed", name.encode())
                target.write_bytes(data)
    return mono


def yaml_files(mono: Path) -> list[str]:
    from launchgen.lint.contract import is_yaml_path

    files = []
    for repo in sorted(p.parent for p in mono.rglob(".launchgen.yaml")):
        for path in sorted(repo.rglob("*")):
            rel = path.relative_to(repo).as_posix()
            if path.is_file() and is_yaml_path(rel):
                files.append(str(path))
    return files


def timed(args: list[str], env: dict[str, str], cwd: Path, runs: int, before: object = None) -> float:
    samples = []
    for _ in range(runs):
        if callable(before):
            before()
        start = time.perf_counter()
        subprocess.run(args, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--services", type=int, default=500)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--write", type=Path)
    options = parser.parse_args()
    bindir = Path(sys.executable).parent
    launchgen = [str(bindir / "launchgen")] if (bindir / "launchgen").exists() else [sys.executable, "-m", "launchgen"]
    yamllint = [str(bindir / "yamllint")] if (bindir / "yamllint").exists() else [sys.executable, "-m", "yamllint"]
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "launchgen")], check=True,
                   stdout=subprocess.DEVNULL, env={k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"})
    with tempfile.TemporaryDirectory(prefix="launchgen-bench-") as tmp:
        work = Path(tmp)
        cache = work / "cache"
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "GITHUB_ACTIONS")}
        env["LAUNCHGEN_CACHE_DIR"] = str(cache)
        mono = make_monorepo(work, options.services)
        files = yaml_files(mono)
        props = mono / "svc000-properties"
        one = "envs/dev/values.yaml"

        def clear() -> None:
            shutil.rmtree(cache, ignore_errors=True)

        rows = []
        yl_one = timed([*yamllint, one], env, props, options.runs)
        lg_one = timed([*launchgen, "lint", one], env, props, options.runs, before=clear)
        subprocess.run([*launchgen, "lint", one], cwd=props, env=env, stdout=subprocess.DEVNULL)
        lg_one_cached = timed([*launchgen, "lint", one], env, props, options.runs)
        rows += [("one file: yamllint", yl_one, 1.0), ("one file: launchgen lint (cold)", lg_one, lg_one / yl_one),
                 ("one file: launchgen lint (cached)", lg_one_cached, lg_one_cached / yl_one)]
        runs = max(1, options.runs // 2)
        yl_all = timed([*yamllint, "-f", "parsable", *files], env, mono, runs)
        lg_all = timed([*launchgen, "lint", "."], env, mono, runs, before=clear)
        subprocess.run([*launchgen, "lint", "."], cwd=mono, env=env, stdout=subprocess.DEVNULL)
        lg_cached = timed([*launchgen, "lint", "."], env, mono, runs)
        lg_rules = timed([*launchgen, "lint", "--no-yamllint", "--no-cache", "."], env, mono, runs)
        label = f"{options.services} services x {len(ENVS)} envs ({len(files)} YAML files)"
        rows += [(f"{label}: yamllint", yl_all, 1.0), (f"{label}: launchgen lint (cold)", lg_all, lg_all / yl_all),
                 (f"{label}: launchgen lint (cached)", lg_cached, lg_cached / yl_all),
                 (f"{label}: launchgen rules only (no yamllint, no cache)", lg_rules, lg_rules / yl_all)]
        cached_vs_cold = lg_cached / lg_all
    lines = ["| Measurement | Wall time (s) | Ratio to yamllint |", "|---|---|---|"]
    lines += [f"| {name} | {seconds:.3f} | {ratio:.2f}x |" for name, seconds, ratio in rows]
    lines.append(f"\nCached monorepo run / cold run: {cached_vs_cold:.3f} (target <= 0.1). "
                 f"Machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, median of {options.runs} runs "
                 f"({runs} for the monorepo).")
    report = "\n".join(lines) + "\n"
    print(report)
    if options.write:
        options.write.write_text("# launchgen lint benchmarks\n\nMeasured by `python benchmarks/lint_bench.py "
                                 f"--services {options.services} --runs {options.runs}` (see the script for what "
                                 "each row means).\n\n" + report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
