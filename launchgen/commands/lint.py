"""`launchgen lint`: parse options into a LintRequest and hand it to `execute`."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, replace
from pathlib import Path

import click

from launchgen.display import printable
from launchgen.errors import EXIT_OK, EXIT_PROBLEMS
from launchgen.lint import flags


@dataclass(frozen=True)
class LintRequest:
    paths: tuple[str, ...]
    format: str
    strict: bool = False
    fix: bool = False
    cache: bool = True
    yamllint: bool = True
    color: bool = False
    base: str | None = None
    head: str = "HEAD"
    scope: str = "all"


SUCCESS = "All checks passed!"


def execute(request: LintRequest) -> int:
    """Lint, print the report, and return the exit code (0 clean, 1 problems failing the run)."""
    from launchgen.lint import lint_repos

    # Nothing else is imported before lint_repos: it starts yamllint first thing.
    results = lint_repos(
        list(request.paths),
        fix=request.fix,
        cache=request.cache,
        yamllint=request.yamllint,
        base=request.base,
        head=request.head,
        scope=request.scope,
    )
    from launchgen.lint.rules import RULES
    from launchgen.problem import count_failing
    from launchgen.report import render

    # One repo: paths relative to its root (as the JSON format promises); several: to here.
    cwd = None if len(results) == 1 else Path.cwd()
    problems = []
    for result in results:
        for relpath in result.fixed:
            click.echo(
                f"fixed {printable(_shown(result.root, relpath, cwd), limit=1000)}", err=True
            )
        for relpath in result.not_fixed:
            click.echo(
                f"not fixed {printable(_shown(result.root, relpath, cwd), limit=1000)}: a symlink; --fix never "
                "writes through one (run it on the file it points to)",
                err=True,
            )
        problems += [replace(p, path=_shown(result.root, p.path, cwd)) for p in result.problems]
    rule_help = {rule_id: rule.summary for rule_id, rule in RULES.items()}
    click.echo(render(problems, request.format, color=request.color, rule_help=rule_help), nl=False)
    if not problems and request.format == "text":
        # As ruff: one line on success, in the text format only (the others stay machine-readable).
        click.echo(SUCCESS)
    return EXIT_PROBLEMS if count_failing(problems, strict=request.strict) else EXIT_OK


def _shown(root: Path, relpath: str, cwd: Path | None) -> str:
    """The path as the user sees it: relative to the current folder when inside it."""
    if cwd is None or root == cwd:
        return relpath
    shown = os.path.relpath(root / relpath, cwd)
    return Path(shown).as_posix() if not shown.startswith("..") else (root / relpath).as_posix()


def _formats() -> list[str]:
    from launchgen.report import FORMATS

    return list(FORMATS)


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option(
    *flags.FORMAT.names,
    "fmt",
    type=click.Choice(_formats()),
    default=None,
    help="Report format. [default: github under GitHub Actions, else text]",
)
@click.option(*flags.STRICT.names, is_flag=True, help="Fail (exit 1) on warnings too.")
@click.option(
    *flags.FIX.names,
    is_flag=True,
    help="Apply mechanical fixes in place, then report what remains.",
)
@click.option(
    *flags.NO_CACHE.names, is_flag=True, help="Ignore and do not update the result cache."
)
@click.option(
    *flags.NO_YAMLLINT.names, is_flag=True, help="Skip yamllint (the repo's other rules still run)."
)
@click.option(*flags.COLOR.names, default=None, help="Colour text output. [default: on a terminal]")
@click.option(
    *flags.BASE.names,
    metavar="REF",
    help="Also gate the change from this git revision to --head (branch, tag or SHA). "
    "[default: $PRE_COMMIT_FROM_REF under pre-commit]",
)
@click.option(
    *flags.SCOPE.names,
    type=click.Choice(["all", "repo"]),
    default="all",
    show_default=True,
    help="repo: only what the per-file hook cannot see (cross-file and revision rules, non-YAML files); "
    "the launchgen-lint-repo pre-commit hook.",
)
@click.option(
    *flags.HEAD.names,
    metavar="REF",
    help="The revision gated against --base. [default: $PRE_COMMIT_TO_REF, else HEAD]",
)
def command(
    paths: tuple[str, ...],
    fmt: str | None,
    strict: bool,
    fix: bool,
    no_cache: bool,
    no_yamllint: bool,
    color: bool | None,
    base: str | None,
    head: str | None,
    scope: str,
) -> int:
    """Check repos against the platform standard.

    PATHS are repo roots (every rule), files or folders in a repo (per-file rules, as
    the pre-commit hook runs them), or folders holding repos. Default: the current folder.

    Exit codes: 0 no errors (warnings allowed), 1 errors (with --strict, warnings too),
    2 usage, configuration or environment error.
    """
    from launchgen.report import default_format

    if color is None:
        color = sys.stdout.isatty() and "NO_COLOR" not in os.environ
    # pre-commit's pre-push stage says which revisions are being pushed.
    base = base or os.environ.get("PRE_COMMIT_FROM_REF") or None
    head = head or os.environ.get("PRE_COMMIT_TO_REF") or "HEAD"
    request = LintRequest(
        paths=paths or (".",),
        format=fmt or default_format(),
        strict=strict,
        fix=fix,
        cache=not no_cache,
        yamllint=not no_yamllint,
        color=color,
        base=base,
        head=head,
        scope=scope,
    )
    return execute(request)
