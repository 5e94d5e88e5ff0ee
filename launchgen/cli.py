"""The `launchgen` command line: parse options, call the API, map errors to exit codes.

A command is a module in `launchgen.commands` holding a click command `command` that
parses options, calls the library and returns its exit code (None for 0); it raises
LaunchgenError for anything the user can act on. The group below turns both into
the process's exit, once for every command. Commands import what they need when they
run, so `launchgen --help` and shell completion stay fast.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click

from launchgen import __version__
from launchgen.errors import EXIT_ERROR, EXIT_OK, LaunchgenError


@contextmanager
def errors_reported() -> Iterator[None]:
    """The one place errors become messages and exit codes (as pre-commit's
    error_handler): LaunchgenError is one red line and its exit code; Ctrl-C or SIGTERM
    exits 130 or 143; anything else is a bug, logged to a file. Never a traceback."""
    from launchgen.interrupts import signals_as_interrupts

    try:
        with signals_as_interrupts():
            yield
    except LaunchgenError as exc:
        from launchgen.display import printable

        # Messages carry names and paths from input: one escaped line, whatever they hold.
        click.secho(f"launchgen: error: {printable(str(exc), limit=4000)}", fg="red", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt as exc:
        # Ctrl-C, or SIGTERM (a cancelled CI job), which launchgen.interrupts turns
        # into the same exception so cleanup runs: exit 130 or 143.
        from launchgen.interrupts import interrupted_exit_code

        click.echo("launchgen: interrupted", err=True)
        sys.exit(interrupted_exit_code(exc))
    except (click.exceptions.Exit, click.ClickException, SystemExit):
        raise
    except Exception as exc:
        from launchgen.crash import write_crash_log
        from launchgen.display import printable

        log = write_crash_log(exc)
        click.secho(
            f"launchgen: internal error: {type(exc).__name__}: {printable(str(exc))} "
            f"(details in {log}; please report it)",
            fg="red",
            err=True,
        )
        sys.exit(EXIT_ERROR)


# Every command, by name: the module holding its click command `command`, and the
# one-line help shown by `launchgen --help` without importing that module.
COMMANDS: dict[str, tuple[str, str]] = {
    "new": (
        "launchgen.commands.new",
        "Generate a microservice's app and properties repos, or a middleware repo.",
    ),
    "lint": ("launchgen.commands.lint", "Check repos against the platform standard."),
    "rules": ("launchgen.commands.rules", "List the lint rules."),
    "explain": ("launchgen.commands.explain", "Explain a lint rule."),
    "diff": ("launchgen.commands.diff", "Compare two rendered deployments resource by resource."),
    "render": (
        "launchgen.commands.render",
        "Render the umbrella chart for an environment and app version.",
    ),
    "validate": (
        "launchgen.commands.validate",
        "Validate rendered manifests against Kubernetes schemas and the standard.",
    ),
    "package": (
        "launchgen.commands.package",
        "Package rendered manifests as a signed deployment bundle.",
    ),
    "verify": ("launchgen.commands.verify", "Verify a deployment bundle's signature and digests."),
    "keygen": ("launchgen.commands.keygen", "Create a signing key pair for deployment bundles."),
    "deploy": (
        "launchgen.commands.deploy",
        "Deploy a verified bundle with helm upgrade --install.",
    ),
    "publish": ("launchgen.commands.publish", "Publish a verified bundle for a GitOps engine."),
    "status": ("launchgen.commands.status", "Show what is deployed where."),
    "approve": ("launchgen.commands.approve", "Approve a monitored deployment."),
    "reject": ("launchgen.commands.reject", "Reject a deployment and roll it back."),
    "rollback": (
        "launchgen.commands.rollback",
        "Roll an environment back to an earlier deployment.",
    ),
    "prune": ("launchgen.commands.prune", "Remove old immutable deployments, keeping the last N."),
    "update": (
        "launchgen.commands.update",
        "Re-apply a newer launchgen template to a generated repo.",
    ),
}


def _available(name: str) -> bool:
    from importlib.util import find_spec

    return find_spec(COMMANDS[name][0]) is not None


class LazyGroup(click.Group):
    """A group that imports a command's module only when that command runs."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [name for name in COMMANDS if _available(name)]

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS or not _available(name):
            return None
        from importlib import import_module

        command: click.Command = import_module(COMMANDS[name][0]).command
        return command

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; what it returns is the exit code (None: 0)."""
        with errors_reported():
            code = super().invoke(ctx)
        if code not in (None, EXIT_OK):
            sys.exit(code)
        return None

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][1]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(
    cls=LazyGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, "--version", "-V", prog_name="launchgen")
def main() -> None:
    """Helm-based continuous deployment, the Launch platform way.

    Exit codes: 0 success, 1 problems found, 2 usage, configuration or
    environment error; 130 interrupted (Ctrl-C), 143 terminated (SIGTERM).
    """
