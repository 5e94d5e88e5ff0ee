"""A real OCI registry (CNCF distribution, built by scripts/install-tools.sh) on
127.0.0.1, with charts pushed to it by helm."""

from __future__ import annotations

import contextlib
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

from tests.helpers.tools import run, tool
from tests.helpers.waiting import wait_for_url


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def serve_oci_registry(folder: Path) -> Iterator[str]:
    """Start a registry storing in `folder`; yields its host:port."""
    folder.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    config = folder / "config.yml"
    config.write_text(
        "version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n"
        f"    rootdirectory: {folder / 'data'}\nhttp:\n  addr: 127.0.0.1:{port}\n"
    )
    proc = subprocess.Popen(
        [str(tool("oci-registry")), "serve", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    host = f"127.0.0.1:{port}"
    try:
        wait_for_url(
            f"http://{host}/v2/", proc, 30, lambda: RuntimeError("the OCI registry did not start")
        )
        yield host
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def push(chart_archive: Path, reference: str, env: dict[str, str]) -> None:
    """`helm push` a packaged chart to oci://host/path (plain HTTP: loopback only)."""
    run([tool("helm4"), "push", chart_archive, reference, "--plain-http"], env=env)
