"""The one error type users see, and the exit codes it maps to.

Exit codes follow ruff: 0 clean, 1 problems found, 2 usage, configuration or
environment error. Anything else that escapes is a bug and is reported as such.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_ERROR = 2


class LaunchgenError(Exception):
    """A failure the user can act on: printed as one line, never as a traceback."""

    exit_code = EXIT_ERROR

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line

    def __str__(self) -> str:
        if self.path is None:
            return self.message
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.message}"


class ConfigError(LaunchgenError):
    """A configuration file or option is invalid."""


class InvalidNameError(LaunchgenError):
    """A service, environment or release name breaks a naming rule."""


class WouldOverwriteError(LaunchgenError):
    """Writing would overwrite or mix with work that launchgen did not create."""


class ToolError(LaunchgenError):
    """An external tool (helm, git) is missing, too old, or failed."""
