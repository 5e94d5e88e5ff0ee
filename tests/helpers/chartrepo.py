"""A real Helm chart repository: packaged charts, `helm repo index`, HTTP on 127.0.0.1."""

from __future__ import annotations

import contextlib
import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

from launchgen import charts
from launchgen.config import BUILTIN_LAUNCH_CHART_VERSION
from launchgen.resources import chart_dir
from launchgen.standard import LAUNCH_CHART_NAME
from tests.helpers.tools import run, tool


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def serve_folder(folder: Path) -> Iterator[str]:
    """Index the packaged charts in `folder` (`helm repo index`) and serve it on 127.0.0.1."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    url = f"http://127.0.0.1:{server.server_address[1]}"
    run([tool("helm4"), "repo", "index", str(folder), "--url", url])
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield url
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def serve_chart_repo(
    folder: Path, versions: tuple[str, ...] = (BUILTIN_LAUNCH_CHART_VERSION,)
) -> Iterator[str]:
    """Serve the shipped Launch chart as a chart repository; yields its URL. Each other
    version in `versions` is the same chart relabelled (a stand-in, not that release)."""
    folder.mkdir(parents=True, exist_ok=True)
    for version in versions:
        staged = folder.parent / f"stage-{version}"
        staged.mkdir(exist_ok=True)
        source = chart_dir(LAUNCH_CHART_NAME)
        for path in source.rglob("*"):
            if path.is_file():
                target = staged / path.relative_to(source)
                target.parent.mkdir(parents=True, exist_ok=True)
                data = path.read_bytes()
                if path.name == "Chart.yaml":
                    shipped = f"version: {BUILTIN_LAUNCH_CHART_VERSION}\n"
                    data = data.replace(shipped.encode(), f"version: {version}\n".encode())
                target.write_bytes(data)
        name, data = charts.package_chart(staged, LAUNCH_CHART_NAME, version)
        (folder / name).write_bytes(data)
    with serve_folder(folder) as url:
        yield url
