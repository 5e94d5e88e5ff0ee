"""What gets deployed: a verified bundle's manifests and the facts its statement signs."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from launchgen.display import printable
from launchgen.errors import LaunchgenError

if TYPE_CHECKING:
    from launchgen.bundle.verify import Verified

# helm chart names, as launchgen renders them; never a path.
_CHART_NAME = re.compile(r"[a-z0-9]([-a-z0-9_.]{0,61}[a-z0-9])?\Z")
MAX_DATA_SCHEMA = 1_000_000  # as schemas/deployment-history.schema.json allows
_MANIFEST_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,200}\Z")


class BundleContentError(LaunchgenError):
    """A verified bundle states something launchgen will not pass to helm or write to disk."""


def check_chart_name(name: object) -> str:
    if not isinstance(name, str) or not _CHART_NAME.match(name) or ".." in name:
        raise BundleContentError(
            f"invalid chart name {printable(name)!r} in the bundle: lowercase letters, digits, "
            "'-', '_' and '.', at most 63 characters"
        )
    return name


def check_manifest_names(names: list[str]) -> None:
    """Manifests are written flat into the wrapper chart: safe, distinct file names."""
    seen: set[str] = set()
    for name in names:
        base = name.rsplit("/", 1)[-1]
        if not _MANIFEST_NAME.match(base) or base in (".", "..") or ".." in base:
            raise BundleContentError(
                f"invalid manifest file name {printable(name)!r} in the bundle"
            )
        if base in seen:
            raise BundleContentError(f"two manifests in the bundle are named {printable(base)!r}")
        seen.add(base)


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

    def record_fields(self) -> dict[str, str]:
        """What every deployment record of this bundle names (deploy, failure, publish)."""
        return {
            "appVersion": self.app_version,
            "chartVersion": self.chart_version,
            "bundleDigest": self.digest,
            "release": self.release,
            "namespace": self.namespace,
        }

    @cached_property
    def data_schema(self) -> int | None:
        """The data schema the app version declares (Deployment annotation), if any."""
        from launchgen.diff.manifests import documents

        for name, data in sorted(self.manifests.items()):
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise BundleContentError(
                    f"manifest {printable(name)} is not valid UTF-8 (byte {exc.start})"
                ) from None
            try:
                docs = list(documents(text, name))
            except RecursionError:
                raise BundleContentError(
                    f"manifest {printable(name)} is nested too deeply to read"
                ) from None
            for doc in docs:
                metadata = doc.get("metadata")
                annotations = metadata.get("annotations") if isinstance(metadata, dict) else None
                value = (
                    annotations.get("launchgen.dev/data-schema")
                    if isinstance(annotations, dict)
                    else None
                )
                if value is not None:
                    return _schema_number(name, value)
        return None


def _schema_number(name: str, value: object) -> int:
    text = str(value).strip()
    if not text.isdigit() or len(text) > 7 or int(text) > MAX_DATA_SCHEMA:
        raise BundleContentError(
            f"{printable(name)}: launchgen.dev/data-schema must be an integer from 0 to "
            f"{MAX_DATA_SCHEMA}, got {printable(value)!r}"
        )
    return int(text)


def from_bundle(bundle: Path, public_key: Path) -> DeploymentSource:
    """Verify `bundle` with `public_key` and describe it; any mismatch stops here."""
    from launchgen.bundle.verify import verify

    return from_verified(verify(bundle, public_key))


def from_verified(verified: Verified) -> DeploymentSource:
    """Describe a bundle `verify` accepted, checking every name it passes on."""
    bundle = verified.path
    params: dict[str, Any] = verified.parameters
    subjects = {s["name"] for s in verified.statement.get("subject", [])}
    manifests = {name: data for name, data in verified.files.items() if name in subjects}
    chart = params.get("chart") or {}
    if not isinstance(chart, dict):
        raise BundleContentError(f"bundle {bundle}: its statement's chart is not a mapping")
    try:
        source = DeploymentSource(
            service=str(params["service"]),
            environment=str(params["environment"]),
            app_version=str(params["appVersion"]),
            chart_name=str(chart.get("name") or params["service"]),
            chart_version=str(chart.get("version") or params.get("chartVersion")),
            release=str(params["release"]),
            namespace=str(params["namespace"]),
            manifests=manifests,
            digest=verified.digest,  # the bytes verified, read once: a second read could be another file
            immutable=bool(params.get("immutable", False)),
        )
    except KeyError as exc:
        raise LaunchgenError(f"bundle {bundle}: its statement lacks {exc.args[0]!r}") from None
    check(source)
    return source


def for_properties_repo(
    bundle: Path,
    public_key: Path,
    properties: Path,
    service: str,
    environments: list[str],
    environment: str | None = None,
) -> DeploymentSource:
    """The verified bundle, when it is for `service` in one of `environments` (any
    valid name when the repo lists none) and, when given, for `environment`."""
    from launchgen.naming import check_environment

    listed = environments or None
    if environment:
        check_environment(environment, listed)
    source = from_bundle(bundle, public_key)
    check_environment(source.environment, listed)
    if environment and environment != source.environment:
        raise LaunchgenError(
            f"bundle {bundle} was rendered for {source.environment}, not {environment}"
        )
    if source.service != service:
        raise LaunchgenError(
            f"bundle {bundle} is for {source.service}, but {properties} is {service}'s properties repo"
        )
    return source


def check(source: DeploymentSource) -> None:
    """Every name and version a deployment passes to helm or kubectl, or writes to disk."""
    from launchgen.naming import (
        check_environment,
        check_namespace,
        check_release_name,
        check_service_name,
        check_version,
    )

    check_service_name(source.service)
    check_environment(source.environment)
    check_release_name(source.release)
    check_namespace(source.namespace)
    check_version(source.app_version, source="app version")
    check_version(source.chart_version, source="chart version")
    check_chart_name(source.chart_name)
    check_manifest_names(sorted(source.manifests))
    source.data_schema  # noqa: B018 - read (and checked) before anything is deployed
