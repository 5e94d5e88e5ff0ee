"""Signed deployment bundles: package, verify, and the keys that sign them."""

from __future__ import annotations

from launchgen.bundle.errors import VerifyError
from launchgen.bundle.package import ENVELOPE_NAME, Packaged, PackageRequest, package
from launchgen.bundle.verify import Verified, verify

__all__ = [
    "ENVELOPE_NAME",
    "PackageRequest",
    "Packaged",
    "Verified",
    "VerifyError",
    "package",
    "verify",
]
