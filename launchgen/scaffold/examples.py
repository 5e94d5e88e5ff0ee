"""The example repos kept in examples/: one definition, used by the script that writes
them and by the test that checks they still match what the generator produces."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from launchgen.scaffold import new
from launchgen.scaffold.answers import Answers, VendorChart

EXAMPLES: tuple[Answers, ...] = (
    Answers(
        kind="app",
        name="checkout",
        environments=("dev", "test", "prod"),
        description="Takes orders and payments for the web shop",
        secrets="external",
        data=True,
    ),
    Answers(
        kind="middleware",
        name="orders-db",
        environments=("dev", "test", "prod"),
        vendor_chart=VendorChart(
            "postgresql", "oci://registry-1.docker.io/bitnamicharts", "16.4.1"
        ),
    ),
)


def generate_examples(destination: Path) -> None:
    """(Re)write every example under `destination`, replacing what was there."""
    with tempfile.TemporaryDirectory() as scratch:
        for answers in EXAMPLES:
            new(answers, Path(scratch), git=False)
        for generated in sorted(Path(scratch).iterdir()):
            target = destination / generated.name
            if target.exists():
                shutil.rmtree(target)
            shutil.copytree(generated, target)
