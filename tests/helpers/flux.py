"""A real GitOps engine for the tests: Flux's source-controller and kustomize-controller
(built from their Go modules by scripts/flux/build.sh) run as processes against the
test control plane, with their CRDs installed; and the tools that feed it: oras pushes
artifacts with Flux's media types, cosign signs them, git commits environment branches.

The control plane has no kubelets (kwok plays the nodes), so the engine's health is read
from its objects' status conditions, never from pods.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import os
import subprocess
import tarfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.cluster.fixture import KubeCluster, _load_start
from tests.helpers.tools import TOOLS_DIR, run
from tests.helpers.waiting import wait_for_url

SOURCE_CONTROLLER = TOOLS_DIR / "source-controller"
KUSTOMIZE_CONTROLLER = TOOLS_DIR / "kustomize-controller"
CRDS = TOOLS_DIR / "flux-crds"
ORAS = TOOLS_DIR / "oras"
COSIGN = TOOLS_DIR / "cosign"

# What Flux's OCIRepository reads (fluxcd/pkg/oci): the config and the one layer it
# extracts by default.
CONFIG_MEDIA_TYPE = "application/vnd.cncf.flux.config.v1+json"
CONTENT_MEDIA_TYPE = "application/vnd.cncf.flux.content.v1.tar+gzip"

OCI_REPOSITORY = "ocirepositories.source.toolkit.fluxcd.io"
GIT_REPOSITORY = "gitrepositories.source.toolkit.fluxcd.io"
KUSTOMIZATION = "kustomizations.kustomize.toolkit.fluxcd.io"


def built() -> bool:
    return all(
        p.exists() for p in (SOURCE_CONTROLLER, KUSTOMIZE_CONTROLLER, CRDS / ".version", ORAS)
    )


def condition(obj: dict[str, Any], kind: str) -> dict[str, Any] | None:
    for found in obj.get("status", {}).get("conditions", []):
        if found.get("type") == kind:
            return dict(found)
    return None


@dataclass
class Flux:
    """The running controllers and what a test asks of them."""

    cluster: KubeCluster
    logs: dict[str, Path] = field(default_factory=dict)
    procs: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def apply(self, manifest: str) -> None:
        proc = subprocess.run(
            [str(TOOLS_DIR / "kubectl"), "apply", "-f", "-"],
            input=manifest,
            env=self.cluster.env,
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
        if proc.returncode:
            raise AssertionError(f"kubectl apply failed:\n{proc.stderr}\n{manifest}")

    def get(self, resource: str, name: str, namespace: str) -> dict[str, Any]:
        out = self.cluster.kubectl("get", resource, name, "-n", namespace, "-o", "json")
        found: dict[str, Any] = json.loads(out.stdout)
        return found

    def wait(
        self,
        resource: str,
        name: str,
        namespace: str,
        until: Callable[[dict[str, Any]], bool],
        what: str,
        timeout: float = 180,
    ) -> dict[str, Any]:
        """Poll the object until `until(obj)`; fails with its status and the engine's logs."""
        deadline = time.monotonic() + timeout
        obj: dict[str, Any] = {}
        while time.monotonic() < deadline:
            for name_, proc in self.procs.items():
                if proc.poll() is not None:
                    raise AssertionError(f"{name_} exited ({proc.returncode}):\n{self.tail()}")
            got = self.cluster.kubectl(
                "get", resource, name, "-n", namespace, "-o", "json", check=False
            )
            if got.returncode == 0:
                obj = json.loads(got.stdout)
                if until(obj):
                    return obj
            time.sleep(0.5)
        raise AssertionError(
            f"{resource}/{name}: not {what} after {timeout:.0f}s; status:\n"
            f"{json.dumps(obj.get('status'), indent=1)}\n{self.tail()}"
        )

    def wait_ready(
        self, resource: str, name: str, namespace: str, status: str = "True", timeout: float = 180
    ) -> dict[str, Any]:
        """The object once its Ready condition has `status` for its current generation."""

        def done(obj: dict[str, Any]) -> bool:
            ready = condition(obj, "Ready")
            return (
                ready is not None
                and ready.get("status") == status
                and obj.get("status", {}).get("observedGeneration") == obj["metadata"]["generation"]
            )

        return self.wait(resource, name, namespace, done, f"Ready={status}", timeout)

    def wait_applied(self, name: str, namespace: str, revision: str) -> dict[str, Any]:
        """The Kustomization once it applied `revision` (a digest or commit its
        lastAppliedRevision holds) and what it waited for is healthy."""

        def done(obj: dict[str, Any]) -> bool:
            ready = condition(obj, "Ready")
            applied = obj.get("status", {}).get("lastAppliedRevision", "")
            return revision in applied and bool(ready and ready["status"] == "True")

        return self.wait(KUSTOMIZATION, name, namespace, done, f"applied at {revision}")

    def image(self, deployment: str, namespace: str) -> str:
        """The image of a Deployment's first container, as the engine applied it."""
        out = self.cluster.kubectl("get", "deployment", deployment, "-n", namespace, "-o", "json")
        image: str = json.loads(out.stdout)["spec"]["template"]["spec"]["containers"][0]["image"]
        return image

    def reconcile(self, resource: str, name: str, namespace: str) -> dict[str, Any]:
        """Ask for a reconcile now (what `flux reconcile` does) and return the object once
        the controller handled that request."""
        token = datetime.datetime.now(datetime.UTC).isoformat()
        self.cluster.kubectl(
            "annotate", "--overwrite", resource, name, "-n", namespace,
            f"reconcile.fluxcd.io/requestedAt={token}",
        )  # fmt: skip

        def handled(obj: dict[str, Any]) -> bool:
            status = obj.get("status", {})
            ready = condition(obj, "Ready")
            return (
                status.get("lastHandledReconcileAt") == token
                and ready is not None
                and ready.get("status") != "Unknown"
            )

        return self.wait(resource, name, namespace, handled, "reconciled on request")

    def tail(self, lines: int = 40) -> str:
        parts = []
        for name, path in self.logs.items():
            text = path.read_text(errors="replace").splitlines() if path.exists() else []
            parts.append(f"--- {name} (last {lines} lines)\n" + "\n".join(text[-lines:]))
        return "\n".join(parts)


def _wait_healthy(port: int, proc: subprocess.Popen[bytes], name: str, log: Path) -> None:
    wait_for_url(
        f"http://127.0.0.1:{port}/readyz",
        proc,
        120,
        lambda: AssertionError(
            f"{name} did not become ready:\n{log.read_text(errors='replace')[-4000:]}"
        ),
    )


@contextlib.contextmanager
def run_flux(cluster: KubeCluster, workdir: Path) -> Iterator[Flux]:
    """Install the Flux CRDs, start both controllers watching all namespaces, stop them
    (SIGTERM, then SIGKILL) when done."""
    start = _load_start()
    cluster.kubectl("apply", "--server-side", "--force-conflicts", "-f", str(CRDS))
    cluster.kubectl("wait", "--for=condition=Established", "--timeout=60s", "-f", str(CRDS))
    (workdir / "storage").mkdir(parents=True, exist_ok=True)  # must exist beforehand
    storage_port = start.free_port()
    env = {**cluster.env, "KUBECONFIG": str(cluster.kubeconfig), "HOME": str(workdir)}
    common = [
        "--enable-leader-election=false",
        "--watch-all-namespaces=true",
        "--log-encoding=console",
    ]
    commands = {
        "source-controller": [
            str(SOURCE_CONTROLLER),
            f"--storage-path={workdir / 'storage'}",
            f"--storage-addr=127.0.0.1:{storage_port}",
            f"--storage-adv-addr=127.0.0.1:{storage_port}",
        ],
        "kustomize-controller": [str(KUSTOMIZE_CONTROLLER), "--no-remote-bases=true"],
    }
    flux = Flux(cluster)
    try:
        for name, command in commands.items():
            health = start.free_port()
            log = flux.logs[name] = workdir / f"{name}.log"
            with log.open("wb") as out:
                flux.procs[name] = subprocess.Popen(
                    [
                        *start._die_with_parent(),
                        *command,
                        *common,
                        f"--metrics-addr=127.0.0.1:{start.free_port()}",
                        f"--health-addr=127.0.0.1:{health}",
                    ],
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    env=env,
                    cwd=workdir,
                )
            _wait_healthy(health, flux.procs[name], name, log)
        yield flux
    finally:
        for proc in flux.procs.values():
            proc.terminate()
        for proc in flux.procs.values():
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)


# --- what feeds the engine ------------------------------------------------------------


def tar_manifests(folder: Path, archive: Path) -> Path:
    """The manifests of `folder` as the gzip'd tar Flux extracts (stable order and times,
    so the same files give the same digest)."""

    def clean(info: tarfile.TarInfo) -> tarfile.TarInfo:
        info.mtime, info.uid, info.gid, info.uname, info.gname = 0, 0, 0, "", ""
        return info

    with tarfile.open(archive, "w:gz") as tar:
        for path in sorted(folder.rglob("*")):
            tar.add(path, arcname=str(path.relative_to(folder)), recursive=False, filter=clean)
    return archive


def oras_push(
    reference: str, folder: Path, work: Path, annotations: dict[str, str] | None = None
) -> str:
    """Push `folder`'s manifests as a Flux artifact with the Go oras CLI; returns the
    manifest digest."""
    work.mkdir(parents=True, exist_ok=True)
    tar_manifests(folder, work / "manifests.tar.gz")
    (work / "config.json").write_text("{}")
    args: list[str | Path] = [ORAS, "push", "--plain-http", "--no-tty"]
    for key, value in (annotations or {}).items():
        args += ["--annotation", f"{key}={value}"]
    args += [
        "--config",
        f"config.json:{CONFIG_MEDIA_TYPE}",
        "--format",
        "json",
        "--",
        reference,
        f"manifests.tar.gz:{CONTENT_MEDIA_TYPE}",
    ]
    out = run(args, cwd=work, env=_tool_env(work))
    digest: str = json.loads(out.stdout)["digest"]
    return digest


def oras_copy(source: str, target: str, home: Path) -> None:
    """Copy a manifest (and what it references) from one reference to another."""
    run(
        [ORAS, "cp", "--from-plain-http", "--to-plain-http", "--no-tty", "--", source, target],
        env=_tool_env(home),
    )


def _tool_env(home: Path) -> dict[str, str]:
    return {"HOME": str(home), "PATH": os.environ.get("PATH", "/usr/bin:/bin")}


def cosign_key_pair(folder: Path) -> tuple[Path, Path]:
    """A cosign key pair (cosign.key, cosign.pub) in `folder`, empty password."""
    folder.mkdir(parents=True, exist_ok=True)
    run([COSIGN, "generate-key-pair"], cwd=folder, env={**_tool_env(folder), "COSIGN_PASSWORD": ""})
    return folder / "cosign.key", folder / "cosign.pub"


def cosign_sign(key: Path, reference: str) -> None:
    """Sign `reference` (host/repo@digest) with a key, no transparency log (offline):
    the signature is stored beside it in the registry, as `cosign sign` does."""
    run(
        [
            COSIGN, "sign", "--yes", "--key", key, "--tlog-upload=false",
            "--allow-http-registry", reference,
        ],
        env={**_tool_env(key.parent), "COSIGN_PASSWORD": ""},
    )  # fmt: skip


def cosign_verify(public: Path, reference: str) -> subprocess.CompletedProcess[str]:
    """`cosign verify` with a key, offline: no transparency log, and an empty trusted
    root so cosign does not fetch Sigstore's from the network."""
    home = public.parent
    root = home / "trusted-root.json"
    root.write_text('{"mediaType":"application/vnd.dev.sigstore.trustedroot+json;version=0.1"}')
    return run(
        [
            COSIGN, "verify", "--key", public, "--insecure-ignore-tlog=true",
            "--trusted-root", root, "--allow-http-registry", reference,
        ],
        env=_tool_env(home),
        check=False,
    )  # fmt: skip
