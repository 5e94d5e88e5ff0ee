"""The app version that replaces the placeholder: refused when it cannot be deployed."""

from __future__ import annotations

import re

from launchgen.errors import LaunchgenError
from launchgen.standard import APP_VERSION_PLACEHOLDER

# It becomes the image tag and the app.kubernetes.io/version label, so it must be a
# valid tag (Docker's grammar) and a valid label value (at most 63 characters).
_IMAGE_TAG = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}\Z")
_LABEL_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?\Z")
LABEL_VALUE_MAX = 63


class AppVersionError(LaunchgenError):
    """--app-version is the placeholder, `latest`, or not a valid tag and label value."""


def check_app_version(version: str) -> str:
    """Return `version` when it can be deployed; raise AppVersionError saying why not."""
    if version == APP_VERSION_PLACEHOLDER:
        raise AppVersionError(
            f"--app-version {version} is the placeholder itself: pass the version of the artifact to deploy"
        )
    if version == "latest":
        raise AppVersionError(
            "--app-version latest is not a version: pass the exact artifact version"
        )
    if not _IMAGE_TAG.match(version):
        raise AppVersionError(
            f"invalid --app-version {version!r}: an image tag is letters, digits, '_', '.' and '-', "
            "not starting with '.' or '-', at most 128 characters"
        )
    if len(version) > LABEL_VALUE_MAX or not _LABEL_VALUE.match(version):
        raise AppVersionError(
            f"invalid --app-version {version!r}: as the app.kubernetes.io/version label it must be at most "
            f"{LABEL_VALUE_MAX} characters and start and end with a letter or digit"
        )
    return version
