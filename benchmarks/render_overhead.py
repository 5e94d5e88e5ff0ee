"""launchgen render's overhead over the raw helm calls, for a three-environment render.

Raw: the `helm template` calls a pipeline script would make, one per environment,
one after another, on the generated app repo (dependencies vendored). launchgen:
`render()` for the same three environments (lint off: lint is measured on its own),
which also copies the chart, sets the version, splits and writes the manifests and
reads both repos' git commits. Median of N runs each, in one process run.

    python benchmarks/render_overhead.py [--runs 15] [--helm helm4]
"""

from __future__ import annotations

import argparse
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


def median_time(runs: int, func: Callable[[], object]) -> float:
    func()  # warm the page cache
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--helm", default="helm4", choices=["helm4", "helm3"])
    args = parser.parse_args()
    helm_bin = str(tool(args.helm))
    with tempfile.TemporaryDirectory() as tmp, Helm(helm_bin) as helm:
        work = Path(tmp)
        new(Answers(kind="app", name="checkout", environments=ENVS), work)
        app, props = work / "checkout", work / "checkout-properties"
        env = helm.env()

        def raw() -> None:
            for name in ENVS:
                subprocess.run([helm_bin, "template", "checkout", str(app), "--namespace", f"checkout-{name}",
                                "--values", str(props / "envs" / name / "values.yaml"), "--kube-version", "1.35.0",
                                "--include-crds"], check=True, capture_output=True, env=env)

        def ours(lint: bool = False) -> None:
            render(RenderRequest(properties=str(props), app_version="1.0.0", output_dir=work / "out",
                                 helm=helm_bin, lint=lint))

        def cli() -> None:
            subprocess.run([sys.executable, "-m", "launchgen", "render", str(props), "--app-version", "1.0.0",
                            "--no-lint", "--helm", helm_bin, "-o", str(work / "cli-out")], check=True,
                           capture_output=True, cwd=ROOT)

        raw_t = median_time(args.runs, raw)
        ours_t = median_time(args.runs, ours)
        cli_t = median_time(max(3, args.runs // 3), cli)
        lint_t = median_time(max(3, args.runs // 3), lambda: ours(lint=True))
        print(f"helm {helm.version}, {len(ENVS)} environments, median of {args.runs} runs")
        print(f"raw helm template x3 (sequential): {raw_t * 1000:7.1f} ms")
        print(f"launchgen render (API)           : {ours_t * 1000:7.1f} ms  overhead {ours_t / raw_t - 1:+.0%} (target <= +30%)")
        print(f"launchgen render (CLI process)   : {cli_t * 1000:7.1f} ms  overhead {cli_t / raw_t - 1:+.0%}")
        print(f"launchgen render with lint (API) : {lint_t * 1000:7.1f} ms")


if __name__ == "__main__":
    main()
