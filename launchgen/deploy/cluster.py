"""The one small interface through which launchgen touches a cluster: helm and kubectl.

Every command that changes a cluster runs through `Cluster`, so `--dry-run` is one
switch: commands are recorded (and printed as the plan) instead of run, and reads
that a plan depends on answer from the records alone.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from launchgen.errors import ToolError
from launchgen.helm import Helm, HelmResult, one_line

KUBECTL_ENV_VAR = "LAUNCHGEN_KUBECTL"


def find_kubectl(explicit: str | None = None) -> str:
    chosen = explicit or os.environ.get(KUBECTL_ENV_VAR) or "kubectl"
    found = shutil.which(chosen)
    if not found:
        raise ToolError(f"kubectl not found ({chosen}): install it, or pass --kubectl PATH or set ${KUBECTL_ENV_VAR}")
    return found


@dataclass
class Cluster:
    helm: Helm
    kubectl_path: str = "kubectl"
    kubeconfig: str | None = None
    dry_run: bool = False
    plan: list[str] = field(default_factory=list)

    # --- helm -------------------------------------------------------------------

    def _helm_args(self, args: Sequence[str]) -> list[str]:
        return [*args, *(["--kubeconfig", self.kubeconfig] if self.kubeconfig else [])]

    def helm_run(self, args: Sequence[str], what: str) -> HelmResult:
        full = self._helm_args(args)
        if self.dry_run:
            self.plan.append(" ".join(self.helm.command(full)))
            return HelmResult(tuple(full), "", "")
        return self.helm.run(full, what=what)

    def helm_read(self, args: Sequence[str], what: str) -> str | None:
        """A read-only helm call; None in a dry run or when it fails (e.g. no such release)."""
        if self.dry_run:
            return None
        try:
            return self.helm.run(self._helm_args(args), what=what).stdout
        except ToolError:
            return None

    def history(self, release: str, namespace: str) -> list[dict[str, Any]]:
        out = self.helm_read(["history", release, "-n", namespace, "-o", "json"], "helm history")
        return list(json.loads(out)) if out else []

    # --- kubectl ----------------------------------------------------------------

    def _kubectl_argv(self, args: Sequence[str]) -> list[str]:
        return [self.kubectl_path, *(["--kubeconfig", self.kubeconfig] if self.kubeconfig else []), *args]

    def kubectl(self, args: Sequence[str], what: str, stdin: str | None = None) -> str:
        argv = self._kubectl_argv(args)
        if self.dry_run:
            self.plan.append(" ".join(argv) + (" <<manifest" if stdin else ""))
            return ""
        return self._kubectl_exec(argv, what, stdin)

    def kubectl_read(self, args: Sequence[str], what: str) -> str | None:
        if self.dry_run:
            return None
        try:
            return self._kubectl_exec(self._kubectl_argv(args), what, None)
        except ToolError:
            return None

    @staticmethod
    def _kubectl_exec(argv: list[str], what: str, stdin: str | None) -> str:
        try:
            proc = subprocess.run(argv, input=stdin, capture_output=True, text=True, check=False, timeout=600)
        except OSError as exc:
            raise ToolError(f"cannot run kubectl at {argv[0]}: {exc.strerror or exc}") from None
        except subprocess.TimeoutExpired:
            raise ToolError(f"{what} timed out") from None
        if proc.returncode != 0:
            raise ToolError(f"{what} failed: {one_line(proc.stderr or proc.stdout)}")
        return proc.stdout

    def note(self, text: str) -> None:
        """A plan step that is not a command (what launchgen itself will do)."""
        if self.dry_run:
            self.plan.append(f"# {text}")

    def reachable(self) -> bool:
        return self.kubectl_read(["version", "-o", "json"], "kubectl version") is not None
