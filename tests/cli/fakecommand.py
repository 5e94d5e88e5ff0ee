"""A command for the tests of the command group: it fails or returns as told."""

from __future__ import annotations

import click

from launchgen.errors import EXIT_PROBLEMS, LaunchgenError


class Refused(LaunchgenError):
    exit_code = EXIT_PROBLEMS


@click.command()
@click.option("--code", type=int, default=None)
@click.option("--fail", type=click.Choice(["usage", "problems", "bug", "interrupt"]))
def command(code: int | None, fail: str | None) -> int | None:
    click.echo("working")
    if fail == "usage":
        raise LaunchgenError("bad \x1b[31minput", path="conf.yaml", line=3)
    if fail == "problems":
        raise Refused("refused")
    if fail == "bug":
        raise RuntimeError("boom")
    if fail == "interrupt":
        raise KeyboardInterrupt
    return code
