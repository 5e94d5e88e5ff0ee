"""The command group turns every command's outcome into the process's exit, once:
returned exit codes, LaunchgenError as one line, interrupts, and bugs as a crash log."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import Result

from launchgen import cli
from tests.helpers.cli import invoke


@pytest.fixture(autouse=True)
def fake_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(cli.COMMANDS, "fake", ("tests.cli.fakecommand", "A test command."))


def run(*args: str) -> Result:
    return invoke("fake", *args)


@pytest.mark.parametrize(
    ("code", "expected"), [([], 0), (["--code", "0"], 0), (["--code", "1"], 1)]
)
def test_the_returned_exit_code_is_the_process_exit(code: list[str], expected: int) -> None:
    result = run(*code)
    assert (result.exit_code, result.output) == (expected, "working\n")


def test_an_error_is_one_escaped_line_with_its_exit_code() -> None:
    usage = run("--fail", "usage")
    assert usage.exit_code == 2
    assert usage.output == "working\nlaunchgen: error: conf.yaml:3: bad \\x1b[31minput\n"
    problems = run("--fail", "problems")
    assert (problems.exit_code, problems.output) == (1, "working\nlaunchgen: error: refused\n")


def test_an_interrupt_exits_130() -> None:
    result = run("--fail", "interrupt")
    assert (result.exit_code, result.output) == (130, "working\nlaunchgen: interrupted\n")


def test_a_bug_goes_to_a_crash_log_not_the_screen() -> None:
    result = run("--fail", "bug")
    assert result.exit_code == 2
    match = re.fullmatch(
        r"working\nlaunchgen: internal error: RuntimeError: boom "
        r"\(details in (\S+); please report it\)\n",
        result.output,
    )
    assert match, result.output
    log = Path(match[1])
    try:
        assert 'raise RuntimeError("boom")' in log.read_text()
    finally:
        log.unlink()


def test_usage_errors_stay_clicks() -> None:
    result = run("--fail", "nonsense")
    assert result.exit_code == 2 and "Invalid value for '--fail'" in result.output
    assert "launchgen: error" not in result.output
