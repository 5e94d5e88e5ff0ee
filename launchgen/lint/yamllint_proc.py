"""yamllint, run as separate processes (it is GPL-3.0: launchgen never imports it).

Files sharing a yamllint configuration are linted by the same processes; big batches
are split over the CPUs. The processes start before launchgen's own rules run and are
collected after, so yamllint's time overlaps ours.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

# yamllint's defaults, relaxed where generated repos legitimately differ: no
# `---` required, GitHub's `on:` key, 160-character lines.
DEFAULT_CONFIG = """\
extends: default
rules:
  document-start: disable
  line-length:
    max: 160
  truthy:
    check-keys: false
  comments:
    min-spaces-from-content: 1
"""
CONFIG_FILES = (".yamllint", ".yamllint.yaml", ".yamllint.yml")
_LINE = re.compile(
    r"^(?P<path>.*):(?P<line>\d+):(?P<column>\d+): \[(?P<level>error|warning)\] (?P<message>.*?)"
    r"(?: \((?P<rule>[a-z0-9-]+)\))?$"
)
FILES_PER_PROCESS = 400
TIMEOUT_SECONDS = 120.0
MAX_INLINE_CONFIG = 32 * 1024  # well below Linux's 128 KiB limit for one argument


# yamllint's own entry point, in a bootstrap that only shortens its start and end:
# - no `site` (-S): processing site-packages' .pth files (editable installs, import
#   hooks) costs milliseconds yamllint needs none of; the search path site built for
#   us is handed over instead. -I keeps the linted repo (the working folder) and
#   PYTHON* variables off that path; -B writes no byte code into the environment.
# - no garbage collection while yamllint is imported, nor of what it imported (frozen),
#   nor at exit: none of that is garbage, and collecting it is a tenth of the run.
_BOOTSTRAP = (
    "import atexit, gc, os, sys; gc.disable(); atexit.register(gc.freeze); "
    "sys.path[:] = sys.argv.pop(1).split(os.pathsep); "
    "from yamllint.cli import run; gc.freeze(); gc.enable(); run()"
)
_COMMAND = [
    sys.executable,
    "-I",
    "-S",
    "-B",
    "-c",
    _BOOTSTRAP,
    os.pathsep.join(p for p in sys.path if p and os.path.isabs(p) and os.pathsep not in p),
]


class Finding(NamedTuple):  # a named tuple, not a dataclass: imported before yamllint starts
    line: int
    column: int
    level: str
    message: str
    rule: str | None


def config_text(root: Path) -> tuple[str, str | None]:
    """(config content, config file name) for a repo: its own, else launchgen's default."""
    for name in CONFIG_FILES:
        path = root / name
        if path.is_file():
            try:
                return path.read_text(encoding="utf-8", errors="replace"), name
            except OSError:
                break
    return DEFAULT_CONFIG, None


def fingerprint() -> str:
    """Which yamllint would run: its location and install time, without importing it."""
    from importlib.util import find_spec

    try:
        spec = find_spec("yamllint")
    except (ImportError, ValueError):
        spec = None
    if spec is None or spec.origin is None:
        return "missing"
    info = os.stat(spec.origin)
    return f"{spec.origin}:{info.st_mtime_ns}:{info.st_size}"


class Batch:
    """yamllint processes over groups of files; `results()` waits for them."""

    def __init__(self) -> None:
        self._procs: list[tuple[subprocess.Popen[bytes], list[str], str, float]] = []
        self._tmp: list[str] = []
        self.failures: list[tuple[str, str]] = []  # (config description, message)

    def start(self, config: str, files: Sequence[str], cwd: Path, what: str) -> None:
        if not files:
            return
        chunks = max(1, min(os.cpu_count() or 1, -(-len(files) // FILES_PER_PROCESS)))
        for i in range(chunks):
            part = list(files[i::chunks])
            args = [*_COMMAND, "-f", "parsable", *self._config_args(config), "--", *part]
            try:
                proc = subprocess.Popen(
                    args,
                    cwd=cwd,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    stdin=subprocess.DEVNULL,
                )
            except OSError as exc:
                self.failures.append((what, f"cannot run yamllint: {exc}"))
                continue
            self._procs.append((proc, part, what, time.monotonic()))

    def _config_args(self, config: str) -> list[str]:
        # On the command line when it can be (no temporary file to write and remove),
        # except short of a colon, which yamllint would read as a preset's name.
        if ":" in config and len(config) < MAX_INLINE_CONFIG:
            return ["-d", config]
        import tempfile

        fd, config_path = tempfile.mkstemp(prefix="launchgen-yamllint-", suffix=".yaml")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(config)
        self._tmp.append(config_path)
        return ["-c", config_path]

    def drop(self, unwanted: set[str]) -> None:
        """Stop the processes all of whose files turned out not to need yamllint."""
        kept = []
        for entry in self._procs:
            proc, part = entry[0], entry[1]
            if part and all(p in unwanted for p in part):
                if proc.poll() is None:
                    proc.kill()
                proc.communicate()
            else:
                kept.append(entry)
        self._procs = kept

    def results(self) -> dict[str, list[Finding]]:
        """Findings by the file path as passed to `start`."""
        found: dict[str, list[Finding]] = {}
        try:
            for proc, part, what, started in self._procs:
                remaining = max(1.0, TIMEOUT_SECONDS - (time.monotonic() - started))
                try:
                    out, err = proc.communicate(timeout=remaining)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.communicate()
                    self.failures.append(
                        (
                            what,
                            f"yamllint timed out after {TIMEOUT_SECONDS:g}s on {len(part)} "
                            f"file{'s' if len(part) != 1 else ''}; they are not checked by yamllint",
                        )
                    )
                    continue
                # surrogateescape: a non-UTF-8 file name reads back as the path passed
                for line in out.decode("utf-8", "surrogateescape").splitlines():
                    match = _LINE.match(line)
                    if match:
                        found.setdefault(match["path"], []).append(
                            Finding(
                                int(match["line"]),
                                int(match["column"]),
                                match["level"],
                                match["message"],
                                match["rule"],
                            )
                        )
                if proc.returncode not in (0, 1) or (proc.returncode == 1 and not out.strip()):
                    message = err.decode("utf-8", "replace").strip().splitlines()
                    self.failures.append(
                        (what, f"yamllint failed: {message[-1] if message else proc.returncode}")
                    )
        finally:
            self.close()
        return found

    def close(self) -> None:
        for proc, *_ in self._procs:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
        self._procs = []
        for path in self._tmp:
            Path(path).unlink(missing_ok=True)
        self._tmp = []
