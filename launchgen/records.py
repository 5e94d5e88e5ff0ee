"""Deployment history: `deployments/<env>.yaml` in a properties or middleware repo.

One file per environment lists what happened there, oldest first: each deployment
(app version, chart version, bundle digest, release, namespace, who, when) and each
approval, rejection, rollback or prune referring to it by `seq`. The file is
append-only: new entries are appended as text, so the bytes of every earlier entry
stay exactly as they were and a reviewer's diff shows only additions.

The layout is launchgen's own subset of YAML (launchgen/deploy/recordformat.py); the
values are checked against schemas/deployment-history.schema.json. A `History` reads
the file from its end and only as far as a question needs: an entry about a deployment
(`of`) always comes after it, so walking backwards, everything said about a deployment
is known by the time it is reached.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

from launchgen.deploy import recordfile, recordformat, recordschema
from launchgen.deploy.recordformat import Entry, HistoryHeader
from launchgen.errors import LaunchgenError

__all__ = ["Entry", "History", "HistoryHeader", "RecordError"]

SCHEMA = recordschema.SCHEMA
RECORDS_DIR = "deployments"
ENTRY_ORDER = recordformat.ENTRY_ORDER
UNDOING = ("rejected", "rolled-back", "pruned")


class RecordError(LaunchgenError):
    """A deployment history file is unreadable or breaks its schema."""


class History:
    """One version of a history file, read lazily from its end.

    `current`, `pending`, `previous` and `last_seq` read a few entries from the end;
    `live()` and `entries` read the whole file (and check that seq runs 1, 2, 3, ...).
    """

    def __init__(self, source: recordfile.Source, display: str) -> None:
        self._source = source
        self._display = display
        weakref.finalize(self, source.close)
        try:
            self._header = recordfile.read_header(source)
        except recordfile.Bad as exc:
            raise self._error(exc) from None
        header = self._header
        problems = recordschema.header_errors(header.values)
        if problems:
            where, message = problems[0]
            key = str(where[0]) if where else ""
            offset = header.offsets.get(
                key, 0 if not header.offsets else min(header.offsets.values())
            )
            raise self._error(recordfile.Bad(message, offset))
        self.header = cast(HistoryHeader, header.values)
        self.service = self.header["service"]
        self.environment = self.header["environment"]
        self._scan = recordfile.backward(source, header)
        self._seen: list[Entry] = []  # newest first
        self._live: list[Entry] = []  # newest first
        self._gone: set[int] = set()
        self._approved: set[int] = set()
        self._done = False
        self._first_offset = 0
        self._newer_seq_offset = 0

    # --- reading backwards --------------------------------------------------

    def _error(self, bad: recordfile.Bad) -> RecordError:
        line = None if bad.offset is None else self._source.line_of(bad.offset)
        return RecordError(bad.message, path=self._display, line=line)

    def _next(self) -> Entry | None:
        """Read one more entry backwards; None at the start of the file."""
        if self._done:
            return None
        try:
            raw = next(self._scan, None)
        except recordfile.Bad as exc:
            raise self._error(exc) from None
        if raw is None:
            self._done = True
            if self._seen and self._seen[-1]["seq"] != 1:
                first = self._seen[-1]
                raise RecordError(
                    f"entries must be numbered 1, 2, 3, ...: expected seq 1, got {first['seq']}",
                    path=self._display,
                    line=self._source.line_of(self._first_offset),
                )
            return None
        entry = self._check(raw)
        self._first_offset = raw.offset
        self._seen.append(entry)
        event = entry["event"]
        if event in UNDOING:
            self._gone.add(entry["of"])
        elif event == "approved":
            self._approved.add(entry["of"])
        elif event == "deployed" and entry["seq"] not in self._gone:
            self._live.append(entry)
        return entry

    def _check(self, raw: recordfile.RawEntry) -> Entry:
        entry = raw.values

        def fail(message: str, key: str | None) -> RecordError:
            return self._error(recordfile.Bad(message, raw.offsets.get(key or "", raw.offset)))

        index = len(self._seen)
        label = (
            f"entries/{entry['seq'] - 1}"
            if isinstance(entry.get("seq"), int) and entry["seq"] > 0
            else "entry"
        )
        problems = recordschema.entry_errors(entry)
        if problems:
            where, message = problems[0]
            if message.startswith("unknown key"):
                text = f"{message} in {label}"
            else:
                text = "/".join([label, *(str(p) for p in where)]) + f": {message}"
            raise fail(text, str(where[0]) if where else None)
        seq = entry["seq"]
        if index and seq != self._seen[-1]["seq"] - 1:
            # reported at the later entry, where a reader going down the file sees the gap
            newer = self._seen[-1]["seq"]
            raise self._error(
                recordfile.Bad(
                    f"entries must be numbered 1, 2, 3, ...: expected seq {seq + 1} after seq {seq}, got {newer}",
                    self._newer_seq_offset,
                )
            )
        self._newer_seq_offset = raw.offsets.get("seq", raw.offset)
        if "of" in entry and not entry["of"] < seq:
            raise fail(
                f"entry {seq} refers to seq {entry['of']}, which is not an earlier entry", "of"
            )
        return cast(Entry, entry)

    def _live_at(self, index: int) -> Entry | None:
        """The index-th live deployment counting from the newest (0), reading as far as needed."""
        while len(self._live) <= index and self._next() is not None:
            pass
        return self._live[index] if index < len(self._live) else None

    # --- questions ----------------------------------------------------------

    @property
    def last_seq(self) -> int:
        """seq of the last entry; 0 when there is none."""
        if not self._seen:
            self._next()
        return self._seen[0]["seq"] if self._seen else 0

    @property
    def entries(self) -> tuple[Entry, ...]:
        """Every entry, oldest first (reads the whole file)."""
        while self._next() is not None:
            pass
        return tuple(reversed(self._seen))

    def deployments(self) -> list[Entry]:
        return [e for e in self.entries if e["event"] == "deployed"]

    def live(self) -> list[Entry]:
        """Deployments still in place, oldest first: not rejected, rolled back or pruned."""
        self.entries  # noqa: B018 - reads everything
        return list(reversed(self._live))

    def live_newest(self) -> Iterator[Entry]:
        """Live deployments newest first, reading backwards only as far as the caller goes."""
        index = 0
        while (entry := self._live_at(index)) is not None:
            yield entry
            index += 1

    def current(self) -> Entry | None:
        """The deployment in place now: the newest live one."""
        return self._live_at(0)

    def previous(self) -> Entry | None:
        """The live deployment before the current one."""
        return self._live_at(1)

    def pending(self) -> Entry | None:
        """The current deployment when it is still waiting for approval."""
        current = self.current()
        return current if current is not None and current["seq"] not in self._approved else None

    def approved(self, seq: int) -> bool:
        """Was live deployment `seq` approved? (Everything after it has been read by then.)"""
        return seq in self._approved

    def has_deployments(self) -> bool:
        if self.current() is not None:
            return True
        return any(e["event"] == "deployed" for e in self.entries)


def record_path(repo: Path, environment: str) -> Path:
    return repo / RECORDS_DIR / f"{environment}.yaml"


def parse(text: str, display: str) -> History:
    """Parse and validate a whole history file's text; errors name the file and line."""
    history = History(recordfile.BytesSource(text.encode("utf-8")), display)
    history.entries  # noqa: B018 - validates every entry
    return history


def load(repo: Path, environment: str, service: str | None = None) -> History | None:
    """The history of `environment`, read lazily from the end; None when nothing is recorded.

    `environment` must be a valid name (it becomes a file name); when `service` is given
    the file's header must name it, and the file's `environment` must match its name.
    """
    from launchgen.naming import check_environment

    check_environment(environment)
    try:
        return _open(repo, environment, service)
    except RecordError:
        # Readers take no lock: an append landing while the tail was read shows as half
        # an entry. The file has grown since then if so; read it once more.
        if not _grew_since_read(repo, environment):
            raise
        return _open(repo, environment, service)


_sizes_read: dict[Path, int] = {}


def _grew_since_read(repo: Path, environment: str) -> bool:
    path = record_path(repo, environment)
    try:
        return path.lstat().st_size > _sizes_read.get(path, -1) >= 0
    except OSError:
        return False


def _open(
    repo: Path, environment: str, service: str | None, *, for_append: bool = False
) -> History | None:
    display = f"{RECORDS_DIR}/{environment}.yaml"
    path = record_path(repo, environment)
    try:
        source = recordfile.open_history(path, for_append=for_append)
    except recordfile.Bad as exc:
        raise RecordError(exc.message, path=display) from None
    if source is None:
        return None
    _sizes_read[path] = source.size
    history = History(source, display)
    history.last_seq  # noqa: B018 - the newest entry is always checked
    for key, expected in (("environment", environment), ("service", service)):
        found = getattr(history, key)
        if expected is not None and found != expected:
            line = source.line_of(history._header.offsets[key])
            raise RecordError(
                f"{key} is {found!r}, but this is {display} of {expected}", path=display, line=line
            )
    return history


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def lock_path(repo: Path, environment: str) -> Path:
    """Where the environment's append lock lives: inside `.git/` in a git checkout, so a
    deployment (or a failed one) leaves nothing in the work tree but its record; beside
    the record, git-ignored, elsewhere."""
    git_dir = repo / ".git"
    if git_dir.is_dir() and not git_dir.is_symlink():
        return git_dir / "launchgen" / f"deployments-{environment}.lock"
    return repo / RECORDS_DIR / f".{environment}.yaml.lock"


def _records_folder(repo: Path, environment: str) -> Path:
    folder = record_path(repo, environment).parent
    if folder.is_symlink():
        raise RecordError(
            f"{RECORDS_DIR}/ is a symbolic link: deployment records must live in the repo itself",
            path=f"{RECORDS_DIR}/{environment}.yaml",
        )
    folder.mkdir(parents=True, exist_ok=True)
    lock = lock_path(repo, environment)
    if lock.parent == folder:
        _ignore_locks(folder)
    else:
        lock.parent.mkdir(exist_ok=True)
    return folder


def preflight(repo: Path, environment: str) -> None:
    """Before a cluster changes: can this environment's history be locked and appended to?

    Catches a read-only checkout or a symlinked folder before a deployment happens that
    then could not be recorded."""
    import os

    _records_folder(repo, environment)
    display = f"{RECORDS_DIR}/{environment}.yaml"
    try:
        with recordfile.locked(lock_path(repo, environment), timeout=0):
            pass
    except recordfile.Bad as exc:
        if "still locked" not in exc.message:
            raise RecordError(exc.message, path=display) from None
    if not os.access(record_path(repo, environment).parent, os.W_OK):
        raise RecordError(
            f"{RECORDS_DIR}/ is not writable: the deployment could not be recorded", path=display
        )


def check_by(by: str) -> str:
    """`by` as the schema allows it (one printable line, at most 256 characters)."""
    problems = list(
        recordschema.errors(by, recordschema.schema()["$defs"]["entry"]["properties"]["by"])
    )
    if problems:
        from launchgen.display import printable

        raise RecordError(
            f"invalid --by '{printable(by)}': who acts is one printable line of 1 to 256 characters"
        )
    return by


def append(repo: Path, service: str, environment: str, event: str, by: str, **fields: Any) -> Entry:
    """Append one entry (its seq and time filled in) under the environment's lock and
    return it as read back from the file. The cost does not grow with the history: the
    tail is read for the next seq and the entry is written at the end in one write."""
    from launchgen.naming import check_environment

    check_environment(environment)
    path = record_path(repo, environment)
    display = f"{RECORDS_DIR}/{environment}.yaml"
    _records_folder(repo, environment)
    try:
        with recordfile.locked(lock_path(repo, environment)):
            history = _open_to_append(repo, environment, service)
            seq = history.last_seq + 1 if history is not None else 1
            values = {"seq": seq, "event": event, "at": fields.pop("at", None) or now(), "by": by}
            values.update({k: v for k, v in fields.items() if v is not None})
            problems = recordschema.entry_errors(values)
            if problems:
                where, message = problems[0]
                raise RecordError(
                    f"not recording an invalid entry: {'/'.join(map(str, where))}: {message}",
                    path=display,
                )
            entry = cast(Entry, values)
            text = recordformat.entry_text(entry).encode("utf-8")
            if history is None:
                from launchgen.files import atomic_append

                header = recordformat.header_text(service, environment).encode()
                atomic_append(path, None, header + text)
            else:
                _append_to(history, path, text)
            written = load(repo, environment, service)
            if written is None or written.last_seq != seq or written._seen[0] != entry:
                raise RecordError(
                    f"entry seq {seq} is not in the file after writing it", path=display
                )
    except recordfile.Bad as exc:
        line = None if exc.offset is None else _line_in(path, exc.offset)
        raise RecordError(exc.message, path=display, line=line) from None
    return entry


def _open_to_append(repo: Path, environment: str, service: str) -> History | None:
    """The history, opened for appending and checked up to its last entry (under the lock)."""
    try:
        return _open(repo, environment, service, for_append=True)
    except RecordError as exc:
        torn = _torn_tail(record_path(repo, environment))
        if torn is None or exc.line is None or exc.line < torn:
            raise
        raise RecordError(
            f"{exc.message} (the file ends in the middle of the entry that starts on line "
            f"{torn}: was a write cut short? launchgen appends nothing until that incomplete "
            "entry is removed or completed)",
            path=exc.path,
            line=exc.line,
        ) from None


def _torn_tail(path: Path) -> int | None:
    """The line of the last entry when the file ends without a line break, else None."""
    source = recordfile.open_history(path)
    if source is None:
        return None
    try:
        if not recordfile.ends_mid_line(source):
            return None
        start = max(0, source.size - recordformat.MAX_ENTRY_BYTES)
        tail = source.read(start, source.size - start)
        index = tail.rfind(b"\n" + recordformat.ENTRY_START.rstrip().encode())  # even "  -"
        return None if index == -1 else source.line_of(start + index + 1)
    finally:
        source.close()


def _line_in(path: Path, offset: int) -> int | None:
    try:
        source = recordfile.open_history(path)
    except recordfile.Bad:
        return None
    if source is None:
        return None
    try:
        return source.line_of(offset)
    finally:
        source.close()


IGNORE_LOCKS = "# launchgen's lock files (deployments/.<env>.yaml.lock): never committed\n.*.lock\n"


def _ignore_locks(folder: Path) -> None:
    """Keep the lock files out of `git add deployments` (a .gitignore beside them, once)."""
    import os

    try:
        fd = os.open(
            folder / ".gitignore",
            os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC,
            0o644,
        )
    except OSError:
        return  # already there (or not ours to write): leave it alone
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(IGNORE_LOCKS)


def _append_to(history: History, path: Path, text: bytes) -> None:
    source = history._source
    assert isinstance(source, recordfile.FileSource)
    header = history._header
    if header.empty_list:
        # `entries: []` cannot be appended to as text: the list starts afresh (the file is
        # its header and comments only, so rewriting it costs nothing).
        from launchgen.files import atomic_append

        start, end = header.entries_line
        before = source.read(0, start)
        after = source.read(end, source.size - end)
        atomic_append(
            path,
            None,
            before
            + b"entries:\n"
            + after
            + (b"" if not after or after.endswith(b"\n") else b"\n")
            + text,
        )
        return
    # A hand-written file may end without a line break; the entry starts on a line of its own.
    recordfile.append(source, (b"\n" if recordfile.ends_mid_line(source) else b"") + text)
