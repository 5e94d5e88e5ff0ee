"""`validate`: manifest files -> problems, against Kubernetes schemas and the standard.

Fast path for the common case (a valid document): parse, look up the kind's compiled
check, run it. Only a document with a problem pays for listing its errors and for
their positions. CRDs in the input are read first, so the custom resources beside
them are checked against them. Large inputs are split over the machine's cores.
"""

from __future__ import annotations

import gc
import json
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import launchgen.validate.crds as crds
import launchgen.validate.documents as documents
import launchgen.validate.locate as locate
from launchgen.checks import hint
from launchgen.display import printable
from launchgen.errors import ConfigError
from launchgen.problem import Problem
from launchgen.standard import APP_VERSION_PLACEHOLDER, RENDER_RECORD
from launchgen.validate.checks import Context, check_object
from launchgen.validate.schemas import DEFAULT_KUBE_VERSION, KindSchema, SchemaStore

RENDER_INPUTS = "inputs"  # a render's own inputs (values files, Chart.yaml): not manifests
MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")
PARALLEL_BYTES = 1 << 20  # below this, one process is faster than starting others
# Processes for a large input: kubeconform's default of 4 workers, or one a core when
# there are more cores (at most 8).
DEFAULT_JOBS = 4
_CRD_MARKER = b"CustomResourceDefinition"


@dataclass
class ValidateOptions:
    kube_version: str = DEFAULT_KUBE_VERSION
    crd_dirs: Sequence[Path] = ()
    namespace: str | None = None
    postfix: str = ""
    immutable: bool = False
    app_version: str | None = None
    ignore_missing_schemas: bool = False
    schema_only: bool = False
    schema_locations: Sequence[str] = ()
    jobs: int | None = None  # processes; None: as many as cores for large inputs


@dataclass
class ValidationResult:
    problems: list[Problem] = field(default_factory=list)
    resources: int = 0  # resources checked against a schema
    skipped: int = 0  # resources without a schema, skipped with --ignore-missing-schemas
    files: int = 0
    kube_version: str = DEFAULT_KUBE_VERSION


def _display(path: Path) -> str:
    return printable(str(path), limit=4096)


def _render_context(folder: Path, options: ValidateOptions) -> tuple[Context, list[Path]]:
    """The context and the files of a `launchgen render` output folder: every YAML file
    in it but its inputs, listed in render.json or not (package refuses unlisted ones)."""
    try:
        record = json.loads((folder / RENDER_RECORD).read_bytes())
        if not isinstance(record, dict):
            raise ValueError
    except (OSError, ValueError, RecursionError):
        raise ConfigError(
            f"{_display(folder / RENDER_RECORD)}: cannot read launchgen's render record"
        ) from None
    context = Context(
        namespace=options.namespace or _text(record.get("namespace")),
        postfix=options.postfix or _text(record.get("postfix")) or "",
        immutable=options.immutable or bool(record.get("immutable")),
        app_version=options.app_version or _text(record.get("app_version")),
        app_kind=record.get("kind", "app") == "app",
    )
    listed = [folder / name for name in record.get("manifests") or [] if isinstance(name, str)]
    found = [
        p
        for p in _manifests_under(folder)
        if p.relative_to(folder).parts[0] != RENDER_INPUTS and p != folder / RENDER_RECORD
    ]
    return context, sorted(set(found) | set(listed))


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _manifests_under(folder: Path) -> list[Path]:
    """Every YAML or JSON file under `folder`, recursively (as kubeconform reads folders)."""
    found: list[Path] = []
    for root, dirs, files in os.walk(folder, onerror=None, followlinks=False):
        dirs.sort()
        found.extend(
            Path(root) / name for name in sorted(files) if name.endswith(MANIFEST_SUFFIXES)
        )
    return found


def collect(
    paths: Sequence[str | Path], options: ValidateOptions
) -> Iterator[tuple[Path, Context]]:
    """Every manifest file to validate, with the context it was rendered for."""
    default = Context(options.namespace, options.postfix, options.immutable, options.app_version)
    for given in paths:
        path = Path(given)
        if path.is_dir() and (path / RENDER_RECORD).is_file():
            context, files = _render_context(path, options)
            yield from ((file, context) for file in files)
        elif path.is_dir():
            renders = sorted({record.parent for record in path.rglob(RENDER_RECORD)})
            inside = set(renders)  # a set: 4,000 render folders made a list search quadratic
            for sub in _manifests_under(path):
                if not any(p in inside for p in sub.parents):
                    yield sub, default
            for folder in renders:
                context, files = _render_context(folder, options)
                yield from ((file, context) for file in files)
        elif path.is_file() or str(given) == "-":
            yield path, default
        else:
            raise ConfigError(f"{_display(path)}: no such file or folder")


class _Located:
    """Positions in one document, found only when a problem needs one."""

    def __init__(self, doc: documents.Document, prefix: Sequence[str | int] = ()) -> None:
        self.doc = doc
        self.prefix = list(prefix)

    def at(self, keys: Sequence[str | int]) -> tuple[int, int]:
        line, column = locate.position(self.doc.text, [*self.prefix, *keys])
        return self.doc.start_line + line - 1, column

    def item(self, index: int) -> _Located:
        return _Located(self.doc, [*self.prefix, "items", index])


def _name(data: dict[str, Any]) -> str:
    metadata = data.get("metadata")
    return printable(metadata.get("name") if isinstance(metadata, dict) else "?", limit=120)


@dataclass
class _Outcome:
    resources: int = 0
    skipped: int = 0
    problems: list[Problem] = field(default_factory=list)


def _is_list(data: dict[str, Any], kind: KindSchema | None) -> bool:
    """`kind: List` and the `*List` kinds: their items are validated one by one."""
    name = data["kind"]
    return (name == "List" or (name.endswith("List") and kind is None)) and isinstance(
        data.get("items"), list
    )


def _resource(
    store: SchemaStore,
    data: Any,
    located: _Located,
    path: str,
    context: Context,
    options: ValidateOptions,
    out: _Outcome,
) -> None:
    """One resource (or a List of them) of a document."""
    if (
        not isinstance(data, dict)
        or not isinstance(data.get("kind"), str)
        or not isinstance(data.get("apiVersion"), str)
    ):
        missing = (
            "a mapping"
            if not isinstance(data, dict)
            else " and ".join(
                key for key in ("apiVersion", "kind") if not isinstance(data.get(key), str)
            )
            + " missing"
        )
        line, column = located.at([])
        out.problems.append(
            Problem(
                path,
                line,
                column,
                "k8s-object",
                f"not a Kubernetes object ({missing}): apiVersion and kind are required",
                hint=hint("k8s-object"),
            )
        )
        return
    api_version, kind_name = data["apiVersion"], data["kind"]
    kind = store.lookup(api_version, kind_name)
    if _is_list(data, kind):
        for index, item in enumerate(data["items"]):
            _resource(store, item, located.item(index), path, context, options, out)
        return
    if kind is None:
        shown = f"{printable(api_version, limit=120)}/{printable(kind_name, limit=120)}"
        if options.ignore_missing_schemas:
            out.skipped += 1
        else:
            line, column = located.at(["kind"])
            out.problems.append(
                Problem(
                    path,
                    line,
                    column,
                    "k8s-unknown-kind",
                    f"no schema for {shown} in Kubernetes {store.kube_version}, the CRDs given "
                    "or the schema locations",
                    hint=hint("k8s-unknown-kind"),
                )
            )
    else:
        out.resources += 1
        if not store.check(kind)(data):
            errors = store.errors(kind, data)
            if not errors:  # the compiled check and jsonschema disagree: never a silent pass
                errors = [([], "does not match its schema")]
            for keys, message in errors:
                line, column = located.at(keys)
                out.problems.append(
                    Problem(
                        path,
                        line,
                        column,
                        "k8s-schema",
                        f"{printable(kind_name, limit=120)} {_name(data)}: {message}",
                        hint=kind.hint,
                    )
                )
    if crds.is_crd(data):
        for keys, message in crds.from_object(data)[1]:
            line, column = located.at(keys)
            out.problems.append(
                Problem(
                    path,
                    line,
                    column,
                    "k8s-crd-schema",
                    message,
                    hint=hint("k8s-crd-schema"),
                )
            )
    if not options.schema_only:
        for rule, message, keys in check_object(data, context, kind.namespaced if kind else None):
            line, column = located.at(keys)
            out.problems.append(Problem(path, line, column, rule, message, hint=hint(rule)))


def validate_document(
    store: SchemaStore,
    doc: documents.Document,
    path: str,
    context: Context,
    options: ValidateOptions,
    out: _Outcome | None = None,
) -> _Outcome:
    """The resources and problems of one document."""
    out = out if out is not None else _Outcome()
    try:
        data = documents.parse(doc)
    except documents.DocumentError as exc:
        out.problems.append(
            Problem(
                path,
                doc.start_line + exc.line - 1,
                exc.column,
                exc.rule,
                exc.message,
                hint=hint(exc.rule),
            )
        )
        return out
    if data is None:
        return out  # an empty document, as kubeconform skips it
    located = _Located(doc)
    if not options.schema_only:
        placeholder = doc.raw.find(APP_VERSION_PLACEHOLDER.encode())
        if placeholder >= 0:
            line = doc.start_line + doc.raw.count(b"\n", 0, placeholder)
            column = placeholder - doc.raw.rfind(b"\n", 0, placeholder)
            out.problems.append(
                Problem(
                    path,
                    line,
                    column,
                    "standard-placeholder",
                    f"the appVersion placeholder {APP_VERSION_PLACEHOLDER} reached a manifest",
                    hint=hint("standard-placeholder"),
                )
            )
    try:
        _resource(store, data, located, path, context, options, out)
    except RecursionError:
        out.problems.append(
            Problem(
                path,
                doc.start_line,
                1,
                "yaml-syntax",
                "the document nests too deeply to check",
                hint="flatten the document",
            )
        )
    return out


def _read(path: Path) -> bytes:
    if str(path) == "-":
        import sys

        return sys.stdin.buffer.read()
    return path.read_bytes()


@dataclass(frozen=True)
class _Part:
    """A byte range of a large file, starting on a document boundary at `line`."""

    start: int
    end: int
    line: int


def validate_file(
    store: SchemaStore,
    file: Path,
    context: Context,
    options: ValidateOptions,
    out: _Outcome,
    part: _Part | None = None,
) -> None:
    display = _display(file)
    try:
        if part is None:
            raw = _read(file)
        else:
            with file.open("rb") as handle:
                handle.seek(part.start)
                raw = handle.read(part.end - part.start)
    except OSError as exc:
        out.problems.append(
            Problem(
                display,
                1,
                1,
                "file-unreadable",
                f"cannot read: {printable(exc.strerror)}",
                hint=hint("file-unreadable"),
            )
        )
        return
    except MemoryError:
        out.problems.append(
            Problem(
                display,
                1,
                1,
                "file-unreadable",
                "too large to read into memory",
                hint="split the file",
            )
        )
        return
    for doc in documents.iter_documents(raw, first_line=part.line if part else 1):
        validate_document(store, doc, display, context, options, out)


def _input_crds(files: Sequence[tuple[Path, Context]]) -> dict[str, crds.CustomKind]:
    """The CRDs in the input itself, read before anything is validated (a cheap byte
    search finds the few files holding one)."""
    found: dict[str, crds.CustomKind] = {}
    for file, _ in files:
        try:
            raw = _read(file) if str(file) != "-" else b""
        except (OSError, MemoryError):
            continue
        if _CRD_MARKER not in raw:
            continue
        for doc in documents.iter_documents(raw):
            if _CRD_MARKER in doc.raw:
                try:
                    data = documents.parse(doc)
                except documents.DocumentError:
                    continue  # reported when the file is validated
                listed = data.get("items") if isinstance(data, dict) else None
                items: list[Any] = listed if isinstance(listed, list) else [data]
                for item in items:  # a CRD, or CRDs in a List
                    if crds.is_crd(item):
                        found.update(crds.from_object(item)[0])
    return found


# The store and options a worker process inherits (fork): set just before the pool starts.
_WORKER: tuple[SchemaStore, ValidateOptions] | None = None


_Item = tuple[Path, Context, "_Part | None"]


def _worker_start() -> None:
    """A worker ends on SIGTERM, as multiprocessing expects: `Pool.terminate()` stops
    idle workers with it. The CLI's handler, inherited through fork, turns SIGTERM into
    an exception instead, and a worker waiting on the pool's queue lock was seen to
    outlive it, leaving `validate` waiting for that worker forever."""
    import signal

    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _work(batch: list[_Item]) -> _Outcome:
    assert _WORKER is not None
    store, options = _WORKER
    out = _Outcome()
    with documents.quiet_native_stderr():
        for file, context, part in batch:
            validate_file(store, file, context, options, out, part)
    return out


def _size(file: Path) -> int:
    try:
        return file.stat().st_size if str(file) != "-" else 0
    except OSError:
        return 0


def _jobs(options: ValidateOptions, files: Sequence[tuple[Path, Context]]) -> int:
    if options.jobs is not None:
        return max(1, options.jobs)
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        cores = os.cpu_count() or 1
    if cores < 2:
        return 1
    size = 0
    for file, _ in files:
        size += _size(file)
        if size >= PARALLEL_BYTES:
            return min(max(cores, DEFAULT_JOBS), 8)
    return 1


def _split(file: Path, context: Context, pieces: int) -> list[_Item]:
    """A large file as about `pieces` byte ranges, each starting on a document boundary."""
    try:
        raw = file.read_bytes()
    except (OSError, MemoryError):
        return [(file, context, None)]
    items: list[_Item] = []
    target = max(1, len(raw) // pieces)
    start, line = 0, 1
    while start < len(raw):
        cut = documents.next_boundary(raw, start, start + target)
        items.append((file, context, _Part(start, cut, line)))
        line += raw.count(b"\n", start, cut)
        start = cut
    return items


def _batches(files: Sequence[tuple[Path, Context]], jobs: int) -> list[list[_Item]]:
    """About four batches a process, of about equal bytes, in file order; a file larger
    than a batch is split on document boundaries."""
    sizes = [_size(file) for file, _ in files]
    target = max(1, sum(sizes) // (jobs * 4))
    items: list[tuple[_Item, int]] = []
    for (file, context), size in zip(files, sizes, strict=True):
        if size > 2 * target and str(file) != "-":
            parts = _split(file, context, -(-size // target))
            items.extend((item, item[2].end - item[2].start if item[2] else size) for item in parts)
        else:
            items.append(((file, context, None), size))
    batches: list[list[_Item]] = [[]]
    total = 0
    for item, size in items:
        if total >= target and batches[-1]:
            batches.append([])
            total = 0
        batches[-1].append(item)
        total += size
    return batches


def _parallel(
    store: SchemaStore, options: ValidateOptions, files: Sequence[tuple[Path, Context]], jobs: int
) -> list[_Outcome] | None:
    global _WORKER
    import multiprocessing

    try:
        context = multiprocessing.get_context("fork")
    except ValueError:  # pragma: no cover - no fork on this platform
        return None
    batches = _batches(files, jobs)
    if len(batches) < 2:
        return None
    _WORKER = (store, options)
    try:
        with context.Pool(min(jobs, len(batches)), initializer=_worker_start) as pool:
            outcomes = pool.map(_work, batches, chunksize=1)
            # Let the workers finish their loop and exit: leaving the block terminates
            # the pool, which stops idle workers with signals (and, rarely, hung).
            pool.close()
            pool.join()
            return outcomes
    except OSError:
        return None  # no processes to be had: validate here
    finally:
        _WORKER = None


def validate(
    paths: Sequence[str | Path], options: ValidateOptions | None = None
) -> ValidationResult:
    """Validate every manifest under `paths`."""
    options = options or ValidateOptions()
    store = SchemaStore(options.kube_version, options.crd_dirs, options.schema_locations)
    result = ValidationResult(kube_version=store.kube_version)
    files = list(collect(paths, options))
    result.files = len(files)
    store.add_custom(_input_crds(files))
    jobs = _jobs(options, files)
    # Parsing allocates many small objects and frees them all: no cycles for the
    # collector to find, so it runs rarely (workers inherit the setting).
    thresholds = gc.get_threshold()
    gc.set_threshold(max(thresholds[0], 50_000), *thresholds[1:])
    try:
        outcomes = _parallel(store, options, files, jobs) if jobs > 1 else None
        if outcomes is None:
            outcome = _Outcome()
            with documents.quiet_native_stderr():
                for file, context in files:
                    validate_file(store, file, context, options, outcome)
            outcomes = [outcome]
    finally:
        gc.set_threshold(*thresholds)
    for outcome in outcomes:
        result.resources += outcome.resources
        result.skipped += outcome.skipped
        result.problems.extend(outcome.problems)
    if not result.problems and result.resources == 0:
        where = ", ".join(_display(Path(p)) for p in paths) or "(no paths)"
        message = (
            f"no resources validated in {where}: all {result.skipped} were skipped for lack of a schema"
            if result.skipped
            else f"no resources found in {where}"
        )
        result.problems.append(
            Problem(
                _display(Path(paths[0])) if paths else ".",
                1,
                1,
                "no-resources",
                message,
                hint=hint("no-resources"),
            )
        )
    return result
