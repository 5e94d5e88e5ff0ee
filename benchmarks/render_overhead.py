"""launchgen render's overhead over the raw helm calls, for a three-environment render,
with helm 4 and helm 3 in one run.

Raw: the `helm template` calls a pipeline script would make, one per environment,
one after another, on the generated app repo (dependencies vendored). launchgen:
`render()` through the Python API, and the `launchgen render` process (with and
without the lint gate), for the same three environments; they also copy the chart,
set the version, split and write the manifests and read both repos' git commits.

Each figure is the median of N runs: wall-clock time, and CPU time (user + system,
helm's included), which a busy machine disturbs far less. The CLI runs with a
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

from launchgen.helm import Helm  # noqa: E402
from launchgen.render import RenderRequest, render  # noqa: E402
from launchgen.scaffold import Answers, new  # noqa: E402
from tests.helpers.tools import tool  # noqa: E402

ENVS = ("dev", "test", "prod")


def _cpu() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def measure(runs: int, func: Callable[[], object]) -> tuple[float, float]:
    """(median wall-clock seconds, median CPU seconds) of `runs` calls, after a warm-up."""
    func()  # warm the page cache (and the bytecode and helm-version caches)
    walls, cpus = [], []
    for _ in range(runs):
        cpu, start = _cpu(), time.perf_counter()
        func()
        walls.append(time.perf_counter() - start)
        cpus.append(_cpu() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def bench(helm_name: str, runs: int, work: Path, app: Path, props: Path) -> None:
    helm_bin = str(tool(helm_name))
    with Helm(helm_bin) as helm:
        env = helm.env()
        version = helm.version

        def raw() -> None:
            for name in ENVS:
                subprocess.run([helm_bin, "template", "checkout", str(app), "--namespace", f"checkout-{name}",
                                "--values", str(props / "envs" / name / "values.yaml"), "--kube-version", "1.35.0",
                                "--include-crds"], check=True, capture_output=True, env=env)

        def api() -> None:
            render(RenderRequest(properties=str(props), app_version="1.0.0", output_dir=work / f"api-{helm_name}",
                                 helm=helm_bin, lint=False))

        cli_env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        cli_env["PYTHONPYCACHEPREFIX"] = str(work / "pycache")

        def cli(*extra: str) -> Callable[[], None]:
            def run() -> None:
                subprocess.run([sys.executable, "-m", "launchgen", "render", str(props), "--app-version", "1.0.0",
                                "--helm", helm_bin, "-o", str(work / f"cli-{helm_name}"), *extra], check=True,
                               capture_output=True, cwd=ROOT, env=cli_env)
            return run

        rows = [("raw helm template x3 (sequential)", measure(runs, raw))]
        rows.append(("launchgen render (API, no lint)", measure(runs, api)))
        rows.append(("launchgen render --no-lint (CLI)", measure(runs, cli("--no-lint"))))
        rows.append(("launchgen render (CLI, lint gate)", measure(runs, cli())))
    base_wall, base_cpu = rows[0][1]
    print(f"helm {version}, {len(ENVS)} environments, median of {runs} runs")
    for label, (wall, cpu) in rows:
        print(f"  {label:36s} {wall * 1000:7.1f} ms {wall / base_wall:5.2f}x   cpu {cpu * 1000:7.1f} ms "
              f"{cpu / base_cpu:5.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--helm", action="append", choices=["helm4", "helm3"],
                        help="helm to measure (repeatable) [default: helm4 and helm3]")
    args = parser.parse_args()
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        new(Answers(kind="app", name="checkout", environments=ENVS), work)
        for helm_name in args.helm or ["helm4", "helm3"]:
            bench(helm_name, args.runs, work, work / "checkout", work / "checkout-properties")


if __name__ == "__main__":
    main()
