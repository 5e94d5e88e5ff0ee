"""`validate`: manifest files -> problems, against Kubernetes schemas and the standard.

Fast path for the common case (a valid document): parse, look up the kind's compiled
check, run it. Only a document with a problem pays for jsonschema's full error list
and for ruamel.yaml's positions.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from launchgen import yamlio
from launchgen.errors import ConfigError
from launchgen.problem import Problem
from launchgen.standard import APP_VERSION_PLACEHOLDER
from launchgen.validate import documents
from launchgen.validate.checks import HINTS, Context, check_object
from launchgen.validate.schemas import DEFAULT_KUBE_VERSION, SchemaStore

RENDER_RECORD = "render.json"
MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")


@dataclass
class ValidateOptions:
    kube_version: str = DEFAULT_KUBE_VERSION
    crd_dirs: Sequence[Path] = ()
    namespace: str | None = None
    postfix: str = ""
    immutable: bool = False
    app_version: str | None = None
    ignore_missing_schemas: bool = False


@dataclass
class ValidationResult:
    problems: list[Problem] = field(default_factory=list)
    resources: int = 0
    files: int = 0
    kube_version: str = DEFAULT_KUBE_VERSION


def _render_context(folder: Path, options: ValidateOptions) -> tuple[Context, list[Path]]:
    """The context and manifest files of a `launchgen render` output folder."""
    try:
        record = json.loads((folder / RENDER_RECORD).read_bytes())
    except (OSError, ValueError):
        raise ConfigError(f"{folder / RENDER_RECORD}: cannot read launchgen's render record") from None
    context = Context(
        namespace=options.namespace or record.get("namespace"),
        postfix=options.postfix or record.get("postfix") or "",
        immutable=options.immutable or bool(record.get("immutable")),
        app_version=options.app_version or record.get("app_version"),
        app_kind=record.get("kind", "app") == "app",
    )
    return context, [folder / name for name in record.get("manifests") or []]


def collect(paths: Sequence[str | Path], options: ValidateOptions) -> Iterator[tuple[Path, Context]]:
    """Every manifest file to validate, with the context it was rendered for."""
    default = Context(options.namespace, options.postfix, options.immutable, options.app_version)
    for given in paths:
        path = Path(given)
        if path.is_dir() and (path / RENDER_RECORD).is_file():
            context, files = _render_context(path, options)
            yield from ((file, context) for file in files)
        elif path.is_dir():
            renders = sorted({record.parent for record in path.rglob(RENDER_RECORD)})
            for sub in sorted(path.rglob("*")):
                if sub.suffix in MANIFEST_SUFFIXES and sub.is_file() and not any(p in renders for p in sub.parents):
                    yield sub, default
            for folder in renders:
                context, files = _render_context(folder, options)
                yield from ((file, context) for file in files)
        elif path.is_file():
            yield path, default
        else:
            raise ConfigError(f"{given}: no such file or folder")


class _Located:
    """Positions in one document, parsed with ruamel.yaml only when a problem needs one."""

    def __init__(self, doc: documents.Document) -> None:
        self.doc = doc
        self._tree: Any = None

    def at(self, keys: Sequence[str | int]) -> tuple[int, int]:
        if self._tree is None:
            try:
                self._tree = yamlio.loads(self.doc.text, "<document>")
            except yamlio.YamlError:
                self._tree = {}
        line, column = yamlio.position(self._tree, list(keys)) if keys else (1, 1)
        first = next((i for i, text in enumerate(self.doc.text.splitlines()) if text.strip() and not text.startswith("#")), 0)
        if not keys:
            line = first + 1
        return self.doc.start_line + line - 1, column


def _schema_problems(store: SchemaStore, kind: Any, data: dict[str, Any], located: _Located, path: str) -> list[Problem]:
    from launchgen.schemas import describe, error_path

    problems = []
    for error in sorted(store.full_validator(kind).iter_errors(data), key=lambda e: list(map(str, e.absolute_path))):
        keys = error_path(error)
        line, column = located.at(keys)
        problems.append(Problem(path, line, column, "k8s-schema",
                                f"{data.get('kind')} {_name(data)}: {describe(error)}",
                                hint=f"see the {kind.key} schema of Kubernetes {store.kube_version}"))
    return problems


def _name(data: dict[str, Any]) -> str:
    metadata = data.get("metadata")
    return str(metadata.get("name")) if isinstance(metadata, dict) else "?"


def validate_document(store: SchemaStore, doc: documents.Document, path: str, context: Context,
                      options: ValidateOptions) -> tuple[int, list[Problem]]:
    """(resources counted, problems) of one document."""
    try:
        data = documents.parse(doc.text)
    except documents.DocumentError as exc:
        return 0, [Problem(path, doc.start_line + exc.line - 1, exc.column, exc.rule, exc.message,
                           hint="fix the YAML: each key once, valid syntax")]
    if data is None:
        return 0, []
    located = _Located(doc)
    if not isinstance(data, dict) or not isinstance(data.get("apiVersion"), str) or not isinstance(data.get("kind"), str):
        line, column = located.at([])
        return 0, [Problem(path, line, column, "k8s-object", "not a Kubernetes object: apiVersion and kind are required",
                           hint="every document needs apiVersion and kind (or remove it)")]
    problems: list[Problem] = []
    placeholder = doc.text.find(APP_VERSION_PLACEHOLDER)
    if placeholder >= 0:
        before = doc.text[:placeholder]
        problems.append(Problem(path, doc.start_line + before.count("\n"), placeholder - before.rfind("\n"),
                                "standard-placeholder",
                                f"the appVersion placeholder {APP_VERSION_PLACEHOLDER} reached a manifest",
                                hint="render with launchgen render --app-version VERSION"))
    kind = store.lookup(data["apiVersion"], data["kind"])
    if kind is None:
        if not options.ignore_missing_schemas:
            line, column = located.at(["kind"])
            problems.append(Problem(path, line, column, "k8s-unknown-kind",
                                    f"no schema for {data['apiVersion']}/{data['kind']} in Kubernetes {store.kube_version}",
                                    hint="a custom resource? pass its CRD folder with --crds"))
    elif not store.check(kind)(data):
        problems.extend(_schema_problems(store, kind, data, located, path))
    for rule, message, keys in check_object(data, context, kind.namespaced if kind else None):
        line, column = located.at(keys)
        problems.append(Problem(path, line, column, rule, message, hint=HINTS.get(rule, "")))
    return 1, problems


def validate(paths: Sequence[str | Path], options: ValidateOptions | None = None) -> ValidationResult:
    """Validate every manifest under `paths`."""
    options = options or ValidateOptions()
    store = SchemaStore(options.kube_version, options.crd_dirs)
    result = ValidationResult(kube_version=store.kube_version)
    with documents.quiet_native_stderr():
        for file, context in collect(paths, options):
            display = str(file)
            result.files += 1
            try:
                raw = file.read_bytes()
            except OSError as exc:
                result.problems.append(Problem(display, 1, 1, "file-unreadable", f"cannot read: {exc.strerror}",
                                               hint="check the path and its permissions"))
                continue
            try:
                text = raw.decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                line = raw[: exc.start].count(b"\n") + 1
                result.problems.append(Problem(display, line, 1, "yaml-syntax", "not valid UTF-8",
                                               hint="save the file as UTF-8"))
                continue
            for doc in documents.split(text):
                count, problems = validate_document(store, doc, display, context, options)
                result.resources += count
                result.problems.extend(problems)
    return result
