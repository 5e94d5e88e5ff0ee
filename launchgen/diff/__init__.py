"""`launchgen diff`: what changes between two rendered deployments, and whether it is
only what the app version implies."""

from launchgen.diff.compare import Comparison, EnvironmentDiff, compare
from launchgen.diff.semantic import DiffResult, FieldChange, ResourceChange, diff_manifests

__all__ = [
    "Comparison",
    "DiffResult",
    "EnvironmentDiff",
    "FieldChange",
    "ResourceChange",
    "compare",
    "diff_manifests",
]
