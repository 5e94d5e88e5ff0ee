"""Helpers for render tests: folders compared byte for byte, a served application chart
(for middleware repos)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from launchgen import charts
from tests.helpers.chartrepo import serve_folder


def tree_bytes(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


APP_CHART = {
    "Chart.yaml": 'apiVersion: v2\nname: tinydb\nversion: 2.1.0\nappVersion: "16.4.1"\ntype: application\n',
    "values.yaml": "replicas: 1\n",
    "templates/statefulset.yaml": (
        "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: {{ .Release.Name }}\n"
        "spec:\n  replicas: {{ .Values.replicas }}\n  serviceName: {{ .Release.Name }}\n"
        "  selector:\n    matchLabels: {app: db}\n  template:\n    metadata:\n      labels: {app: db}\n"
        '    spec:\n      containers:\n        - name: db\n          image: "postgres:{{ .Chart.AppVersion }}"\n'
    ),
}


@contextlib.contextmanager
def serve_app_chart(folder: Path) -> Iterator[str]:
    """An HTTP chart repository on 127.0.0.1 holding the application chart tinydb 2.1.0."""
    source = folder / "src"
    for name, text in APP_CHART.items():
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        (source / name).write_text(text)
    repo = folder / "repo"
    repo.mkdir()
    name, data = charts.package_chart(source, "tinydb", "2.1.0")
    (repo / name).write_bytes(data)
    with serve_folder(repo) as url:
        yield url
