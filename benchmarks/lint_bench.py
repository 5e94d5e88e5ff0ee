"""Benchmark `launchgen lint` against yamllint on the same files (issue 3's speed targets).

    python benchmarks/lint_bench.py [--services 500] [--runs 5] [--one-runs 21] [--write docs/lint-benchmarks.md]
    python benchmarks/lint_bench.py --one-only --one-runs 31   # the pre-commit hook, quiet and loaded

Measures, as wall time of real processes (medians):
1. one values file, as the per-file pre-commit hook lints it: launchgen lint vs yamllint
   on that file, the commands interleaved run after run (--one-runs rounds) so machine
   load hits both alike; target: cold within 1.2x of yamllint. "cold": no cached
   result (the content-hash cache is emptied before each run); "first run": no caches
   at all (compiled schema validators too, as on a fresh machine); "cached": the same
   file again, unchanged. The same rounds run again with a second process busy on a
   CPU (a Python busy loop, `--no-load` to skip), as on a developer's machine with a
   build running: there launchgen's two processes (itself and yamllint) share what is
   left, and the goal is <= 1.0x yamllint's median;
2. a monorepo of N services x 4 environments (app + properties repo each): launchgen
   lint (all rules, yamllint included, cold) vs yamllint alone on the same YAML files;
   target <= 1x; and the second, cached run; target <= 1/10 of the cold run. Also
   interleaved, over ceil(--runs / 2) rounds.
Each row also gives the CPU time (user + system) of the whole process tree: launchgen
runs yamllint in parallel with its own rules, so on a machine whose CPUs are busy with
other work its wall time approaches its CPU time; the CPU ratio is that worst case.
Bytecode is compiled first and PYTHONDONTWRITEBYTECODE unset, as in an installed venv.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
ENVS = ("dev", "test", "stage", "prod")


def make_monorepo(into: Path, services: int) -> Path:
    """N services named svc000.. as `launchgen new` makes them: one generated, copied N times.

    `new` costs about 0.25 s a service (25 minutes of CPU for the benchmarks' sizes); the
    copy renames the seed's name in every file, and `check_like_new` proves the result is
    byte for byte (and mode for mode) what `new` makes for the last name.
    """
    from launchgen.scaffold import Answers, new

    seed = into / "seed"
    new(Answers(kind="app", name=SEED, environments=ENVS), seed, git=False)
    mono = into / "mono"
    names = service_names(services)
    for name in names:
        for suffix in ("", "-properties"):
            src, dst = seed / f"{SEED}{suffix}", mono / f"{name}{suffix}"
            for path in src.rglob("*"):
                target = dst / path.relative_to(src)
                if path.is_dir():
                    target.mkdir(parents=True, exist_ok=True)
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                data = path.read_bytes()
                if path.suffix != ".tgz":
                    data = data.replace(SEED.encode(), name.encode())
                target.write_bytes(data)
                shutil.copymode(path, target)
    shutil.rmtree(seed)
    if names:
        check_like_new(mono, names[-1], into / "fresh")
    return mono


SEED = "svcseed"


def service_names(services: int) -> list[str]:
    return [f"svc{i:03d}" for i in range(services)]


def _tree(root: Path) -> dict[str, tuple[int, bytes]]:
    return {
        path.relative_to(root).as_posix(): (path.stat().st_mode, path.read_bytes())
        for path in root.rglob("*")
        if path.is_file()
    }


def check_like_new(mono: Path, name: str, scratch: Path) -> None:
    """Refuse a copied service that differs from what `launchgen new` makes for its name."""
    from launchgen.scaffold import Answers, new

    new(Answers(kind="app", name=name, environments=ENVS), scratch, git=False)
    try:
        for suffix in ("", "-properties"):
            fresh, copied = _tree(scratch / f"{name}{suffix}"), _tree(mono / f"{name}{suffix}")
            differ = sorted(
                rel for rel in fresh.keys() | copied.keys() if fresh.get(rel) != copied.get(rel)
            )
            if differ:
                raise SystemExit(
                    f"the copied {name}{suffix} differs from `launchgen new`'s in {differ[:5]}"
                )
    finally:
        shutil.rmtree(scratch)


def yaml_files(mono: Path) -> list[str]:
    from launchgen.lint.contract import is_yaml_path

    files = []
    for repo in sorted(p.parent for p in mono.rglob(".launchgen.yaml")):
        for path in sorted(repo.rglob("*")):
            rel = path.relative_to(repo).as_posix()
            if path.is_file() and is_yaml_path(rel):
                files.append(str(path))
    return files


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # waited-for descendants included
    return usage.ru_utime + usage.ru_stime


def interleaved(
    commands: list[tuple[list[str], object]], env: dict[str, str], cwd: Path, rounds: int
) -> list[tuple[float, float]]:
    """Median (wall, CPU) seconds of each (command, prepare) pair, run in turn, round after round."""
    samples: list[list[tuple[float, float]]] = [[] for _ in commands]
    for _ in range(rounds):
        for i, (args, before) in enumerate(commands):
            if callable(before):
                before()
            cpu = _children_cpu()
            start = time.perf_counter()
            subprocess.run(
                args, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            samples[i].append((time.perf_counter() - start, _children_cpu() - cpu))
    return [
        (statistics.median(w for w, _ in s), statistics.median(c for _, c in s)) for s in samples
    ]


@contextlib.contextmanager
def busy_cpu() -> Iterator[subprocess.Popen[bytes]]:
    """A second process spinning on a CPU for as long as the block runs."""
    spinner = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        time.sleep(0.3)
        yield spinner
    finally:
        spinner.kill()
        spinner.wait()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--services", type=int, default=500)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--one-runs", type=int, default=21, help="rounds of the one-file measurements"
    )
    parser.add_argument("--write", type=Path)
    parser.add_argument("--one-only", action="store_true", help="only the one-file rows")
    parser.add_argument("--no-load", action="store_true", help="skip the rows under load")
    options = parser.parse_args()
    bindir = Path(sys.executable).parent
    launchgen = (
        [str(bindir / "launchgen")]
        if (bindir / "launchgen").exists()
        else [sys.executable, "-m", "launchgen"]
    )
    yamllint = (
        [str(bindir / "yamllint")]
        if (bindir / "yamllint").exists()
        else [sys.executable, "-m", "yamllint"]
    )
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(ROOT / "launchgen")],
        check=True,
        stdout=subprocess.DEVNULL,
        env={k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
    )
    with tempfile.TemporaryDirectory(prefix="launchgen-bench-") as tmp:
        work = Path(tmp)
        cache = work / "cache"
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in ("PYTHONDONTWRITEBYTECODE", "GITHUB_ACTIONS")
        }
        env["LAUNCHGEN_CACHE_DIR"] = str(cache)
        xdg = work / "xdg"  # compiled schema validators live here (schemacompile.py)
        env["XDG_CACHE_HOME"] = str(xdg)
        mono = make_monorepo(work, 1 if options.one_only else options.services)
        files = yaml_files(mono)
        props = mono / "svc000-properties"
        one = "envs/dev/values.yaml"

        def clear() -> None:
            shutil.rmtree(cache, ignore_errors=True)

        def clear_all() -> None:
            clear()
            shutil.rmtree(xdg, ignore_errors=True)

        lint_one = [*launchgen, "lint", one]
        one_commands = [
            ([*yamllint, one], None),
            (lint_one, clear),
            (lint_one, clear_all),
            (lint_one, None),
        ]
        one_names = [
            "one file: yamllint",
            "one file: launchgen lint (cold)",
            "one file: launchgen lint (first run: no caches at all)",
            "one file: launchgen lint (cached)",
        ]
        load_before = os.getloadavg()[0]
        one_file = interleaved(one_commands, env, props, options.one_runs)
        rows = list(zip(one_names, one_file, strict=False))
        groups = [rows]
        if not options.no_load:
            with busy_cpu():
                loaded = interleaved(one_commands, env, props, options.one_runs)
            groups.append(
                [
                    (f"{name}, 1 CPU busy", figures)
                    for name, figures in zip(one_names, loaded, strict=False)
                ]
            )
        load_after = os.getloadavg()[0]
        if options.one_only:
            return report(groups, options, f"load average {load_before:.1f} -> {load_after:.1f}")
        runs = -(-options.runs // 2)
        lint_all = [*launchgen, "lint", "."]
        # In this order the cached run follows a cold one, which filled the cache.
        monorepo = interleaved(
            [
                ([*yamllint, "-f", "parsable", *files], None),
                (lint_all, clear),
                (lint_all, None),
                ([*launchgen, "lint", "--no-yamllint", "--no-cache", "."], None),
            ],
            env,
            mono,
            runs,
        )
        label = f"{options.services} services x {len(ENVS)} envs ({len(files)} YAML files)"
        rows_mono = list(
            zip(
                [
                    f"{label}: yamllint",
                    f"{label}: launchgen lint (cold)",
                    f"{label}: launchgen lint (cached)",
                    f"{label}: launchgen rules only (no yamllint, no cache)",
                ],
                monorepo,
                strict=False,
            )
        )
        cached_vs_cold = monorepo[2][0] / monorepo[1][0]
    groups.append(rows_mono)
    return report(
        groups,
        options,
        f"Cached monorepo run / cold run: {cached_vs_cold:.3f} (target <= 0.1). load average "
        f"{load_before:.1f} -> {os.getloadavg()[0]:.1f}",
        runs,
    )


def report(
    groups: list[list[tuple[str, tuple[float, float]]]],
    options: argparse.Namespace,
    note: str,
    runs: int = 0,
) -> int:
    lines = [
        "| Measurement | Wall time (s) | Ratio to yamllint | CPU time (s) | CPU ratio |",
        "|---|---|---|---|---|",
    ]
    for group in groups:
        (_, (yl_wall, yl_cpu)) = group[0]
        lines += [
            f"| {name} | {wall:.3f} | {wall / yl_wall:.2f}x | {cpu:.3f} | {cpu / yl_cpu:.2f}x |"
            for name, (wall, cpu) in group
        ]
    lines.append(
        f"\n{note}. Machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}; medians "
        f"of {options.one_runs} interleaved rounds (one file)"
        + (f" and {runs} (monorepo)." if runs else ".")
    )
    report = "\n".join(lines) + "\n"
    print(report)
    if options.write:
        options.write.write_text(
            "# launchgen lint benchmarks\n\nMeasured by `python benchmarks/lint_bench.py "
            f"--services {options.services} --runs {options.runs} --one-runs {options.one_runs}` "
            "(see the script for what each row means).\n\n" + report
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
