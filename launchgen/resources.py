"""Where the data shipped with launchgen lives: schemas, templates and charts.

An installed wheel carries them under `launchgen/_data/`; a source checkout keeps
them at the top of the repository, where people look for them.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@cache
def data_dir(name: str) -> Path:
    """The folder holding the shipped `name` data (schemas, templates or charts)."""
    for candidate in (_PACKAGE / "_data" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"launchgen installation is incomplete: no {name}/ data folder")


def schema_path(name: str) -> Path:
    return data_dir("schemas") / name


def template_dir(name: str) -> Path:
    return data_dir("templates") / name


def chart_dir(name: str) -> Path:
    return data_dir("charts") / name
