"""Start and stop a real Kubernetes control plane on 127.0.0.1 for tests.

Runs etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kwok (which
plays the nodes: it makes them Ready and marks scheduled pods Ready, no kubelet or
container runtime involved) from the binaries that scripts/cluster/build.sh caches.

By hand:  python scripts/cluster/start.py --kubeconfig /tmp/kc   (runs until Ctrl-C)
From Python (the pytest fixture does this):

    cp = ControlPlane(find_bin_dir())
    cp.start()          # writes cp.kubeconfig
    ...
    cp.stop()

Only the standard library and `cryptography` (for the certificates) are used.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import datetime
import ipaddress
import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Self

BINARIES = (
    "etcd",
    "kube-apiserver",
    "kube-controller-manager",
    "kube-scheduler",
    "kwok",
)
SERVICE_CIDR = "10.96.0.0/16"
POD_CIDR = "10.244.0.0/16"
# Extra kwok Stage configs kept in the repository (scripts/cluster/stages/*.yaml).
EXTRA_STAGES = sorted(Path(__file__).resolve().with_name("stages").glob("*.yaml"))


def cache_dir() -> Path:
    env = os.environ.get("LAUNCHGEN_CLUSTER_CACHE")
    return Path(env) if env else Path.home() / ".cache" / "launchgen-dev" / "cluster"


def _version_key(path: Path) -> tuple[int, ...]:
    parts = path.parent.name.lstrip("v").split(".")
    return tuple(int(p) if p.isdigit() else -1 for p in parts)


def find_bin_dir() -> Path | None:
    """Newest complete bin dir in the cache (build.sh writes `.complete` last)."""
    found = [p.parent for p in cache_dir().glob("v*/bin/.complete")]
    found = [p for p in found if (p / "kwok-stages.yaml").exists()]
    return max(found, key=_version_key) if found else None


def build(script: Path | None = None) -> Path:
    """Run build.sh (a cold build takes tens of minutes) and return its bin dir."""
    script = script or Path(__file__).with_name("build.sh")
    out = subprocess.run(["bash", str(script)], check=True, stdout=subprocess.PIPE, text=True)
    return Path(out.stdout.strip().splitlines()[-1])


def free_port() -> int:
    # Ask the OS for an unused port; the tiny race until the server binds it is
    # acceptable for a test cluster.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# --- certificates ---------------------------------------------------------------


def _write_pki(d: Path) -> None:
    """CA, API server serving cert, client certs and the service-account key."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=5)
    later = now + datetime.timedelta(days=7)

    def key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
        return key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )

    def name(cn: str, org: str | None = None) -> x509.Name:
        attrs = [x509.NameAttribute(NameOID.COMMON_NAME, cn)]
        if org:
            attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, org))
        return x509.Name(attrs)

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder()
        .subject_name(name("launchgen-test-ca"))
        .issuer_name(name("launchgen-test-ca"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(later)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                key_cert_sign=True,
                crl_sign=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(ca_key, hashes.SHA256())
    )
    (d / "ca.crt").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    (d / "ca.key").write_bytes(key_pem(ca_key))

    def issue(stem: str, subject: x509.Name, usage: Any, sans: list[x509.GeneralName]) -> None:
        key = ec.generate_private_key(ec.SECP256R1())
        b = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(ca.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now)
            .not_valid_after(later)
            .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
        )
        if sans:
            b = b.add_extension(x509.SubjectAlternativeName(sans), critical=False)
        cert = b.sign(ca_key, hashes.SHA256())
        (d / f"{stem}.crt").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        (d / f"{stem}.key").write_bytes(key_pem(key))

    service_ip = ipaddress.IPv4Address(next(ipaddress.IPv4Network(SERVICE_CIDR).hosts()))
    issue(
        "apiserver",
        name("kube-apiserver"),
        ExtendedKeyUsageOID.SERVER_AUTH,
        [
            x509.DNSName("localhost"),
            x509.DNSName("kubernetes"),
            x509.DNSName("kubernetes.default"),
            x509.DNSName("kubernetes.default.svc"),
            x509.DNSName("kubernetes.default.svc.cluster.local"),
            x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
            x509.IPAddress(service_ip),
        ],
    )
    # One identity per component, so the default RBAC bootstrap roles apply as in a
    # real cluster; admin is in system:masters.
    clients = {
        "admin": ("launchgen-admin", "system:masters"),
        "controller-manager": ("system:kube-controller-manager", None),
        "scheduler": ("system:kube-scheduler", None),
        "kwok": ("kwok-controller", "system:masters"),
    }
    for stem, (cn, org) in clients.items():
        issue(stem, name(cn, org), ExtendedKeyUsageOID.CLIENT_AUTH, [])

    sa_key = ec.generate_private_key(ec.SECP256R1())
    (d / "sa.key").write_bytes(key_pem(sa_key))
    (d / "sa.pub").write_bytes(
        sa_key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )


def _b64(path: Path) -> str:
    return base64.b64encode(path.read_bytes()).decode()


def write_kubeconfig(path: Path, server: str, pki: Path, user: str) -> None:
    """A self-contained kubeconfig (certs embedded) so it can be copied anywhere."""
    config = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [
            {
                "name": "launchgen-test",
                "cluster": {
                    "server": server,
                    "certificate-authority-data": _b64(pki / "ca.crt"),
                },
            }
        ],
        "users": [
            {
                "name": user,
                "user": {
                    "client-certificate-data": _b64(pki / f"{user}.crt"),
                    "client-key-data": _b64(pki / f"{user}.key"),
                },
            }
        ],
        "contexts": [
            {
                "name": "launchgen-test",
                "context": {"cluster": "launchgen-test", "user": user},
            }
        ],
        "current-context": "launchgen-test",
    }
    # JSON is valid YAML, so kubectl, helm and client-go all read it.
    path.write_text(json.dumps(config, indent=2) + "\n")
    path.chmod(0o600)


# --- processes --------------------------------------------------------------------


def _die_with_parent() -> list[str]:
    # If the test runner dies hard (SIGKILL), the kernel then kills the control
    # plane too instead of leaving it behind. util-linux's setpriv sets that up
    # and execs the binary (no preexec_fn, which is unsafe with threads).
    setpriv = shutil.which("setpriv")
    return [setpriv, "--pdeathsig", "KILL", "--"] if setpriv else []


@dataclass
class ControlPlane:
    bin_dir: Path
    workdir: Path | None = None
    nodes: int = 2
    kubeconfig: Path = field(init=False)
    server: str = field(init=False, default="")
    _procs: list[tuple[str, subprocess.Popen[bytes]]] = field(init=False, default_factory=list)
    start_seconds: float = field(init=False, default=0.0)
    _own_workdir: bool = field(init=False, default=False)

    def __post_init__(self) -> None:
        if self.workdir is None:
            self.workdir = Path(tempfile.mkdtemp(prefix="launchgen-cluster-"))
            self._own_workdir = True
        self.kubeconfig = self.workdir / "admin.kubeconfig"

    @property
    def env(self) -> dict[str, str]:
        """Environment for subprocesses (helm, kubectl) pointing at this cluster."""
        return {**os.environ, "KUBECONFIG": str(self.kubeconfig)}

    @property
    def logs(self) -> Path:
        assert self.workdir is not None
        return self.workdir / "logs"

    def _spawn(self, name: str, args: list[str]) -> None:
        self.logs.mkdir(parents=True, exist_ok=True)
        with open(self.logs / f"{name}.log", "wb") as log:
            proc = subprocess.Popen(
                [*_die_with_parent(), str(self.bin_dir / name), *args],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # own process group: stop() kills the whole group
            )
        self._procs.append((name, proc))

    def _check_alive(self) -> None:
        for name, proc in self._procs:
            if proc.poll() is not None:
                tail = (self.logs / f"{name}.log").read_text(errors="replace")[-3000:]
                raise RuntimeError(f"{name} exited with {proc.returncode}:\n{tail}")

    def _wait(self, what: str, ok: Any, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while True:
            self._check_alive()
            try:
                if ok():
                    return
            except (OSError, urllib.error.URLError, ValueError, KeyError):
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"timed out after {timeout:.0f}s waiting for {what}")
            time.sleep(0.25)

    # --- talking to the API server with the admin cert (no kubectl needed) ---

    def _ssl(self) -> ssl.SSLContext:
        assert self.workdir is not None
        pki = self.workdir / "pki"
        ctx = ssl.create_default_context(cafile=str(pki / "ca.crt"))
        ctx.load_cert_chain(str(pki / "admin.crt"), str(pki / "admin.key"))
        return ctx

    def api(self, method: str, path: str, body: Any = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.server + path, data=data, method=method)
        req.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(req, context=self._ssl(), timeout=10) as resp:
            raw = resp.read()
        try:
            return json.loads(raw)
        except ValueError:
            return raw.decode()

    def _get_ok(self, path: str) -> bool:
        return bool(self.api("GET", path) == "ok")

    def _nodes_ready(self) -> bool:
        items = self.api("GET", "/api/v1/nodes")["items"]
        ready = [
            n
            for n in items
            if any(
                c["type"] == "Ready" and c["status"] == "True"
                for c in n.get("status", {}).get("conditions", [])
            )
        ]
        return len(ready) >= self.nodes

    def _has_default_sa(self, namespace: str = "default") -> bool:
        self.api("GET", f"/api/v1/namespaces/{namespace}/serviceaccounts/default")
        return True

    # --- lifecycle ---

    def start(self, timeout: float = 120) -> None:
        try:
            self._start(timeout)
        except BaseException:
            self.stop()
            raise

    def _start(self, timeout: float) -> None:
        assert self.workdir is not None
        t0 = time.monotonic()
        pki = self.workdir / "pki"
        pki.mkdir(parents=True, exist_ok=True)
        _write_pki(pki)

        etcd_port, peer_port, api_port = free_port(), free_port(), free_port()
        etcd_url = f"http://127.0.0.1:{etcd_port}"
        peer_url = f"http://127.0.0.1:{peer_port}"
        self._spawn(
            "etcd",
            [
                "--name=default",
                f"--data-dir={self.workdir / 'etcd'}",
                f"--listen-client-urls={etcd_url}",
                f"--advertise-client-urls={etcd_url}",
                f"--listen-peer-urls={peer_url}",
                f"--initial-advertise-peer-urls={peer_url}",
                f"--initial-cluster=default={peer_url}",
                "--unsafe-no-fsync",  # throwaway data: skip fsync, much faster on slow disks
                "--log-level=warn",
            ],
        )

        self.server = f"https://127.0.0.1:{api_port}"
        self._spawn(
            "kube-apiserver",
            [
                f"--etcd-servers={etcd_url}",
                "--bind-address=127.0.0.1",
                "--advertise-address=127.0.0.1",
                f"--secure-port={api_port}",
                f"--cert-dir={self.workdir / 'apiserver-certs'}",
                f"--tls-cert-file={pki / 'apiserver.crt'}",
                f"--tls-private-key-file={pki / 'apiserver.key'}",
                f"--client-ca-file={pki / 'ca.crt'}",
                f"--service-account-key-file={pki / 'sa.pub'}",
                f"--service-account-signing-key-file={pki / 'sa.key'}",
                "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
                f"--service-cluster-ip-range={SERVICE_CIDR}",
                "--authorization-mode=Node,RBAC",
                "--allow-privileged=true",
                # The kubernetes Service would point at 127.0.0.1, which endpoints
                # reject; nothing in-cluster needs to reach the API server here.
                "--endpoint-reconciler-type=none",
                "--profiling=false",
                "--v=1",
            ],
        )
        self._wait("kube-apiserver /readyz", lambda: self._get_ok("/readyz"), timeout)

        for comp in ("controller-manager", "scheduler", "kwok"):
            write_kubeconfig(self.workdir / f"{comp}.kubeconfig", self.server, pki, comp)
        write_kubeconfig(self.kubeconfig, self.server, pki, "admin")

        self._spawn(
            "kube-controller-manager",
            [
                f"--kubeconfig={self.workdir / 'controller-manager.kubeconfig'}",
                f"--authentication-kubeconfig={self.workdir / 'controller-manager.kubeconfig'}",
                f"--authorization-kubeconfig={self.workdir / 'controller-manager.kubeconfig'}",
                "--bind-address=127.0.0.1",
                f"--secure-port={free_port()}",
                f"--cert-dir={self.workdir / 'controller-manager-certs'}",
                f"--service-account-private-key-file={pki / 'sa.key'}",
                f"--root-ca-file={pki / 'ca.crt'}",
                f"--cluster-signing-cert-file={pki / 'ca.crt'}",
                f"--cluster-signing-key-file={pki / 'ca.key'}",
                "--use-service-account-credentials=true",
                "--leader-elect=false",
                "--profiling=false",
                "--v=1",
            ],
        )
        self._spawn(
            "kube-scheduler",
            [
                f"--kubeconfig={self.workdir / 'scheduler.kubeconfig'}",
                f"--authentication-kubeconfig={self.workdir / 'scheduler.kubeconfig'}",
                f"--authorization-kubeconfig={self.workdir / 'scheduler.kubeconfig'}",
                "--bind-address=127.0.0.1",
                f"--secure-port={free_port()}",
                f"--cert-dir={self.workdir / 'scheduler-certs'}",
                "--leader-elect=false",
                "--profiling=false",
                "--v=1",
            ],
        )
        self._spawn(
            "kwok",
            [
                f"--kubeconfig={self.workdir / 'kwok.kubeconfig'}",
                f"--config={self.bin_dir / 'kwok-stages.yaml'}",
                # Our own stages (e.g. finishing `helm test` pods), beside kwok's.
                *(f"--config={f}" for f in EXTRA_STAGES),
                # Only manage nodes we create with this annotation, as kwok's docs do.
                "--manage-all-nodes=false",
                "--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake",
                f"--cidr={POD_CIDR}",
                "--node-ip=10.0.0.1",
                "--node-lease-duration-seconds=40",
            ],
        )
        for i in range(self.nodes):
            self.api("POST", "/api/v1/nodes", _node(f"kwok-node-{i}"))
        self._wait("kwok nodes Ready", self._nodes_ready, timeout)
        # The controller-manager is working once it has created this.
        self._wait("default service account", self._has_default_sa, timeout)
        self.start_seconds = time.monotonic() - t0

    def stop(self) -> None:
        # Reverse start order, one at a time: the API server shuts down quickly
        # while etcd is still there, and etcd goes last.
        for _name, proc in reversed(self._procs):
            for sig, wait in ((signal.SIGTERM, 10.0), (signal.SIGKILL, None)):
                # The whole group, in case a binary left children behind.
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, sig)
                try:
                    proc.wait(timeout=wait)
                    break
                except subprocess.TimeoutExpired:
                    continue
        self._procs.clear()
        keep = bool(os.environ.get("LAUNCHGEN_KEEP_CLUSTER_DIR"))  # to read the logs
        if self._own_workdir and self.workdir is not None and not keep:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _node(name: str) -> dict[str, Any]:
    """A fake Node as in kwok's docs, minus the NoSchedule taint (our pods should land)."""
    resources = {"cpu": "32", "memory": "256Gi", "pods": "110"}
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {
            "name": name,
            "annotations": {
                "node.alpha.kubernetes.io/ttl": "0",
                "kwok.x-k8s.io/node": "fake",
            },
            "labels": {
                "kubernetes.io/arch": "amd64",
                "kubernetes.io/hostname": name,
                "kubernetes.io/os": "linux",
                "kubernetes.io/role": "agent",
                "node-role.kubernetes.io/agent": "",
                "type": "kwok",
            },
        },
        "status": {
            "allocatable": resources,
            "capacity": resources,
            "nodeInfo": {
                "architecture": "amd64",
                "operatingSystem": "linux",
                "kubeletVersion": "fake",
                "kubeProxyVersion": "fake",
            },
        },
    }


def _raise_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--kubeconfig", type=Path, help="copy the admin kubeconfig here")
    p.add_argument("--bin-dir", type=Path, help="default: newest build in the cache")
    p.add_argument("--build", action="store_true", help="run build.sh if nothing is cached")
    p.add_argument("--nodes", type=int, default=2)
    args = p.parse_args(argv)

    bin_dir = args.bin_dir or find_bin_dir()
    if bin_dir is None:
        if not args.build:
            print(
                "no control plane built; run scripts/cluster/build.sh or pass --build",
                file=sys.stderr,
            )
            return 2
        bin_dir = build()

    cp = ControlPlane(bin_dir, nodes=args.nodes)
    # SIGTERM behaves like Ctrl-C so `kill PID` also cleans up; SIGINT is set
    # explicitly because a shell's `cmd &` starts us with it ignored.
    signal.signal(signal.SIGTERM, _raise_interrupt)
    signal.signal(signal.SIGINT, _raise_interrupt)
    try:
        cp.start()
        kubeconfig = cp.kubeconfig
        if args.kubeconfig:
            shutil.copyfile(cp.kubeconfig, args.kubeconfig)
            args.kubeconfig.chmod(0o600)
            kubeconfig = args.kubeconfig
        print(f"control plane up in {cp.start_seconds:.1f}s at {cp.server}", flush=True)
        print(f"export KUBECONFIG={kubeconfig}", flush=True)
        print(f"logs: {cp.logs}  (Ctrl-C stops everything)", flush=True)
        while True:
            time.sleep(1)
            cp._check_alive()
    except KeyboardInterrupt:
        pass
    finally:
        cp.stop()
        print("control plane stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
