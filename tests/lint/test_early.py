"""yamllint started before the config is read (lint/early.py), identical files linted once,
and the parser's alias-abuse shortcut: faster, with the same problems reported."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from launchgen.lint import early, lint, yamldoc, yamllint_proc
from launchgen.lint.cache import Cache
from launchgen.lint.yamldoc import MAX_EXPANDED_NODES, parse
from launchgen.problem import Problem

DEV = "envs/dev/values.yaml"
BAD = "replicaCount:   1\n"  # yamllint: too many spaces after colon


def configure(repo: Path, section: str) -> None:
    path = repo / ".launchgen.yaml"
    path.write_text(path.read_text() + section)


def yamllint_hits(problems: list[Problem]) -> list[tuple[str, int, int]]:
    return [(p.path, p.line, p.column) for p in problems if p.rule == "yaml-lint"]


def test_named_files_are_linted_by_the_early_start(props: Path) -> None:
    (props / DEV).write_text(BAD)
    assert yamllint_hits(lint([str(props / DEV)])) == [(DEV, 1, 16)]
    assert yamllint_hits(lint([str(props / DEV)])) == [(DEV, 1, 16)]  # from the cache


@pytest.mark.parametrize(
    "setting",
    [
        "lint:\n  yamllint: false\n",
        "lint:\n  rules:\n    yaml-lint: disable\n",
        "lint:\n  ignore: [envs/dev/]\n",
    ],
)
def test_early_processes_the_config_does_not_want_are_dropped(
    props: Path, setting: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    (props / DEV).write_text(BAD)
    configure(props, setting)
    dropped: list[set[str]] = []
    real = yamllint_proc.Batch.drop

    def recording(self: yamllint_proc.Batch, unwanted: set[str]) -> None:
        dropped.append(set(unwanted))
        real(self, unwanted)

    monkeypatch.setattr(yamllint_proc.Batch, "drop", recording)
    assert yamllint_hits(lint([str(props / DEV)])) == []
    # Paths are relative to the repo when its .yamllint has `ignore` patterns (yamllint
    # then runs in the repo), absolute otherwise: either way, the one file is dropped.
    assert [{str(props / f) for f in files} for files in dropped] == [{str(props / DEV)}]


def test_dropped_processes_are_stopped(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("a: 1\n")
    batch = yamllint_proc.Batch()
    batch.start(yamllint_proc.DEFAULT_CONFIG, [str(tmp_path / "a.yaml")], tmp_path, what="yamllint")
    batch.drop({str(tmp_path / "a.yaml")})
    assert batch.results() == {} and batch.failures == []


def test_files_the_early_start_skips_are_left_to_the_engine(props: Path) -> None:
    # Bigger than the default limit, allowed by the repo's setting: started by the engine.
    big = BAD + "".join(f"k{i}: {'x' * 90}\n" for i in range(12_000))
    (props / DEV).write_text(big)
    configure(
        props,
        "lint:\n  rules:\n    files-too-large:\n      max-bytes: 4000000\n      max-lines: 20000\n",
    )
    started = early.start([str(props / DEV)], Cache(None, False), yamllint=True)
    try:
        assert started.files == {}
    finally:
        started.batch.close()
    assert yamllint_hits(lint([str(props / DEV)], cache=False)) == [(DEV, 1, 16)]


def test_prestart_is_taken_over_only_by_the_same_request(
    props: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (props / DEV).write_text(BAD)
    monkeypatch.chdir(props)
    early.prestart(["--strict", "-f", "json", DEV])
    assert early.take([DEV], cache=True) is not None  # what lint_repos does with it
    early.prestart([DEV])
    assert early.take(["envs/test/values.yaml"], cache=True) is None  # another request: stopped
    for argv in (["--fix", DEV], ["--no-yamllint", DEV], ["--help"], [], ["--unknown", DEV]):
        early.prestart(argv)
        assert early.take([DEV], cache=True) is None, argv
    early.prestart(["--no-cache", DEV])
    assert early.take([DEV], cache=True) is None  # the cache setting differs
    early.prestart([DEV])
    assert yamllint_hits(lint([DEV])) == [(DEV, 1, 16)]


def test_the_early_scan_knows_every_option_of_the_lint_command() -> None:
    """lint/flags.py declares the command's options once: click and the early scan read it."""
    import click

    from launchgen.commands.lint import command
    from launchgen.lint import flags

    declared = {s for flag in flags.FLAGS for s in flag.spellings}
    options = [p for p in command.params if isinstance(p, click.Option)]
    assert {s for p in options for s in [*p.opts, *p.secondary_opts]} == declared
    takes_value = {s for p in options if not p.is_flag for s in p.opts}
    assert takes_value == {s for flag in flags.FLAGS if flag.value for s in flag.spellings}
    for word in ("--scope", "--fix", "--no-yamllint"):  # change what yamllint is given
        early.prestart([word, "repo" if word == "--scope" else DEV])
        assert early.take([DEV], cache=True) is None, word


def test_prestart_through_an_entry_point(props: Path) -> None:
    """What launchgen.cli would do: prestart, then the command, same output as without."""
    (props / DEV).write_text(BAD)
    entry = (
        "import sys; from launchgen.lint.early import prestart; prestart(sys.argv[2:]); "
        "from launchgen.cli import main; main()"
    )
    args = ["lint", "--no-cache", DEV]
    with_prestart = subprocess.run(
        [sys.executable, "-c", entry, *args], cwd=props, capture_output=True, text=True
    )
    without = subprocess.run(
        [sys.executable, "-m", "launchgen", *args], cwd=props, capture_output=True, text=True
    )
    assert with_prestart.returncode == without.returncode == 1
    assert with_prestart.stdout == without.stdout and "(colons)" in without.stdout


def test_identical_files_are_linted_once_and_both_reported(
    props: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Dedup across repos needs one yamllint run for both: a .yamllint without `ignore`
    # patterns (those are relative to a repo, so such repos get a run each).
    (props / ".yamllint").write_text(
        "extends: default\nrules:\n  document-start: disable\n"
        "  line-length: {max: 160}\n  truthy: {check-keys: false}\n"
    )
    twin = tmp_path / "twin"
    shutil.copytree(props, twin)
    for repo in (props, twin):
        (repo / DEV).write_text(BAD)
    given: list[str] = []
    real = yamllint_proc.Batch.start

    def recording(
        self: yamllint_proc.Batch, config: str, files: list[str], cwd: Path, what: str
    ) -> None:
        given.extend(files)
        real(self, config, files, cwd, what)

    monkeypatch.setattr(yamllint_proc.Batch, "start", recording)
    results = lint([str(props), str(twin)], cache=False)
    assert sorted(yamllint_hits(results)) == [(DEV, 1, 16), (DEV, 1, 16)]
    assert len([f for f in given if f.endswith(DEV)]) == 1
    # With `ignore` patterns (matched against paths), every file is linted in its repo.
    for repo in (props, twin):
        (repo / ".yamllint").write_text(
            (repo / ".yamllint").read_text() + "ignore: |\n  nothing/\n"
        )
    given.clear()
    assert sorted(yamllint_hits(lint([str(props), str(twin)], cache=False))) == [
        (DEV, 1, 16),
        (DEV, 1, 16),
    ]
    assert len([f for f in given if f.endswith(DEV)]) == 2


def test_config_without_a_colon_goes_through_a_file(props: Path) -> None:
    (props / DEV).write_text(BAD)
    (props / ".yamllint").write_text("# nothing but a comment\n")  # yamllint: not a mapping
    via_cli = lint([str(props / DEV)], cache=False)
    assert [p.rule for p in via_cli] == ["yaml-lint"] and "yamllint failed" in via_cli[0].message


@pytest.mark.parametrize(
    ("text", "checked"),
    [
        ("a: 1\nb: [1, 2]\n", False),
        ("cron: '*/5 * * * 1'\npaths: ['**/*.yaml', 'a*b']\nrun: echo 2 * 3\n", False),
        ("a: &x 1\nb: *x\n", True),
        ("a: &x [1]\nb: [*x]\nc: {k: *x}\n", True),
        ('{"a": &x 1, "b":*x}\n', True),
        ("base: &b {x: 1}\nother:\n  <<: *b\n", True),
        ("run: echo *.yaml\n", True),  # looks like an alias: checked, harmlessly
    ],
)
def test_alias_abuse_is_checked_when_it_could_be_found(
    text: str, checked: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[object] = []
    real = yamldoc._alias_abuse

    def counting(root: object) -> object:
        calls.append(root)
        return real(root)

    monkeypatch.setattr(yamldoc, "_alias_abuse", counting)
    parsed = parse(text)
    assert parsed.document is not None and bool(calls) == checked


def test_alias_abuse_still_found() -> None:
    bomb = "a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(6)
    )
    assert parse(bomb).alias_abuse is not None
    assert parse("a: &a\n  b: *a\n").alias_abuse is not None  # a cycle
    # Many nodes and no alias are measured as before.
    many = "[" + ",".join(["1"] * (MAX_EXPANDED_NODES + 10)) + "]\n"
    assert parse(many).alias_abuse is not None
    # A chain of merge keys: quadratic to build, refused before building.
    chain = "l0: &l0 {k0: 0}\n" + "".join(
        f"l{i}: &l{i} {{<<: *l{i - 1}, k{i}: {i}}}\n" for i in range(1, 600)
    )
    assert parse(chain).alias_abuse is not None


def test_console_script_exit_codes_and_output(tmp_path: Path) -> None:
    """The console entry point ends lint runs without the interpreter's teardown: the
    exit code and every line of output must survive that."""
    import subprocess
    import sys

    from launchgen.scaffold import new
    from tests.conftest import make_answers

    new(make_answers(), tmp_path, git=False)
    values = tmp_path / "checkout-properties" / "envs" / "dev" / "values.yaml"
    entry = [
        sys.executable,
        "-c",
        "import sys; from launchgen.entry import main; sys.argv[0] = 'launchgen'; main()",
    ]
    clean = subprocess.run([*entry, "lint", str(values)], capture_output=True, text=True)
    assert (clean.returncode, clean.stdout) == (0, "All checks passed!\n")
    values.write_text(values.read_text() + "appVersion: 1.2.3\n")
    dirty = subprocess.run(
        [*entry, "lint", "--format", "json", str(values)], capture_output=True, text=True
    )
    assert dirty.returncode == 1
    assert '"rule": "properties-forbidden-keys"' in dirty.stdout and dirty.stdout.endswith("}\n")
    usage = subprocess.run(
        [*entry, "lint", "--no-such-option", str(values)], capture_output=True, text=True
    )
    assert usage.returncode == 2 and "No such option" in usage.stderr
