"""Cost as work grows: 1, 10, 100 and 1,000 services, each command against its peer.

    python benchmarks/scale.py [--services 1 10 100 1000] [--runs 3] [--helm helm4]
                               [--only lint,render,validate]

For each size, a monorepo of N generated services (app + properties repo, 4
environments each, as benchmarks/lint_bench.py builds it) is linted, rendered and
validated; every launchgen figure is a ratio against its peer measured in the same run,
the two interleaved round by round:

* lint, cold (empty cache) and warm (the same tree again): `launchgen lint .` against
  yamllint on the same YAML files (`yamllint -f parsable FILE...`);
* render-all: `launchgen render --no-lint` of every properties repo, two ways: one
  process per service (as a pipeline of one repo runs it; each renders its 4
  environments with helm side by side), and one process given every properties repo
  (all their helm runs side by side); against the raw `helm template` calls they stand
  for, one after another;
* validate: `launchgen validate` of everything rendered against kubeconform v0.7.0
  (`-strict`, launchgen's schemas exported in kubeconform's layout).

Each cell: median wall and CPU (user + system of every process, helm's and yamllint's
included) of `--runs` rounds. CPU / wall above 1.0 means more than one core was busy; on
a machine whose cores other work keeps busy, each runnable process gets a like share, so
launchgen's CPU / wall over its peer's (one process at a time) says how many processes
it kept running.
The machine's load average is printed with each size and part: on a shared machine,
compare the ratios (both sides ran under the same load), not the absolute times.
`--only` measures some parts (validate alone renders once, untimed, to have input), so
a large size can be run piecewise.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(Path(__file__).resolve().parent)]

from lint_bench import ENVS, make_monorepo, service_names, yaml_files  # noqa: E402
from validate_speed import find_kubeconform  # noqa: E402

from tests.helpers.tools import tool  # noqa: E402

BIN = Path(sys.executable).parent
PARTS = {"lint", "render", "validate"}


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(step: Callable[[], object]) -> tuple[float, float]:
    cpu, start = _children_cpu(), time.perf_counter()
    step()
    return time.perf_counter() - start, _children_cpu() - cpu


def run(args: list[str], cwd: Path, env: dict[str, str], ok: tuple[int, ...] = (0,)) -> str:
    proc = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True)
    if proc.returncode not in ok:
        raise SystemExit(
            f"{' '.join(args[:4])}... exited {proc.returncode}:\n{proc.stdout[-600:]}{proc.stderr[-600:]}"
        )
    return proc.stdout


def lint_checked(args: list[str], cwd: Path, env: dict[str, str]) -> None:
    """A lint run whose yamllint did all its work (a time-out would make it look cheap)."""
    out = run(args, cwd, env, (0, 1))
    if "yamllint timed out" in out or "yamllint failed" in out:
        raise SystemExit(f"launchgen lint: yamllint did not finish:\n{out[-600:]}")


def medians(samples: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(w for w, _ in samples), statistics.median(c for _, c in samples)


class Table:
    def __init__(self) -> None:
        self.rows: list[str] = [
            "| services | what | peer wall / CPU | launchgen wall / CPU | ratio wall | ratio CPU "
            "| CPU/wall peer, launchgen |",
            "|---:|---|---:|---:|---:|---:|---:|",
        ]

    def add(
        self, services: int, what: str, peer: tuple[float, float], ours: tuple[float, float]
    ) -> None:
        row = (
            f"| {services} | {what} | {peer[0]:.2f} s / {peer[1]:.2f} s | "
            f"{ours[0]:.2f} s / {ours[1]:.2f} s | {ours[0] / peer[0]:.2f}x | "
            f"{ours[1] / peer[1]:.2f}x | {peer[1] / peer[0]:.2f}, {ours[1] / ours[0]:.2f} |"
        )
        self.rows.append(row)
        print(row, flush=True)


def measure_size(
    services: int,
    runs: int,
    work: Path,
    helm: str,
    kubeconform: str | None,
    table: Table,
    only: set[str],
) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE",)}
    cache = work / "cache"
    env["LAUNCHGEN_CACHE_DIR"] = str(cache)
    env["XDG_CACHE_HOME"] = str(work / "xdg")
    mono = make_monorepo(work, services)
    files = yaml_files(mono)
    names = service_names(services)
    print(
        f"# {services} services ({len(files)} YAML files), load average {os.getloadavg()[0]:.1f}",
        flush=True,
    )

    if "lint" in only:
        load("lint")
        measure_lint(services, runs, mono, files, env, cache, table)
    if "render" in only or "validate" in only:
        out = work / "rendered"
        load("render")
        measure_render(services, runs, mono, names, env, helm, out, table, "render" in only)
        if "validate" in only:
            load("validate")
            measure_validate(services, runs, mono, env, work, out, kubeconform, table)


def load(part: str) -> None:
    print(f"# {part}: load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}", flush=True)


def measure_lint(
    services: int,
    runs: int,
    mono: Path,
    files: list[str],
    env: dict[str, str],
    cache: Path,
    table: Table,
) -> None:
    """Cold, then warm right after it (the cache the cold run filled)."""
    yamllint = [str(BIN / "yamllint"), "-f", "parsable", *files]
    lint = [str(BIN / "launchgen"), "lint", "."]
    samples: dict[str, list[tuple[float, float]]] = {"yl": [], "cold": [], "warm": []}
    for _ in range(runs):
        samples["yl"].append(timed(lambda: run(yamllint, mono, env, (0, 1))))
        shutil.rmtree(cache, ignore_errors=True)
        samples["cold"].append(timed(lambda: lint_checked(lint, mono, env)))
        samples["warm"].append(timed(lambda: lint_checked(lint, mono, env)))
    table.add(services, "lint, cold", medians(samples["yl"]), medians(samples["cold"]))
    table.add(services, "lint, warm (cached)", medians(samples["yl"]), medians(samples["warm"]))


def measure_render(
    services: int,
    runs: int,
    mono: Path,
    names: list[str],
    env: dict[str, str],
    helm: str,
    out: Path,
    table: Table,
    timed_rounds: bool,
) -> None:
    """Render-all against the raw helm calls; without `timed_rounds`, one untimed render
    (what validate reads)."""

    def raw() -> None:
        for name in names:
            for environment in ENVS:
                run(
                    [
                        helm,
                        "template",
                        name,
                        str(mono / name),
                        "--namespace",
                        f"{name}-{environment}",
                        "--values",
                        str(mono / f"{name}-properties" / "envs" / environment / "values.yaml"),
                        "--kube-version",
                        "1.35.0",
                        "--include-crds",
                    ],
                    mono,
                    env,
                )

    options = ["--app-version", "1.0.0", "--helm", helm, "--no-lint"]
    render = [str(BIN / "launchgen"), "render"]

    def per_repo() -> None:
        shutil.rmtree(out, ignore_errors=True)
        for name in names:
            run(
                [*render, str(mono / f"{name}-properties"), *options, "-o", str(out / name)],
                mono,
                env,
            )

    def all_in_one() -> None:
        # the same folders: out/<service>/<env>
        shutil.rmtree(out, ignore_errors=True)
        repos = [str(mono / f"{name}-properties") for name in names]
        run([*render, *repos, *options, "-o", str(out)], mono, env)

    if not timed_rounds:
        all_in_one()
        return
    samples: dict[str, list[tuple[float, float]]] = {"raw": [], "per repo": [], "one": []}
    for _ in range(runs):
        samples["raw"].append(timed(raw))
        samples["per repo"].append(timed(per_repo))
        samples["one"].append(timed(all_in_one))
    renders = services * len(ENVS)
    table.add(
        services,
        f"render-all ({renders} renders), one process per repo",
        medians(samples["raw"]),
        medians(samples["per repo"]),
    )
    table.add(
        services,
        f"render-all ({renders} renders), one `launchgen render` of all repos",
        medians(samples["raw"]),
        medians(samples["one"]),
    )


def measure_validate(
    services: int,
    runs: int,
    mono: Path,
    env: dict[str, str],
    work: Path,
    out: Path,
    kubeconform: str | None,
    table: Table,
) -> None:
    """`launchgen validate` of what was rendered against kubeconform."""
    if kubeconform is None:
        print("kubeconform not found: validate skipped", flush=True)
        return
    schemas = work / "kubeconform-schemas"
    if not schemas.exists():
        from launchgen.validate.export import export_kubeconform
        from launchgen.validate.schemas import SchemaStore

        export_kubeconform(SchemaStore(), schemas)
    location = f"{schemas}/{{{{ .ResourceKind }}}}{{{{ .KindSuffix }}}}.json"
    # the manifests only: render's inputs/ copies and render.json are not resources
    theirs = [
        kubeconform,
        "-strict",
        "-summary",
        "-schema-location",
        location,
        "-ignore-filename-pattern",
        "/inputs/",
        "-ignore-filename-pattern",
        r"render\.json$",
        str(out),
    ]
    validate = [str(BIN / "launchgen"), "validate", str(out)]
    samples = {"kc": [], "ours": []}
    for _ in range(runs):
        samples["kc"].append(timed(lambda: run(theirs, mono, env)))
        samples["ours"].append(timed(lambda: run(validate, mono, env)))
    table.add(services, "validate", medians(samples["kc"]), medians(samples["ours"]))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--services", type=int, nargs="+", default=[1, 10, 100, 1000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--helm", choices=["helm4", "helm3"], default="helm4")
    parser.add_argument(
        "--only",
        default="lint,render,validate",
        help="comma-separated parts to measure (lint, render, validate); validate alone "
        "still renders once, untimed",
    )
    args = parser.parse_args()
    only = set(args.only.split(","))
    if not only or only - PARTS:
        parser.error(f"--only takes a comma-separated subset of {', '.join(sorted(PARTS))}")
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(ROOT / "launchgen")],
        check=True,
        stdout=subprocess.DEVNULL,
        env={k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
    )
    helm = str(tool(args.helm))
    kubeconform = find_kubeconform()
    print(f"{os.cpu_count()} CPUs, {args.helm}, median of {args.runs} rounds", flush=True)
    table = Table()
    print("\n".join(table.rows), flush=True)
    with tempfile.TemporaryDirectory(prefix="launchgen-scale-") as tmp:
        for services in args.services:
            work = Path(tmp) / str(services)
            work.mkdir()
            measure_size(services, args.runs, work, helm, kubeconform, table, only)
            shutil.rmtree(work)
    print("\n" + "\n".join(table.rows))


if __name__ == "__main__":
    main()
