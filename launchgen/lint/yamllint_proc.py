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
# One process runs several yamllint command lines ("jobs": a repo's files with its config,
# in its folder), so a monorepo of a thousand repos starts a process per CPU, not per
# repo. Each job is `COUNT CWD ARG...` on the command line (or, when long, NUL-separated
# in a file named after `@`); its output ends with a line `\0 EXIT-CODE LAST-STDERR-LINE`.
_BOOTSTRAP = """\
import atexit, gc, io, os, sys; gc.disable(); atexit.register(gc.freeze)
sys.path[:] = sys.argv.pop(1).split(os.pathsep)
from yamllint.cli import run; gc.freeze(); gc.enable()
args = sys.argv[1:]
if args[:1] == ["@"]:
    with open(args[1], encoding="utf-8", errors="surrogateescape") as jobs:
        args = jobs.read().split("\\0")
at = 0
while at < len(args):
    count, cwd = int(args[at]), args[at + 1]
    job, at = args[at + 2:at + 2 + count], at + 2 + count
    code, sys.stderr = 2, io.StringIO()
    try:
        os.chdir(cwd)
        run(job)
    except SystemExit as exc:
        code = 0 if exc.code is None else exc.code if isinstance(exc.code, int) else 1
    except Exception as exc:  # one job's crash is its failure, not the next job's
        print(f"{type(exc).__name__}: {exc}", file=sys.stderr)
    said, sys.stderr = sys.stderr.getvalue().strip().splitlines(), sys.__stderr__
    sys.stdout.write(f"\\0 {code} {said[-1] if said else ''}\\n")
    sys.stdout.flush()
"""
_COMMAND = [
    sys.executable,
    "-I",
    "-S",
    "-B",
    "-c",
    _BOOTSTRAP,
    os.pathsep.join(p for p in sys.path if p and os.path.isabs(p) and os.pathsep not in p),
]
MAX_INLINE_JOBS = 96 * 1024  # bytes of jobs on the command line; more go through a file
_END = "\0 "


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


def group(config: str, root: Path) -> tuple[Path | None, str]:
    """Where yamllint runs for a repo with `config`, and the name its failures go by. In
    the repo when the config has `ignore` patterns (they match paths relative to where
    yamllint runs); else anywhere, shared by every repo with the same config."""
    if "ignore" in config:
        return root, str(root)
    import hashlib

    return None, "config " + hashlib.sha256(config.encode("utf-8", "replace")).hexdigest()[:16]


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


class _Job(NamedTuple):
    """One yamllint command line: `files` as passed (relative to `cwd`, or absolute),
    `keys` the same files as absolute paths, which results are keyed by."""

    cwd: Path
    args: list[str]
    files: list[str]
    keys: list[str]
    what: str


class _Process(NamedTuple):
    proc: subprocess.Popen[bytes]
    jobs: list[_Job]
    started: float
    timeout: float


def _pack(jobs: list[_Job], processes: int) -> list[list[_Job]]:
    """Jobs over `processes` lists of about equal file counts, biggest job first."""
    bins: list[list[_Job]] = [[] for _ in range(processes)]
    loads = [0] * processes
    for job in sorted(jobs, key=lambda j: -len(j.files)):
        least = loads.index(min(loads))
        bins[least].append(job)
        loads[least] += len(job.files)
    return [b for b in bins if b]


class Batch:
    """yamllint processes over groups of files: `start` queues a group, `launch` starts
    what is queued (at most a process per CPU), `results()` waits for them."""

    def __init__(self) -> None:
        self._pending: list[_Job] = []
        self._procs: list[_Process] = []
        self._tmp: list[str] = []
        self.failures: list[tuple[str, str]] = []  # (config description, message)

    def start(self, config: str, files: Sequence[str], cwd: Path, what: str) -> None:
        """Queue `files` (relative to `cwd`, or absolute) for yamllint with `config`."""
        if not files:
            return
        chunks = max(1, min(os.cpu_count() or 1, -(-len(files) // FILES_PER_PROCESS)))
        for i in range(chunks):
            part = list(files[i::chunks])
            args = ["-f", "parsable", *self._config_args(config), "--", *part]
            keys = [f if os.path.isabs(f) else str(cwd / f) for f in part]
            self._pending.append(_Job(cwd, args, part, keys, what))

    def launch(self) -> None:
        """Start the queued jobs, in as many processes as CPUs (fewer for few files)."""
        pending, self._pending = self._pending, []
        if not pending:
            return
        files = sum(len(job.files) for job in pending)
        count = max(1, min(os.cpu_count() or 1, len(pending), -(-files // FILES_PER_PROCESS)))
        for jobs in _pack(pending, count):
            self._spawn(jobs)

    def _spawn(self, jobs: list[_Job]) -> None:
        argv: list[str] = []
        for job in jobs:
            argv += [str(len(job.args)), str(job.cwd), *job.args]
        if sum(len(a) + 1 for a in argv) > MAX_INLINE_JOBS:
            argv = ["@", self._temp_file("\0".join(argv), ".jobs")]
        files = sum(len(job.files) for job in jobs)
        timeout = TIMEOUT_SECONDS * max(1, -(-files // FILES_PER_PROCESS))
        try:
            proc = subprocess.Popen(
                [*_COMMAND, *argv],
                cwd=jobs[0].cwd,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                stdin=subprocess.DEVNULL,
            )
        except OSError as exc:
            self.failures += [(job.what, f"cannot run yamllint: {exc}") for job in jobs]
            return
        self._procs.append(_Process(proc, jobs, time.monotonic(), timeout))

    def _config_args(self, config: str) -> list[str]:
        # On the command line when it can be (no temporary file to write and remove),
        # except short of a colon, which yamllint would read as a preset's name.
        if ":" in config and len(config) < MAX_INLINE_CONFIG:
            return ["-d", config]
        return ["-c", self._temp_file(config, ".yaml")]

    def _temp_file(self, text: str, suffix: str) -> str:
        import tempfile

        fd, path = tempfile.mkstemp(prefix="launchgen-yamllint-", suffix=suffix)
        with os.fdopen(fd, "w", encoding="utf-8", errors="surrogateescape") as handle:
            handle.write(text)
        self._tmp.append(path)
        return path

    def drop(self, unwanted: set[str]) -> None:
        """Forget the jobs, and stop the processes, all of whose files (absolute paths)
        turned out not to need yamllint."""
        self._pending = [j for j in self._pending if not all(k in unwanted for k in j.keys)]
        kept = []
        for entry in self._procs:
            if all(k in unwanted for job in entry.jobs for k in job.keys):
                if entry.proc.poll() is None:
                    entry.proc.kill()
                entry.proc.communicate()
            else:
                kept.append(entry)
        self._procs = kept

    def results(self) -> dict[str, list[Finding]]:
        """Findings by the file's absolute path."""
        self.launch()
        found: dict[str, list[Finding]] = {}
        try:
            for entry in self._procs:
                remaining = max(1.0, entry.timeout - (time.monotonic() - entry.started))
                timed_out = False
                try:
                    out, err = entry.proc.communicate(timeout=remaining)
                except subprocess.TimeoutExpired:
                    entry.proc.kill()
                    out, err = entry.proc.communicate()  # what the finished jobs said
                    timed_out = True
                self._read(entry, out, err, timed_out, found)
        finally:
            self.close()
        return found

    def _read(
        self,
        entry: _Process,
        out: bytes,
        err: bytes,
        timed_out: bool,
        found: dict[str, list[Finding]],
    ) -> None:
        # surrogateescape: a non-UTF-8 file name reads back as the path passed
        lines = iter(out.decode("utf-8", "surrogateescape").splitlines())  # read once, in job order
        stderr = err.decode("utf-8", "replace").strip().splitlines()
        for job in entry.jobs:
            keys = dict(zip(job.files, job.keys, strict=True))
            said = False
            code: int | None = None
            complaint = ""
            for line in lines:
                if line.startswith(_END):
                    number, _, complaint = line[len(_END) :].partition(" ")
                    code = int(number)
                    break
                match = _LINE.match(line)
                if match:
                    said = True
                    path = match["path"]
                    key = keys.get(path) or str(job.cwd / path)
                    found.setdefault(key, []).append(
                        Finding(
                            int(match["line"]),
                            int(match["column"]),
                            match["level"],
                            match["message"],
                            match["rule"],
                        )
                    )
            if code is None and timed_out:
                plural = "s" if len(job.files) != 1 else ""
                self.failures.append(
                    (
                        job.what,
                        f"yamllint timed out after {entry.timeout:g}s on {len(job.files)} "
                        f"file{plural}; they are not checked by yamllint",
                    )
                )
            elif code is None or code not in (0, 1) or (code == 1 and not said):
                last = stderr[-1] if stderr else "no answer"  # the process died mid-job
                reason = complaint or (last if code is None else code)
                self.failures.append((job.what, f"yamllint failed: {reason}"))

    def close(self) -> None:
        self._pending = []
        for entry in self._procs:
            if entry.proc.poll() is None:
                entry.proc.kill()
                entry.proc.communicate()
        self._procs = []
        for path in self._tmp:
            Path(path).unlink(missing_ok=True)
        self._tmp = []
