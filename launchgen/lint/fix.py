"""--fix: apply the rules' mechanical edits, touching nothing else in the file.

Edits are character spans of the decoded text; everything outside them, comments,
line endings and a BOM's absence included, is written back exactly as it was.
"""

from __future__ import annotations

import codecs
import os
import stat
from collections.abc import Iterable

from launchgen.files import atomic_write
from launchgen.lint.contract import Edit
from launchgen.lint.source import SourceFile


def apply(source: SourceFile, edits: Iterable[Edit]) -> bool:
    """Write `source` with the non-overlapping `edits`; True when the file changed."""
    text = source.text
    raw = source.raw
    if text is None or raw is None:
        return False
    drop_bom = False
    chosen: list[Edit] = []
    for edit in sorted(set(edits), key=lambda e: (e.start, e.end)):
        if edit.start == edit.end == 0 and edit.text == "":
            drop_bom = True  # files-bom: the BOM is not part of the text
            continue
        if chosen and edit.start < chosen[-1].end:
            continue  # overlapping: the next --fix pass gets it
        chosen.append(edit)
    for edit in reversed(chosen):
        text = text[: edit.start] + edit.text + text[edit.end :]
    data = text.encode("utf-8")
    if source.bom and not drop_bom:
        data = codecs.BOM_UTF8 + data
    if data == raw:
        return False
    atomic_write(source.path, data, mode=stat.S_IMODE(os.stat(source.path).st_mode))
    return True
