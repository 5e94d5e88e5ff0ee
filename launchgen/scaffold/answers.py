"""The answers a repo is generated from, validated before anything is written."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from launchgen import naming
from launchgen.config import (
    BUILTIN_LAUNCH_CHART_VERSION,
    CI_SYSTEMS,
    FIRST_CHART_VERSION,
    SETTINGS,
)
from launchgen.errors import InvalidNameError, LaunchgenError
from launchgen.semver import EXACT_SEMVER
from launchgen.standard import APP_VERSION_PLACEHOLDER, CHART_REPOSITORY

DIGEST = re.compile(r"^sha256:[0-9a-f]{64}\Z")
# A git URL or path pre-commit can clone: one word that is a plain YAML scalar.
HOOKS_REPO = re.compile(r"^[A-Za-z0-9/~.][^\s'\"{}\[\],#`$\\]*\Z")

Kind = Literal["app", "middleware"]
SECRET_MODES = ("none", "external", "sops")


@dataclass(frozen=True)
class VendorChart:
    """A middleware component's vendor chart, pinned exactly."""

    name: str
    repository: str
    version: str
    digest: str | None = None


@dataclass(frozen=True)
class Answers:
    """Everything `launchgen new` needs; recorded in each repo's .launchgen.yaml."""

    kind: Kind
    name: str
    environments: tuple[str, ...]
    ci: str = SETTINGS["ci"].default
    registry: str = SETTINGS["registry"].default
    chart_repository: str | None = None
    launch_chart_version: str = SETTINGS["launch_chart_version"].default
    chart_version: str = FIRST_CHART_VERSION
    description: str = ""
    hooks_repo: str | None = None  # None: `repo: local` hooks run the installed launchgen
    launchgen_requirement: str = SETTINGS["launchgen_requirement"].default
    pip_index_url: str | None = None  # None: pip's default index (or PIP_INDEX_URL in CI)
    vendor_chart: VendorChart | None = field(default=None)
    secrets: str = "none"
    sops_age_recipient: str | None = None
    data: bool = False

    def validate(self) -> None:
        """Raise a one-line error naming the first rule these answers break."""
        naming.check_service_name(self.name)
        naming.check_environment_names(self.name, self.environments)
        if self.secrets not in SECRET_MODES:
            raise LaunchgenError(
                f"--secrets must be one of {', '.join(SECRET_MODES)}, got {self.secrets!r}"
            )
        if self.secrets == "sops" and not (self.sops_age_recipient or "").startswith("age1"):
            raise LaunchgenError(
                "--secrets sops needs --sops-age-recipient age1... (the public age key secrets are encrypted to)"
            )
        if self.ci not in CI_SYSTEMS:
            raise LaunchgenError(f"--ci must be 'github' or 'gitlab', got {self.ci!r}")
        _exact_version("--chart-version", self.chart_version)
        if self.hooks_repo is not None and not HOOKS_REPO.match(self.hooks_repo):
            raise LaunchgenError(
                f"hooks_repo must be a git URL or path without spaces or quotes, got {self.hooks_repo!r}"
            )
        from launchgen.scaffold.pipinstall import check_index_url, normalize_requirement

        normalize_requirement(self.launchgen_requirement)
        check_index_url(self.pip_index_url)
        if self.kind == "app":
            _exact_version("--launch-chart-version", self.launch_chart_version)
            if self.keeps_vendored_chart:
                raise LaunchgenError(
                    f"--launch-chart-version {self.launch_chart_version}: without --chart-repository "
                    f"the repo vendors the shipped chart, version {BUILTIN_LAUNCH_CHART_VERSION}; "
                    "give --chart-repository to pin another version"
                )
            if self.chart_repository is not None and not CHART_REPOSITORY.match(
                self.chart_repository
            ):
                raise LaunchgenError(
                    f"--chart-repository must be an https://, http:// or oci:// URL, got {self.chart_repository!r}"
                )
        else:
            vendor = self.vendor_chart
            if vendor is None:
                raise LaunchgenError("middleware needs --chart REPOSITORY/NAME and --chart-version")
            if not CHART_REPOSITORY.match(vendor.repository):
                raise LaunchgenError(
                    f"--chart must start with https://, http:// or oci://, got {vendor.repository!r}"
                )
            problem = naming.dns1123_problem(vendor.name)
            if problem:
                raise InvalidNameError(
                    f"invalid vendor chart name {vendor.name!r} [naming-dns1123]: {problem}"
                )
            _exact_version("--chart-version", vendor.version)
            if vendor.digest is not None and not DIGEST.match(vendor.digest):
                raise LaunchgenError(
                    f"--chart-digest must be sha256:<64 hex digits>, got {vendor.digest!r}"
                )

    @property
    def keeps_vendored_chart(self) -> bool:
        """An app repo without a chart repository vendors the Launch chart shipped with
        launchgen. Pinned to another version (an older pin, replayed by `launchgen
        update`), it keeps the chart and values schema it vendors: only the shipped
        version can be packaged, and under its own version only."""
        return (
            self.kind == "app"
            and self.chart_repository is None
            and self.launch_chart_version != BUILTIN_LAUNCH_CHART_VERSION
        )

    @property
    def image_repository(self) -> str:
        return f"{self.registry.rstrip('/')}/{self.name}"

    @property
    def summary(self) -> str:
        if self.description:
            return self.description
        if self.kind == "middleware" and self.vendor_chart:
            return f"{self.name}: the {self.vendor_chart.name} chart, with our own values per environment"
        return f"The {self.name} microservice"

    def recorded(self) -> dict[str, Any]:
        """The answers as written to .launchgen.yaml, so `launchgen update` can replay them."""
        data = asdict(self)
        data["environments"] = list(self.environments)
        for optional in ("sops_age_recipient", "hooks_repo", "pip_index_url"):
            if data[optional] is None:
                del data[optional]
        if self.vendor_chart is None:
            del data["vendor_chart"]
        elif self.vendor_chart.digest is None:
            del data["vendor_chart"]["digest"]
        if self.kind == "middleware":
            for key in ("chart_repository", "launch_chart_version", "chart_version"):
                del data[key]
        elif self.chart_repository is None:
            del data["chart_repository"]
        return data


def _exact_version(option: str, version: str) -> None:
    if version == APP_VERSION_PLACEHOLDER or not EXACT_SEMVER.match(version):
        raise LaunchgenError(
            f"{option} must be an exact SemVer version like 1.2.3, got {version!r}"
        )


def split_vendor_chart(reference: str) -> tuple[str, str]:
    """'oci://registry/charts/postgresql' -> ('oci://registry/charts', 'postgresql')."""
    repository, _, name = reference.rstrip("/").rpartition("/")
    if not repository or "://" not in repository:
        raise LaunchgenError(
            f"--chart must be a chart reference like oci://registry-1.docker.io/bitnamicharts/postgresql "
            f"or https://charts.example.com/redis, got {reference!r}"
        )
    return repository, name
