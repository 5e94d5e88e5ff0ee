"""The app repo's data chart (`data/`, from `launchgen new --data`), rendered into the
app's own render output as helm hooks, so the one signed bundle migrates the data
before the app changes.

The data chart is rendered as release `<service>-data` (so its names, labels and
selectors never meet the app's) into the same namespace. Its resources run as
pre-install/pre-upgrade hooks: helm creates them, in weight order, before any of the
release's own resources and waits for the migration Job to complete; a failed Job
fails the deployment before the app is touched. A data resource the chart did not
make a hook becomes one, with a weight before the migration Job's (-5), so whatever
the Job needs (its ServiceAccount, a ConfigMap) exists when it starts.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from launchgen.errors import LaunchgenError
from launchgen.render.split import Resource

DATA_DIR = "data"
HOOK = "helm.sh/hook"
HOOK_EVENTS = "pre-install,pre-upgrade"
SUPPORT_WEIGHT = "-10"  # before the migration Job (-5)
HOOK_DELETE_POLICY = "before-hook-creation"


def data_chart_dir(app_repo: Path) -> Path | None:
    """`data/` of the app repo when it holds a chart."""
    folder = app_repo / DATA_DIR
    return folder if (folder / "Chart.yaml").is_file() else None


def release_name(service: str) -> str:
    """The data chart's release name: the namespace is per deployment (and carries the
    immutable postfix), so the name needs no postfix of its own."""
    return f"{service}-{DATA_DIR}"


def as_hooks(resources: list[Resource], what: str) -> list[Resource]:
    """The data chart's resources, each a pre-install/pre-upgrade hook."""
    import yaml

    out = []
    for res in resources:
        obj = yaml.load(res.text, Loader=yaml.CSafeLoader)
        annotations = obj["metadata"].get("annotations")
        if annotations is not None and not isinstance(annotations, dict):
            raise LaunchgenError(
                f"{what}: {res.kind} {res.name}: metadata.annotations is not a mapping"
            )
        if annotations and HOOK in annotations:
            out.append(res)
            continue
        out.append(_hooked(res, obj))
    return out


def _hooked(res: Resource, obj: dict[str, Any]) -> Resource:
    import yaml

    obj = dict(obj)
    metadata = dict(obj["metadata"])
    metadata["annotations"] = {
        **(metadata.get("annotations") or {}),
        HOOK: HOOK_EVENTS,
        "helm.sh/hook-weight": SUPPORT_WEIGHT,
        "helm.sh/hook-delete-policy": HOOK_DELETE_POLICY,
    }
    obj["metadata"] = metadata
    source = next((line for line in res.text.splitlines() if line.startswith("# Source: ")), None)
    body = yaml.dump(
        obj, Dumper=yaml.CSafeDumper, sort_keys=False, default_flow_style=False, width=1 << 16
    )
    text = (f"{source}\n" if source else "") + "# launchgen: made a hook of the data chart\n" + body
    return replace(res, text=text)
