"""The one small interface through which launchgen touches a cluster: helm and kubectl.

Every command that changes a cluster runs through `Cluster`, so `--dry-run` is one
switch: commands are recorded (and printed as the plan) instead of run, and reads
that a plan depends on answer nothing (the plan shows them too).

helm command lines are built by `launchgen.helmargv`; kubectl's are built here.
Release names, namespaces and object names come from records, bundles and helm's own
output, all of which are untrusted: each is checked again right before it becomes an
argument, and positional arguments always follow `--`, so a recorded release such as
`--kubeconfig=evil` can never become an option.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from launchgen import helmargv
from launchgen.display import printable
from launchgen.errors import InvalidNameError, ToolError
from launchgen.helm import Helm, HelmResult, one_line
from launchgen.helmargv import Release
from launchgen.naming import check_namespace, check_release_name

KUBECTL_ENV_VAR = "LAUNCHGEN_KUBECTL"
# kubectl object names as `kubectl get -o name` prints them: kind.group/name.
_OBJECT_NAME = re.compile(
    r"[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?(/[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?)?\Z"
)
_PLACEHOLDER = re.compile(r"<[^<>\n]+>\Z")


def find_kubectl(explicit: str | None = None) -> str:
    chosen = explicit or os.environ.get(KUBECTL_ENV_VAR) or "kubectl"
    found = shutil.which(chosen)
    if not found:
        raise ToolError(
            f"kubectl not found ({chosen}): install it, or pass --kubectl PATH or set ${KUBECTL_ENV_VAR}"
        )
    return found


def check_object_name(name: str) -> str:
    if not _OBJECT_NAME.match(name):
        raise InvalidNameError(f"invalid Kubernetes object name {printable(name)!r}")
    return name


def release_selector(release: str) -> str:
    """The label selector of a release's objects (the release name checked first)."""
    return f"app.kubernetes.io/instance={check_release_name(release)}"


def shown(argv: Sequence[str]) -> str:
    """A command line as it could be pasted into a shell (placeholders left as they are)."""
    return printable(
        " ".join(a if _PLACEHOLDER.match(a) else shlex.quote(a) for a in argv), limit=2000
    )


@dataclass
class Cluster:
    helm: Helm
    kubectl_path: str = "kubectl"
    kubeconfig: str | None = None
    dry_run: bool = False
    plan: list[str] = field(default_factory=list)

    # --- helm -------------------------------------------------------------------

    def release(self, name: str, namespace: str) -> Release:
        """A release on this cluster (its names checked), for `launchgen.helmargv`."""
        return Release(name, namespace, self.kubeconfig)

    def helm_run(self, args: Sequence[str], *, what: str) -> HelmResult:
        """Run a helm command built by `launchgen.helmargv`; in a dry run, plan it."""
        if self.dry_run:
            self.plan.append(shown(self.helm.command(args)))
            return HelmResult(tuple(args), "", "")
        return self.helm.run(args, what=what)

    def helm_read(self, args: Sequence[str], *, what: str) -> str | None:
        """A read-only helm call; None in a dry run (where it is shown in the plan) or when it
        fails (e.g. no such release)."""
        if self.dry_run:
            self.plan.append(shown(self.helm.command(args)))
            return None
        try:
            return self.helm.run(args, what=what).stdout
        except ToolError:
            return None

    def history(self, release: str, namespace: str) -> list[dict[str, Any]]:
        """helm's revisions of `release`, oldest first ([] when unknown or unreadable).

        `helm history -o json` has the same shape in helm 3 and helm 4; only entries with
        an integer revision are kept."""
        out = self.helm_read(
            helmargv.history(self.release(release, namespace)), what="helm history"
        )
        if not out:
            return []
        try:
            data = json.loads(out, strict=False)  # helm passes control characters through
        except ValueError:
            return []
        if not isinstance(data, list):
            return []
        return [
            r
            for r in data
            if isinstance(r, dict)
            and isinstance(r.get("revision"), int)
            and not isinstance(r.get("revision"), bool)
        ]

    # --- kubectl ----------------------------------------------------------------

    def kubectl_args(
        self,
        verb: Sequence[str],
        *,
        flags: Sequence[str] = (),
        names: Sequence[str] = (),
        namespace: str | None = None,
    ) -> list[str]:
        """`kubectl [--kubeconfig K] VERB [--namespace NS] FLAGS [-- NAMES]`, names checked."""
        if namespace is not None:
            check_namespace(namespace)
        for name in names:
            check_object_name(name)
        return [
            self.kubectl_path,
            *(["--kubeconfig", self.kubeconfig] if self.kubeconfig else []),
            *verb,
            *(["--namespace", namespace] if namespace is not None else []),
            *flags,
            *(["--", *names] if names else []),
        ]

    def kubectl(
        self,
        verb: Sequence[str],
        what: str,
        *,
        flags: Sequence[str] = (),
        names: Sequence[str] = (),
        namespace: str | None = None,
        stdin: str | None = None,
    ) -> str:
        argv = self.kubectl_args(verb, flags=flags, names=names, namespace=namespace)
        if self.dry_run:
            self.plan.append(shown(argv) + (" <<manifest" if stdin else ""))
            return ""
        return self._kubectl_exec(argv, what, stdin)

    def kubectl_read(
        self,
        verb: Sequence[str],
        what: str,
        *,
        flags: Sequence[str] = (),
        namespace: str | None = None,
        names: Sequence[str] = (),
    ) -> str | None:
        argv = self.kubectl_args(verb, flags=flags, names=names, namespace=namespace)
        if self.dry_run:
            self.plan.append(shown(argv))
            return None
        try:
            return self._kubectl_exec(argv, what, None)
        except ToolError:
            return None

    @staticmethod
    def _kubectl_exec(argv: list[str], what: str, stdin: str | None) -> str:
        try:
            proc = subprocess.run(
                argv,
                input=stdin,
                capture_output=True,
                text=True,
                encoding="utf-8",
                errors="replace",
                check=False,
                timeout=600,
            )
        except OSError as exc:
            raise ToolError(f"cannot run kubectl at {argv[0]}: {exc.strerror or exc}") from None
        except subprocess.TimeoutExpired:
            raise ToolError(f"{what} timed out") from None
        if proc.returncode != 0:
            raise ToolError(
                f"{what} failed: {printable(one_line(proc.stderr or proc.stdout), limit=500)}"
            )
        return proc.stdout

    def note(self, text: str) -> None:
        """A plan step that is not a command (what launchgen itself will do)."""
        if self.dry_run:
            self.plan.append(f"# {printable(text, limit=500)}")

    def reachable(self) -> bool:
        return self.kubectl_read(["version"], "kubectl version", flags=["-o", "json"]) is not None
