"""`launchgen diff`: what changes between two rendered deployments, and whether it is
only what the app version implies."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from launchgen.diff.compare import Comparison, EnvironmentDiff, compare
    from launchgen.diff.semantic import (
        DiffResult,
        FieldChange,
        ResourceChange,
        diff_manifests,
    )

__all__ = [
    "Comparison",
    "DiffResult",
    "EnvironmentDiff",
    "FieldChange",
    "ResourceChange",
    "compare",
    "diff_manifests",
]

_FROM = {
    "Comparison": "compare",
    "EnvironmentDiff": "compare",
    "compare": "compare",
    "DiffResult": "semantic",
    "FieldChange": "semantic",
    "ResourceChange": "semantic",
    "diff_manifests": "semantic",
}


def __getattr__(name: str) -> Any:
    """The package's names, imported on first use: render and deploy read manifests
    through `launchgen.diff.manifests` and need none of the comparison code."""
    if name not in _FROM:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f"{__name__}.{_FROM[name]}"), name)
    globals()[name] = value  # `compare` the function, not the submodule of that name
    return value
