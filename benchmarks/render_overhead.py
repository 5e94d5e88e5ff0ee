"""launchgen render's overhead over the raw helm calls, for a three-environment render,
with helm 4 and helm 3 in one run.

Raw: the `helm template` calls a pipeline script would make, one per environment,
one after another, on the generated app repo (dependencies vendored). launchgen:
`render()` through the Python API, and the `launchgen render` process (with and
without the lint gate), for the same three environments; they also copy the chart,
set the version, split and write the manifests and read both repos' git commits.

The variants run interleaved, N rounds; each is reported as its median and fastest
wall-clock time and its median CPU time (user + system, helm's included): on a busy
machine the fastest run and the CPU time are disturbed far less than the median. The CLI runs with a
bytecode cache (as an installed launchgen has), in a private PYTHONPYCACHEPREFIX.

    python benchmarks/render_overhead.py [--runs 15] [--helm helm4 --helm helm3]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from launchgen import helmargv  # noqa: E402
from launchgen.helm import Helm  # noqa: E402
from launchgen.render import RenderRequest, render  # noqa: E402
from launchgen.scaffold import Answers, new  # noqa: E402
from launchgen.standard import KUBE_VERSION  # noqa: E402
from tests.helpers.tools import tool  # noqa: E402

ENVS = ("dev", "test", "prod")


def _cpu() -> float:
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def measure(runs: int, variants: list[Callable[[], object]]) -> list[tuple[float, float, float]]:
    """(median wall-clock, fastest wall-clock, median CPU) seconds of each variant.

    The variants run interleaved, round after round (after one warm-up round), so a
    change in the machine's load falls on all of them alike."""
    for func in variants:
        func()  # warm the page cache (and the bytecode and helm-version caches)
    walls: list[list[float]] = [[] for _ in variants]
    cpus: list[list[float]] = [[] for _ in variants]
    for _ in range(runs):
        for index, func in enumerate(variants):
            cpu, start = _cpu(), time.perf_counter()
            func()
            walls[index].append(time.perf_counter() - start)
            cpus[index].append(_cpu() - cpu)
    return [
        (statistics.median(w), min(w), statistics.median(c))
        for w, c in zip(walls, cpus, strict=False)
    ]


def bench(helm_name: str, runs: int, work: Path, app: Path, props: Path) -> None:
    helm_bin = str(tool(helm_name))
    with Helm(helm_bin) as helm:
        env = helm.env()
        version = helm.version

        def raw() -> None:
            for name in ENVS:
                subprocess.run(
                    [
                        helm_bin,
                        *helmargv.template(
                            helmargv.Release("checkout", f"checkout-{name}"),
                            app,
                            values=[props / "envs" / name / "values.yaml"],
                            kube_version=KUBE_VERSION,
                        ),
                    ],
                    check=True,
                    capture_output=True,
                    env=env,
                )

        def api() -> None:
            render(
                RenderRequest(
                    properties=str(props),
                    app_version="1.0.0",
                    output_dir=work / f"api-{helm_name}",
                    helm=helm_bin,
                    lint=False,
                )
            )

        cli_env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        cli_env["PYTHONPYCACHEPREFIX"] = str(work / "pycache")

        def cli(*extra: str) -> Callable[[], None]:
            def run() -> None:
                subprocess.run(
                    [
                        sys.executable,
                        "-m",
                        "launchgen",
                        "render",
                        str(props),
                        "--app-version",
                        "1.0.0",
                        "--helm",
                        helm_bin,
                        "-o",
                        str(work / f"cli-{helm_name}"),
                        *extra,
                    ],
                    check=True,
                    capture_output=True,
                    cwd=ROOT,
                    env=cli_env,
                )

            return run

        labels = [
            "raw helm template x3 (sequential)",
            "launchgen render (API, no lint)",
            "launchgen render --no-lint (CLI)",
            "launchgen render (CLI, lint gate)",
        ]
        rows = list(zip(labels, measure(runs, [raw, api, cli("--no-lint"), cli()]), strict=False))
    base_wall, base_best, base_cpu = rows[0][1]
    print(
        f"helm {version}, {len(ENVS)} environments, {runs} interleaved runs: median wall, fastest wall, median CPU"
    )
    for label, (wall, best, cpu) in rows:
        print(
            f"  {label:36s} {wall * 1000:7.1f} ms {wall / base_wall:5.2f}x   fastest {best * 1000:7.1f} ms "
            f"{best / base_best:5.2f}x   cpu {cpu * 1000:7.1f} ms {cpu / base_cpu:5.2f}x"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument(
        "--helm",
        action="append",
        choices=["helm4", "helm3"],
        help="helm to measure (repeatable) [default: helm4 and helm3]",
    )
    args = parser.parse_args()
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        new(Answers(kind="app", name="checkout", environments=ENVS), work)
        for helm_name in args.helm or ["helm4", "helm3"]:
            bench(helm_name, args.runs, work, work / "checkout", work / "checkout-properties")


if __name__ == "__main__":
    main()
