"""Errors of bundle verification: what did not match, exit code 1."""

from __future__ import annotations

from launchgen.errors import EXIT_PROBLEMS, LaunchgenError


class VerifyError(LaunchgenError):
    """The bundle does not verify: signature, digest, file set or archive bytes."""

    exit_code = EXIT_PROBLEMS
