"""Validate rendered manifests: Kubernetes JSON Schemas (offline, strict) and the standard."""

from __future__ import annotations

from launchgen.validate.engine import ValidateOptions, ValidationResult, validate
from launchgen.validate.schemas import DEFAULT_KUBE_VERSION, available_versions

__all__ = [
    "DEFAULT_KUBE_VERSION",
    "ValidateOptions",
    "ValidationResult",
    "available_versions",
    "validate",
]
