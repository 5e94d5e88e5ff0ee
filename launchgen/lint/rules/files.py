"""Files: every YAML file must be readable as what it claims to be, safely.

These rules run before any parsing, so a hostile or broken file (too big, not UTF-8,
a link out of the repo) is reported at its path instead of being parsed. Reading a
file (lint/source.py) records why it failed; `explained` below says which rule reports
that and how.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from typing import Any

from launchgen.lint.contract import YAML, Context, Edit, Hit, is_yaml_path, rule
from launchgen.lint.source import DEFAULT_MAX_BYTES, DEFAULT_MAX_LINES, Unreadable

TOO_LARGE = "files-too-large"
_OUTSIDE_HINT = "commit the file itself; a link outside the repo differs on every machine"
_BYTES_HINT = "split the file, or raise files-too-large's max-bytes option"

# Why a file could not be read (Unreadable.reason) -> the rule reporting it, its message
# (formatted with the Unreadable's fields) and its hint.
_EXPLAINED = {
    "outside": (
        "files-symlink-outside",
        "symlink pointing outside the repo, to {detail}",
        _OUTSIDE_HINT,
    ),
    "not-regular": ("files-unreadable", "not a regular file", "replace it with a regular file"),
    "os-error": ("files-unreadable", "cannot read: {detail}", "check the file's permissions"),
    "bytes": (
        TOO_LARGE,
        "file is {detail} bytes, over the {limit}-byte limit; not parsed",
        _BYTES_HINT,
    ),
    "grew": (TOO_LARGE, "file is over the {limit}-byte limit; not parsed", _BYTES_HINT),
    "lines": (
        TOO_LARGE,
        "file has {detail} lines and flow items, over the {limit} limit; not parsed",
        "split the file, or raise files-too-large's max-lines option",
    ),
    "encoding": (
        "files-encoding",
        "{detail}",
        "save the file as UTF-8 (without a byte order mark)",
    ),
}


def explained(why: Unreadable) -> tuple[str, Hit]:
    """The rule id reporting an unreadable file, and its hit."""
    rule_id, message, hint = _EXPLAINED[why.reason]
    return rule_id, Hit(message.format(**why._asdict()), hint, line=why.line)


def read_limits(options: Mapping[str, Any]) -> tuple[int, int]:
    """files-too-large's max-bytes and max-lines, as files are read with: a positive
    integer, else the default."""

    def limit(option: str, default: int) -> int:
        value = options.get(option)
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            return value
        return default

    return limit("max-bytes", DEFAULT_MAX_BYTES), limit("max-lines", DEFAULT_MAX_LINES)


def _unreadable(ctx: Context, rule_id: str) -> Iterator[Hit]:
    source = ctx.file
    assert source is not None
    source.text  # noqa: B018 - reading records why a file is unreadable
    if source.unreadable is not None:
        reported_by, hit = explained(source.unreadable)
        if reported_by == rule_id:
            yield hit


@rule(
    TOO_LARGE,
    scope="file",
    files=(YAML,),
    options={"max-bytes": DEFAULT_MAX_BYTES, "max-lines": DEFAULT_MAX_LINES},
)
def too_large(ctx: Context) -> Iterator[Hit]:
    """A YAML file is larger than `max-bytes` (default 1 MiB) or longer than `max-lines`
    (default 10,000 lines, each comma counted as a line too: a flow collection's items)
    and is not parsed.

    Values and chart files are small; a huge one is a mistake (a generated dump, a
    binary committed by accident) or an attack on the parser: yamllint's time grows
    faster than the file (100,000 keys take minutes). The file is skipped, so nothing
    else is checked in it, by launchgen or by yamllint.

    Fix: split the file, or raise the limits:

        lint:
          rules:
            files-too-large: {max-bytes: 5000000, max-lines: 50000}
    """
    yield from _unreadable(ctx, TOO_LARGE)


@rule("files-encoding", scope="file", files=("*",))
def encoding(ctx: Context) -> Iterator[Hit]:
    """A YAML file is not valid UTF-8, or a file's name is not.

    Helm reads values as UTF-8; other encodings (Latin-1, UTF-16) break silently or
    loudly depending on the bytes. The problem points at the first bad byte's line.
    A file name that is not UTF-8 cannot be shown, reviewed or checked out alike on
    every machine; it is reported with the bad bytes escaped.
    """
    source = ctx.file
    assert source is not None
    try:
        source.relpath.encode("utf-8")
    except UnicodeEncodeError:
        yield Hit("file name is not valid UTF-8", "rename the file (UTF-8 names only)")
    if is_yaml_path(source.relpath):
        yield from _unreadable(ctx, "files-encoding")


@rule("files-bom", scope="file", files=(YAML,), severity="warning", fixable=True)
def bom(ctx: Context) -> Iterator[Hit]:
    """A YAML file starts with a UTF-8 byte order mark.

    Some YAML tools (and `helm --set-file`) keep the BOM as part of the first key.
    `launchgen lint --fix` removes it.
    """
    source = ctx.file
    assert source is not None
    if source.text is not None and source.bom:
        # An empty edit at 0 tells the fixer to drop the BOM (it is not in the text).
        yield Hit(
            "file starts with a UTF-8 byte order mark",
            "save without BOM (or run launchgen lint --fix)",
            fix=Edit(0, 0, ""),
        )


@rule("files-unreadable", scope="file", files=(YAML,))
def unreadable(ctx: Context) -> Iterator[Hit]:
    """A YAML file cannot be read: permissions, or not a regular file (a FIFO, a device).

    Such files are never opened for reading, so the linter cannot hang on them.
    """
    yield from _unreadable(ctx, "files-unreadable")


@rule("files-symlink-outside", scope="file", files=("*",))
def symlink_outside(ctx: Context) -> Iterator[Hit]:
    """A file or folder is a symlink pointing outside the repo.

    What it points at differs between machines and is not reviewed with the repo, so
    it is never followed or read. Commit the content itself.
    """
    source = ctx.file
    assert source is not None
    if os.path.islink(source.path):
        target = os.path.realpath(source.path)
        if not target.startswith(os.path.realpath(source.root) + os.sep):
            yield explained(Unreadable("outside", target))[1]
    elif is_yaml_path(source.relpath):
        yield from _unreadable(ctx, "files-symlink-outside")  # a folder on the way is the link


RULES = (too_large, encoding, bom, unreadable, symlink_outside)
