"""A bundle's manifests as a chart helm can install, without re-rendering anything.

helm tracks releases, revisions, hooks and tests only for charts, so the verified
manifests are wrapped in a minimal chart whose one template prints them verbatim
through `.Files.Get`: nothing in them is evaluated as a template again, and what is
applied is byte for byte what was signed.
"""

from __future__ import annotations

import json
from pathlib import Path

from launchgen.deploy.source import DeploymentSource

TEMPLATE = """\
{{- range $path, $_ := .Files.Glob "bundle/**" }}
---
{{ $.Files.Get $path }}
{{- end }}
"""


def write_chart(source: DeploymentSource, into: Path) -> Path:
    """The wrapper chart in `into`/<chart name>; names from the bundle are checked again
    here, right before they become paths, so nothing is written outside `into`."""
    from launchgen.deploy.source import check_chart_name, check_manifest_names

    check_chart_name(source.chart_name)
    check_manifest_names(sorted(source.manifests))
    chart = into / source.chart_name
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text(
        "apiVersion: v2\n"
        f"name: {source.chart_name}\n"
        f"version: {json.dumps(source.chart_version)}\n"
        f"appVersion: {json.dumps(source.app_version)}\n"
        f"description: {json.dumps(f'Rendered by launchgen; bundle {source.digest}')}\n"
    )
    (chart / "templates" / "bundle.yaml").write_text(TEMPLATE)
    for name, data in source.manifests.items():
        target = chart / "bundle" / Path(name).name
        target.parent.mkdir(exist_ok=True)
        target.write_bytes(data)
    return chart
