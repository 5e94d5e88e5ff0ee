"""Export the shipped schemas in kubeconform's layout, so kubeconform can check the
same manifests offline against exactly the same schemas:

    kubeconform -strict -schema-location 'DIR/{{ .ResourceKind }}{{ .KindSuffix }}.json' FILES
"""

from __future__ import annotations

import json
from pathlib import Path

from launchgen.validate.schemas import SchemaStore


def kubeconform_name(key: str) -> str:
    """'apps/v1/Deployment' -> 'deployment-apps-v1.json'; 'v1/Service' -> 'service-v1.json'."""
    *group_version, kind = key.split("/")
    if len(group_version) == 2:
        group, version = group_version
        return f"{kind.lower()}-{group.split('.')[0]}-{version}.json"
    return f"{kind.lower()}-{group_version[0]}.json"


def export_kubeconform(store: SchemaStore, folder: Path) -> int:
    """Write one standalone schema a kind into `folder`; returns how many."""
    folder.mkdir(parents=True, exist_ok=True)
    count = 0
    for key in sorted(store.kinds) + sorted(store.custom):
        api_version, kind = key.rsplit("/", 1)
        found = store.lookup(api_version, kind)
        if found is None:
            continue
        (folder / kubeconform_name(key)).write_text(json.dumps(found.schema, sort_keys=True))
        count += 1
    return count
