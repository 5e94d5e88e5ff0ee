"""The JSON format: every problem with all its fields."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from launchgen.problem import Problem


def report(problems: Sequence[Problem], **_: Any) -> str:
    return json.dumps({"problems": [p.as_dict() for p in problems]}, indent=2) + "\n"
