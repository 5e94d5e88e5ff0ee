"""What a YAML file is, told cheaply: by its path, and a bound of its nesting depth.

Kept apart from the rule contract and the parser so that the early yamllint start
(lint/early.py) can use them before anything heavier is imported.
"""

from __future__ import annotations

# Deeper nesting than this is refused before parsing (see yamldoc.py).
MAX_DEPTH = 200

# YAML files are *.yaml, *.yml and .yamllint, except in these folders: helm templates
# are Go templates, packaged charts are archives.
NOT_YAML_DIRS = ("templates/", "charts/", ".git/")


def is_yaml_path(relpath: str) -> bool:
    if not (relpath.endswith((".yaml", ".yml")) or relpath.rsplit("/", 1)[-1] == ".yamllint"):
        return False
    # Also a nested chart's (the app repo's data/ chart): its templates are Go templates.
    return not relpath.startswith(NOT_YAML_DIRS) and not any(
        f"/{d}" in relpath for d in NOT_YAML_DIRS
    )


def depth_bound(text: str) -> int:
    """An upper bound of the nesting depth, cheap to compute: every level needs a new
    line or one of these indicators."""
    return text.count("\n") + sum(text.count(c) for c in "[{-?")
