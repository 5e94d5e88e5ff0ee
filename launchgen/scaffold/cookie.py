"""Rendering one cookiecutter template, without touching the user's cookiecutter state.

cookiecutter's `cookiecutter()` entry point reads ~/.cookiecutterrc and writes replay
files to the home folder; generating from the lower-level API keeps `launchgen new`
hermetic and reproducible.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from launchgen.resources import template_dir


def render_template(name: str, context: Mapping[str, Any], output_dir: Path) -> Path:
    """Render template `name` with `context` into `output_dir`; returns the project folder."""
    from cookiecutter.generate import generate_context, generate_files

    template = template_dir(name)
    cookie_context = generate_context(
        context_file=str(template / "cookiecutter.json"),
        extra_context={k: v for k, v in context.items()},
    )
    cookie_context["cookiecutter"]["_template"] = str(template)
    project = generate_files(
        repo_dir=str(template),
        context=cookie_context,
        output_dir=str(output_dir),
        overwrite_if_exists=False,
        accept_hooks=False,
    )
    return Path(project)
