"""Regenerate examples/ from the generator: `python scripts/gen_examples.py`."""

from __future__ import annotations

from pathlib import Path

from launchgen.scaffold.examples import generate_examples

if __name__ == "__main__":
    generate_examples(Path(__file__).resolve().parents[1] / "examples")
