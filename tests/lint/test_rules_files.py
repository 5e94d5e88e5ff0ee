"""files family: size, encoding, BOM, unreadable files, symlinks out of the repo."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.lint.helpers import check

DEV = "envs/dev/values.yaml"


def test_too_large_file_is_not_read(props: Path) -> None:
    big = props / DEV
    with open(big, "wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # 50 MB, sparse: cheap to make
    check(props, {}, "files-too-large", (DEV, 1, 1))


def test_max_bytes_option(props: Path) -> None:
    config = (
        props / ".launchgen.yaml"
    ).read_text() + "lint:\n  rules:\n    files-too-large:\n      max-bytes: 10\n"
    problems = check(
        props,
        {".launchgen.yaml": config},
        "files-too-large",
        (DEV, 1, 1),
        ("envs/test/values.yaml", 1, 1),
        ("envs/prod/values.yaml", 1, 1),
        (".yamllint", 1, 1),
        (".pre-commit-config.yaml", 1, 1),
        (".launchgen.yaml", 1, 1),
    )
    assert problems


def test_not_utf8(props: Path) -> None:
    check(props, {DEV: b"a: 1\nb: caf\xe9\n"}, "files-encoding", (DEV, 2, 1))


def test_bom_is_a_warning(props: Path) -> None:
    problems = check(props, {DEV: b"\xef\xbb\xbfreplicaCount: 1\n"}, "files-bom", (DEV, 1, 1))
    assert {p.rule for p in problems} == {"files-bom"}


def test_symlink_outside_the_repo(props: Path, tmp_path: Path) -> None:
    outside = tmp_path / "secret.yaml"
    outside.write_text("password: x\n")
    os.symlink(outside, props / "envs" / "dev" / "linked.yaml")
    problems = check(props, {}, "files-symlink-outside", ("envs/dev/linked.yaml", 1, 1))
    assert not [p for p in problems if p.rule == "secrets-plaintext"]


def test_symlinked_folder_outside_the_repo(props: Path, tmp_path: Path) -> None:
    (tmp_path / "elsewhere").mkdir()
    os.symlink(tmp_path / "elsewhere", props / "envs" / "linked")
    check(props, {}, "files-symlink-outside", ("envs/linked", 1, 1))


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifo_is_never_opened(props: Path) -> None:
    os.mkfifo(props / "envs" / "dev" / "pipe.yaml")
    check(props, {}, "files-unreadable", ("envs/dev/pipe.yaml", 1, 1))
