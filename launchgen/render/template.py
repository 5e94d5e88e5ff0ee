"""`helm template` runs, side by side (each environment and chart is independent)."""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from launchgen import helmargv
from launchgen.helm import Helm
from launchgen.render.chart import PreparedChart
from launchgen.render.split import Resource, parse


@dataclass(frozen=True)
class TemplateJob:
    environment: str
    part: str  # "app" (the umbrella or vendor chart) or "data" (the data chart)
    chart: PreparedChart
    release: str
    namespace: str
    values: Path
    # What helm sets with --set-string for this run (the sops secrets' digest).
    set_strings: tuple[tuple[str, str], ...] = ()

    def args(self, kube_version: str) -> list[str]:
        return helmargv.template(
            helmargv.Release(self.release, self.namespace),
            self.chart.path,
            values=[self.values],
            kube_version=kube_version,
            set_strings=dict(self.set_strings),
        )


def template_all(
    helm: Helm,
    jobs: Sequence[TemplateJob],
    kube_version: str,
    parallel: int,
    meanwhile: Callable[[], None] | None = None,
) -> list[list[Resource]]:
    """Every job's resources, in the jobs' order, up to `parallel` helm runs at once.

    `meanwhile` runs once the first helm runs have started (the lint gate: Python work
    that overlaps helm's); if it raises, the helm runs are stopped and nothing is kept."""
    pending = list(enumerate(jobs))
    running: list[tuple[int, TemplateJob, subprocess.Popen[str]]] = []
    done: list[list[Resource]] = [[] for _ in jobs]
    try:
        while pending or running:
            while pending and len(running) < max(1, parallel):
                index, job = pending.pop(0)
                running.append((index, job, helm.start(job.args(kube_version))))
            if meanwhile is not None:
                task: Callable[[], None] = meanwhile
                meanwhile = None
                task()
            index, job, proc = running.pop(0)
            what = f"helm template of {job.chart.name} for {job.environment}"
            done[index] = parse(helm.finish(proc, what), what)
    finally:
        for _, _, proc in running:  # a failure leaves the others: stop them, reap them
            proc.kill()
            proc.communicate()
    return done
