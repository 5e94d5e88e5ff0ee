"""Render an umbrella (or vendor) chart for environments and an app version."""

from __future__ import annotations

from launchgen.render.engine import (
    LintRefusal,
    Rendered,
    RenderRequest,
    render,
    render_many,
)
from launchgen.standard import RENDER_RECORD

__all__ = [
    "RENDER_RECORD",
    "LintRefusal",
    "RenderRequest",
    "Rendered",
    "render",
    "render_many",
]
