"""Waiting for a server a test started: its URL answers, or it died, or time ran out."""

from __future__ import annotations

import subprocess
import time
import urllib.request
from collections.abc import Callable


def wait_for_url(
    url: str,
    proc: subprocess.Popen[bytes],
    seconds: float,
    failure: Callable[[], Exception],
) -> None:
    """Return once `url` answers; raise `failure()` if `proc` exits or `seconds` pass first."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise failure() from None
            time.sleep(0.1)
