"""files family: size, encoding, BOM, unreadable files, symlinks out of the repo."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from launchgen.lint.contract import Hit
from launchgen.lint.rules import RULES
from launchgen.lint.rules.files import explained
from launchgen.lint.source import Unreadable
from tests.lint.helpers import PROPS_ENVS, Case, bad, good, params, props

DEV = "envs/dev/values.yaml"
LINK = "envs/dev/linked.yaml"


def sparse_50_mb(root: Path) -> None:
    with open(root / DEV, "wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # cheap to make, never read


def link_out(root: Path) -> None:
    outside = root.parent / "secret.yaml"
    outside.write_text("password: x\n")
    os.symlink(outside, root / LINK)


def link_folder_out(root: Path) -> None:
    (root.parent / "elsewhere").mkdir()
    os.symlink(root.parent / "elsewhere", root / "envs" / "linked")


def link_in(root: Path) -> None:
    os.symlink("values.yaml", root / LINK)


def fifo(root: Path) -> None:
    os.mkfifo(root / "envs" / "dev" / "pipe.yaml")


TINY = "lint:\n  rules:\n    files-too-large:\n      max-bytes: 10\n"

CASES = [
    bad("files-too-large", props(PROPS_ENVS), (DEV, 1, 1), setup=sparse_50_mb),
    bad(
        "files-too-large",
        props({DEV: "a: 1\nb: 2\nc: 3\n"}, lint=TINY),
        (DEV, 1, 1),
        (".launchgen.yaml", 1, 1),
    ),
    bad(
        "files-too-large",
        props(
            {DEV: "a: [" + ", ".join(["1"] * 20) + "]\n"},
            lint="lint:\n  rules:\n    files-too-large: {max-lines: 10}\n",
        ),
        (DEV, 1, 1),
    ),
    good("files-too-large", props(PROPS_ENVS)),
    bad("files-encoding", props({**PROPS_ENVS, DEV: b"a: 1\nb: caf\xe9\n"}), (DEV, 2, 1)),
    good("files-encoding", props({**PROPS_ENVS, DEV: "a: café\n"})),
    bad("files-bom", props({**PROPS_ENVS, DEV: b"\xef\xbb\xbfreplicaCount: 1\n"}), (DEV, 1, 1)),
    good("files-bom", props({**PROPS_ENVS, DEV: "replicaCount: 1\n"})),
    bad("files-symlink-outside", props(PROPS_ENVS), (LINK, 1, 1), setup=link_out),
    bad("files-symlink-outside", props(PROPS_ENVS), ("envs/linked", 1, 1), setup=link_folder_out),
    good("files-symlink-outside", props(PROPS_ENVS), setup=link_in),
    good("files-unreadable", props(PROPS_ENVS)),
]
if hasattr(os, "mkfifo"):
    CASES.append(
        bad("files-unreadable", props(PROPS_ENVS), ("envs/dev/pipe.yaml", 1, 1), setup=fifo)
    )


@pytest.mark.parametrize("case", params(*CASES))
def test_case(case: Case, tmp_path: Path) -> None:
    case.check(tmp_path)


def test_bom_is_a_warning_and_nothing_else(tmp_path: Path) -> None:
    case = bad(
        "files-bom", props({**PROPS_ENVS, DEV: b"\xef\xbb\xbfreplicaCount: 1\n"}), (DEV, 1, 1)
    )
    assert [(p.rule, p.severity) for p in case.check(tmp_path)] == [("files-bom", "warning")]


def test_a_link_out_is_never_read(tmp_path: Path) -> None:
    problems = bad("files-symlink-outside", props(PROPS_ENVS), (LINK, 1, 1), setup=link_out).check(
        tmp_path
    )
    assert "secrets-plaintext" not in {p.rule for p in problems}  # "password: x" is not read
    link = next(p for p in problems if p.rule == "files-symlink-outside")
    assert "secret.yaml" in link.message


@pytest.mark.parametrize(
    ("why", "rule", "message"),
    [
        (
            Unreadable("grew", "", 10),
            "files-too-large",
            "file is over the 10-byte limit; not parsed",
        ),
        (
            Unreadable("os-error", "Permission denied"),
            "files-unreadable",
            "cannot read: Permission denied",
        ),
        (
            Unreadable("outside", "/etc/{x}"),
            "files-symlink-outside",
            "symlink pointing outside the repo, to /etc/{x}",
        ),
    ],
)
def test_every_reason_a_read_fails_is_reported_by_a_files_rule(
    why: Unreadable, rule: str, message: str
) -> None:
    """What trees cannot make (a file growing while read, EACCES as root) is told the same way."""
    assert explained(why) == (rule, Hit(message, explained(why)[1].hint))
    assert rule in RULES and explained(why)[1].hint
