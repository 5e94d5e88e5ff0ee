"""A publish in the environment's deployment history, as `launchgen deploy` records a deploy.

The entry is a `deployed` one (what the engine will apply: app version, chart
version, bundle digest, release, namespace) with a note naming where it was
published; no helm revision, since no helm release is made.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from launchgen.deploy.source import DeploymentSource

if TYPE_CHECKING:
    from launchgen.records import Entry

NOTE_LIMIT = 1000
NOTE_PREFIX = "published to "  # how day-2 commands tell a publish from a helm deploy


def append(properties: Path, source: DeploymentSource, by: str, where: str) -> Entry:
    from launchgen import records
    from launchgen.display import printable

    return records.append(
        properties,
        source.service,
        source.environment,
        "deployed",
        by,
        **source.record_fields(),
        dataSchema=source.data_schema,
        note=printable(NOTE_PREFIX + where, limit=NOTE_LIMIT),
    )


def published(entry: Entry) -> bool:
    """Whether a deployment was recorded by `launchgen publish` (there is no helm release)."""
    return entry["event"] == "deployed" and str(entry.get("note") or "").startswith(NOTE_PREFIX)
