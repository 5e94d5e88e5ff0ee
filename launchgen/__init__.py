"""launchgen: Helm-based continuous deployment the Launch platform way."""

from __future__ import annotations

__version__ = "0.1.0"
