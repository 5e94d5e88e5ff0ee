"""Deployment history: `deployments/<env>.yaml` in a properties or middleware repo.

One file per environment lists what happened there, oldest first: each deployment
(app version, chart version, bundle digest, release, namespace, who, when) and each
approval, rejection or rollback referring to it by `seq`. The file is append-only:
new entries are appended as text, so the bytes of every earlier entry stay exactly
as they were and a reviewer's diff shows only additions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from launchgen import yamlio
from launchgen.errors import LaunchgenError
from launchgen.files import atomic_write

SCHEMA = "deployment-history.schema.json"
RECORDS_DIR = "deployments"
ENTRY_ORDER = ("seq", "event", "appVersion", "chartVersion", "bundleDigest", "release", "namespace",
               "revision", "dataSchema", "of", "at", "by", "note")


class RecordError(LaunchgenError):
    """A deployment history file is unreadable or breaks its schema."""


@dataclass(frozen=True)
class History:
    service: str
    environment: str
    entries: tuple[dict[str, Any], ...]

    def deployments(self) -> list[dict[str, Any]]:
        return [e for e in self.entries if e["event"] == "deployed"]

    def live(self) -> list[dict[str, Any]]:
        """Deployments still in place, oldest first: not rejected, rolled back or pruned."""
        gone = {e["of"] for e in self.entries if e["event"] in ("rejected", "rolled-back", "pruned")}
        return [d for d in self.deployments() if d["seq"] not in gone]

    def current(self) -> dict[str, Any] | None:
        """The deployment in place now: the last live one."""
        live = self.live()
        return live[-1] if live else None

    def pending(self) -> dict[str, Any] | None:
        """The current deployment when it is still waiting for approval."""
        current = self.current()
        decided = {e["of"] for e in self.entries if e["event"] == "approved"}
        return current if current is not None and current["seq"] not in decided else None


def record_path(repo: Path, environment: str) -> Path:
    return repo / RECORDS_DIR / f"{environment}.yaml"


def parse(text: str, display: str) -> History:
    """Parse and validate a history file's text; errors name the file and line."""
    from launchgen.schemas import validate_document

    try:
        document = yamlio.loads(text, display)
    except yamlio.YamlError as exc:
        raise RecordError(exc.message, path=exc.path, line=exc.line) from None
    _timestamps_as_text(document)
    validate_document(document, SCHEMA, display, RecordError)
    entries = tuple(yamlio.to_plain(e) for e in document["entries"])
    for index, entry in enumerate(entries, start=1):
        if entry["seq"] != index:
            line, _ = yamlio.position(document, ["entries", index - 1, "seq"])
            raise RecordError(f"entries must be numbered 1, 2, 3, ...: expected seq {index}, got {entry['seq']}",
                              path=display, line=line)
        if "of" in entry and not 1 <= entry["of"] < index:
            line, _ = yamlio.position(document, ["entries", index - 1, "of"])
            raise RecordError(f"entry {index} refers to seq {entry['of']}, which is not an earlier entry",
                              path=display, line=line)
    return History(str(document["service"]), str(document["environment"]), entries)


def _timestamps_as_text(document: Any) -> None:
    """Accept `at: 2026-01-01T00:00:00Z` unquoted, as people write it: YAML reads a time."""
    entries = document.get("entries") if isinstance(document, dict) else None
    for entry in entries if isinstance(entries, list) else ():
        at = entry.get("at") if isinstance(entry, dict) else None
        if isinstance(at, datetime):
            entry["at"] = (at.astimezone(timezone.utc) if at.tzinfo else at).strftime("%Y-%m-%dT%H:%M:%SZ")


def load(repo: Path, environment: str) -> History | None:
    path = record_path(repo, environment)
    if not path.exists():
        return None
    display = f"{RECORDS_DIR}/{environment}.yaml"
    return parse(yamlio.decode(path.read_bytes(), display), display)


def _header(service: str, environment: str) -> str:
    return (
        f"# Deployment history of {service} in {environment}: appended by launchgen deploy,\n"
        "# approve, reject and rollback. Append-only: never edit or remove an entry.\n"
        "apiVersion: launchgen.dev/v1\n"
        "kind: DeploymentHistory\n"
        f"service: {service}\n"
        f"environment: {environment}\n"
        "entries:\n"
    )


def _entry_text(entry: dict[str, Any]) -> str:
    import json

    lines = []
    for index, key in enumerate(k for k in ENTRY_ORDER if k in entry):
        value = entry[key]
        # JSON strings are valid YAML scalars and quote everything that needs it.
        rendered = json.dumps(value) if isinstance(value, str) else str(value)
        lines.append(("  - " if index == 0 else "    ") + f"{key}: {rendered}")
    return "\n".join(lines) + "\n"


def now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def append(repo: Path, service: str, environment: str, event: str, by: str, **fields: Any) -> dict[str, Any]:
    """Append one entry (its seq and time filled in) and return it."""
    path = record_path(repo, environment)
    history = load(repo, environment)
    if history is None:
        text = _header(service, environment)
        seq = 1
    else:
        text = path.read_text(encoding="utf-8")
        if history.entries and not text.endswith("\n"):
            text += "\n"
        if not history.entries:
            # `entries: []` cannot be appended to as text: start the block afresh.
            text = text.replace("entries: []", "entries:")
        seq = len(history.entries) + 1
    entry = {"seq": seq, "event": event, "at": fields.pop("at", None) or now(), "by": by}
    entry.update({k: v for k, v in fields.items() if v is not None})
    new_text = text + _entry_text(entry)
    parse(new_text, f"{RECORDS_DIR}/{environment}.yaml")  # never write what we could not read back
    atomic_write(path, new_text)
    return entry
