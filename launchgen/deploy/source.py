"""What gets deployed: a verified bundle's manifests and the facts its statement signs."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from launchgen.errors import LaunchgenError


@dataclass(frozen=True)
class DeploymentSource:
    service: str
    environment: str
    app_version: str
    chart_name: str
    chart_version: str
    release: str
    namespace: str
    manifests: dict[str, bytes]
    digest: str  # sha256 of the bundle file: what the deployment record points at
    immutable: bool = False

    @property
    def data_schema(self) -> int | None:
        """The data schema the app version declares (Deployment annotation), if any."""
        from launchgen.diff.manifests import documents

        for name, data in sorted(self.manifests.items()):
            for doc in documents(data.decode("utf-8"), name):
                value = ((doc.get("metadata") or {}).get("annotations") or {}).get("launchgen.dev/data-schema")
                if value is not None:
                    try:
                        return int(value)
                    except ValueError:
                        raise LaunchgenError(f"{name}: launchgen.dev/data-schema must be an integer, got {value!r}") from None
        return None


def from_bundle(bundle: Path, public_key: Path) -> DeploymentSource:
    """Verify `bundle` with `public_key` and describe it; any mismatch stops here."""
    from launchgen.bundle.verify import verify

    verified = verify(bundle, public_key)
    params: dict[str, Any] = verified.parameters
    subjects = {s["name"] for s in verified.statement.get("subject", [])}
    manifests = {name: data for name, data in verified.files.items() if name in subjects}
    chart = params.get("chart") or {}
    try:
        return DeploymentSource(
            service=str(params["service"]),
            environment=str(params["environment"]),
            app_version=str(params["appVersion"]),
            chart_name=str(chart.get("name") or params["service"]),
            chart_version=str(chart.get("version") or params.get("chartVersion")),
            release=str(params["release"]),
            namespace=str(params["namespace"]),
            manifests=manifests,
            digest="sha256:" + hashlib.sha256(bundle.read_bytes()).hexdigest(),
            immutable=bool(params.get("immutable", False)),
        )
    except KeyError as exc:
        raise LaunchgenError(f"bundle {bundle}: its statement lacks {exc.args[0]!r}") from None
