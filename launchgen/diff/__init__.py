"""`launchgen diff`: what changes between two rendered deployments, and whether it is
only what the app version implies."""

from launchgen.diff.semantic import DiffResult, FieldChange, ResourceChange, diff_manifests

__all__ = ["DiffResult", "FieldChange", "ResourceChange", "diff_manifests"]
