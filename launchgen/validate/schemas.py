"""The Kubernetes schemas launchgen ships, and CRD schemas, looked up by apiVersion/kind.

One gzip'd JSON file a Kubernetes minor version (schemas/kubernetes/v1.35.json.gz,
made by scripts/gen_k8s_schemas.py from Kubernetes' OpenAPI spec) holds every
definition a resource kind needs; each kind's validator is compiled on first use.
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import launchgen.validate.crds as crds
from launchgen.display import printable
from launchgen.errors import ConfigError
from launchgen.resources import data_dir
from launchgen.schemacompile import Check, schema_checker
from launchgen.standard import KUBE_MINOR_VERSION

DEFAULT_KUBE_VERSION = KUBE_MINOR_VERSION
_VERSION = re.compile(r"^v?(\d+)\.(\d+)(?:\.\d+)?$")


def schema_folder() -> Path:
    return data_dir("schemas") / "kubernetes"


def available_versions() -> list[str]:
    return sorted(
        p.name.removeprefix("v").removesuffix(".json.gz")
        for p in schema_folder().glob("v*.json.gz")
    )


def normalize_version(version: str) -> str:
    """'1.35', 'v1.35' or '1.35.2' -> '1.35'; ConfigError when no schemas ship for it."""
    match = _VERSION.match(version.strip())
    if not match:
        raise ConfigError(
            f"invalid Kubernetes version {version!r}: expected MAJOR.MINOR, e.g. 1.35"
        )
    minor = f"{match[1]}.{match[2]}"
    if minor not in available_versions():
        raise ConfigError(
            f"no schemas for Kubernetes {minor}: launchgen ships {', '.join(available_versions())}"
        )
    return minor


@cache
def _bundle(minor: str) -> dict[str, Any]:
    with gzip.open(schema_folder() / f"v{minor}.json.gz") as handle:
        data: dict[str, Any] = json.load(handle)
    return data


@dataclass(frozen=True)
class KindSchema:
    key: str
    namespaced: bool | None
    schema: dict[str, Any]
    source: str = ""  # where the schema came from, for hints

    @property
    def hint(self) -> str:
        return f"see the {self.key} schema ({self.source})"


_TEMPLATE_FIELD = re.compile(r"\{\{-?\s*\.(\w+)\s*-?\}\}")
_FIELDS = (
    "NormalizedKubernetesVersion",
    "StrictSuffix",
    "ResourceKind",
    "ResourceAPIVersion",
    "Group",
    "KindSuffix",
)
KUBECONFORM_LAYOUT = (
    "{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}/"
    "{{ .ResourceKind }}{{ .KindSuffix }}.json"
)
FLAT_LAYOUT = "{{ .ResourceKind }}{{ .KindSuffix }}.json"


def template_fields(api_version: str, kind: str, kube_version: str) -> dict[str, str]:
    """kubeconform's template variables for a resource (registry.go's schemaPath)."""
    group_parts = api_version.split("/")
    suffix = "-" + group_parts[0].split(".")[0].lower()
    if len(group_parts) > 1:
        suffix += "-" + group_parts[1].lower()
    return {
        "NormalizedKubernetesVersion": kube_version
        if kube_version == "master"
        else f"v{kube_version}",
        "StrictSuffix": "-strict",
        "ResourceKind": kind.lower(),
        "ResourceAPIVersion": group_parts[-1],
        "Group": group_parts[0],
        "KindSuffix": suffix,
    }


class SchemaLocation:
    """A `--schema-location`: a path template in kubeconform's syntax, a folder of
    schemas (kubeconform's layout, or flat as `export_kubeconform` writes it), or one
    schema file. Never a URL: validation is offline."""

    def __init__(self, text: str) -> None:
        self.text = text
        if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", text):
            raise ConfigError(
                f"--schema-location {printable(text)}: launchgen validates offline; download the "
                "schemas (e.g. git clone the catalog) and pass a local folder or path template"
            )
        rest = _TEMPLATE_FIELD.sub("", text)
        if "{{" in rest or "}}" in rest:
            raise ConfigError(
                f"--schema-location {printable(text)}: only the fields "
                f"{', '.join('{{ .' + f + ' }}' for f in _FIELDS)} are supported"
            )
        for name in _TEMPLATE_FIELD.findall(text):
            if name not in _FIELDS:
                raise ConfigError(
                    f"--schema-location {printable(text)}: unknown field .{printable(name)} "
                    f"(known: {', '.join(_FIELDS)})"
                )
        self.templates: list[str]
        if "{{" in text:
            self.templates = [text]
        elif Path(text).is_dir():
            self.templates = [str(Path(text) / KUBECONFORM_LAYOUT), str(Path(text) / FLAT_LAYOUT)]
        elif Path(text).is_file():
            self.templates = [text]
        else:
            raise ConfigError(f"--schema-location {printable(text)}: no such folder or file")

    def paths(self, api_version: str, kind: str, kube_version: str) -> list[Path]:
        fields = template_fields(api_version, kind, kube_version)
        return [
            Path(_TEMPLATE_FIELD.sub(lambda m: fields[m.group(1)], template))
            for template in self.templates
        ]


def _local_refs_only(schema: Any) -> bool:
    todo = [schema]
    while todo:
        node = todo.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and not ref.startswith("#"):
                return False
            todo.extend(node.values())
        elif isinstance(node, list):
            todo.extend(node)
    return True


def load_schema_file(path: Path) -> dict[str, Any]:
    """A standalone JSON Schema file; ConfigError when it is not one."""
    try:
        schema = json.loads(path.read_bytes())
    except OSError as exc:
        raise ConfigError(f"{printable(path)}: cannot read schema: {exc.strerror}") from None
    except (ValueError, RecursionError):
        raise ConfigError(f"{printable(path)}: not a JSON schema (invalid JSON)") from None
    if not isinstance(schema, dict):
        raise ConfigError(f"{printable(path)}: not a JSON schema (not an object)")
    if not _local_refs_only(schema):
        raise ConfigError(
            f"{printable(path)}: the schema refers to other files ($ref); use standalone schemas "
            "(kubeconform's *-standalone-strict folders)"
        )
    return schema


class SchemaStore:
    """Schemas of one Kubernetes version plus CRDs and schema locations, with compiled
    checks cached per kind.

    Lookup order: CRDs (from --crds and from the input), then each --schema-location in
    order (`default` names the shipped Kubernetes schemas' place among them), then the
    shipped Kubernetes schemas, then the shipped CRDs (Rollout, ExternalSecret).
    """

    def __init__(
        self,
        kube_version: str = DEFAULT_KUBE_VERSION,
        crd_dirs: Sequence[Path] = (),
        schema_locations: Sequence[str] = (),
    ) -> None:
        self.raw_kube_version = kube_version.strip().removeprefix("v")
        self.kube_version = normalize_version(kube_version)
        bundle = _bundle(self.kube_version)
        self.definitions: dict[str, Any] = bundle["definitions"]
        self.kinds: dict[str, dict[str, Any]] = bundle["kinds"]
        self.custom: dict[str, crds.CustomKind] = {}
        for folder in crd_dirs:
            self.custom.update(crds.load(Path(folder)))
        self.locations: list[SchemaLocation | None] = [
            None if text == "default" else SchemaLocation(text) for text in schema_locations
        ]
        if None not in self.locations:
            self.locations.append(None)
        self._kinds: dict[str, KindSchema | None] = {}
        self._checks: dict[str, Check] = {}
        self._full: dict[str, Any] = {}
        self._walkers: dict[str, Any] = {}  # key -> explain.Walker, or None for jsonschema
        self._shipped: dict[str, crds.CustomKind] = {}
        self._shipped_unread: list[Path] | None = None

    def lookup(self, api_version: str, kind: str) -> KindSchema | None:
        key = f"{api_version}/{kind}"
        if key not in self._kinds:
            self._kinds[key] = self._build(api_version, kind)
        return self._kinds[key]

    def add_custom(self, found: dict[str, crds.CustomKind]) -> None:
        """CRDs found in the input: their kinds are looked up again."""
        for key, custom in found.items():
            self.custom.setdefault(key, custom)
            self._kinds.pop(key, None)

    def _shipped_crd(self, key: str) -> crds.CustomKind | None:
        """The custom resources launchgen renders or generates (Rollout, ExternalSecret,
        the GitOps engines' objects): schemas/crds/, read only when a manifest needs
        them; --crds folders win. A file at a time, those whose name holds the kind
        first: Argo CD's ApplicationSet CRD alone is 1.5 MB, which a Rollout should not
        pay for. The name only orders the reads; every file is read before a kind is
        called unknown."""
        if self._shipped_unread is None:
            from launchgen.resources import schema_path

            self._shipped_unread = crds.files(schema_path("crds"))
        kind = key.rsplit("/", 1)[-1].lower()
        self._shipped_unread.sort(key=lambda p: kind not in p.stem.replace("-", ""))
        while key not in self._shipped and self._shipped_unread:
            for found, custom in crds.load_file(self._shipped_unread.pop(0)).items():
                self._shipped.setdefault(found, custom)
        return self._shipped.get(key)

    def _build(self, api_version: str, kind: str) -> KindSchema | None:
        key = f"{api_version}/{kind}"
        if key in self.custom:
            custom = self.custom[key]
            return KindSchema(
                key,
                custom.namespaced,
                {**custom.schema, "definitions": self._needed(custom.schema)},
                f"CRD {printable(custom.source)}",
            )
        entry = self.kinds.get(key)
        for location in self.locations:
            if location is None:
                if entry is not None:
                    root = self.definitions[entry["ref"]]
                    return KindSchema(
                        key,
                        bool(entry["namespaced"]),
                        {**root, "definitions": self._needed(root)},
                        f"Kubernetes {self.kube_version}",
                    )
                continue
            for path in location.paths(api_version, kind, self.raw_kube_version):
                if path.is_file():
                    return KindSchema(
                        key,
                        bool(entry["namespaced"]) if entry else None,
                        load_schema_file(path),
                        printable(path),
                    )
        shipped = self._shipped_crd(key)
        if shipped is not None:
            return KindSchema(
                key,
                shipped.namespaced,
                {**shipped.schema, "definitions": self._needed(shipped.schema)},
                f"launchgen's CRD {printable(shipped.source)}",
            )
        return None

    def _needed(self, root: Any) -> dict[str, Any]:
        """The definitions `root` reaches, so each kind's schema stands alone."""
        needed: dict[str, Any] = {}
        todo = [root]
        while todo:
            node = todo.pop()
            if isinstance(node, dict):
                ref = node.get("$ref")
                if isinstance(ref, str) and ref.startswith("#/definitions/"):
                    name = ref.removeprefix("#/definitions/")
                    if name not in needed and name in self.definitions:
                        needed[name] = self.definitions[name]
                        todo.append(needed[name])
                todo.extend(node.values())
            elif isinstance(node, list):
                todo.extend(node)
        return dict(sorted(needed.items()))

    def check(self, kind: KindSchema) -> Check:
        """The validity check of a kind: compiled when both libraries judge its schema
        alike, else jsonschema's (built once, then reused)."""
        found = self._checks.get(kind.key)
        if found is None:
            found = schema_checker(kind.schema) or self.full_validator(kind).is_valid
            self._checks[kind.key] = found
        return found

    def errors(self, kind: KindSchema, data: Any) -> list[tuple[list[str | int], str]]:
        """Every schema error of `data` (a document the check refused): the fast walker
        where it knows every keyword of the schema, else jsonschema."""
        import launchgen.validate.explain as explain

        if kind.key not in self._walkers:
            self._walkers[kind.key] = (
                explain.Walker(kind.schema) if explain.supported(kind.schema) else None
            )
        walker: explain.Walker | None = self._walkers[kind.key]
        found: list[tuple[list[str | int], str]] = (
            [(path, explain.describe(path, message)) for path, message in walker.errors(data)]
            if walker
            else []
        )
        if not found:
            from launchgen.schemas import describe, error_path

            errors = sorted(
                self.full_validator(kind).iter_errors(data),
                key=lambda e: list(map(str, e.absolute_path)),
            )
            found = [(error_path(error), describe(error)) for error in errors]
        return found

    def full_validator(self, kind: KindSchema) -> Any:
        """jsonschema's validator, for listing every error of an invalid document."""
        found = self._full.get(kind.key)
        if found is None:
            import jsonschema

            cls = jsonschema.validators.validator_for(
                kind.schema, default=jsonschema.Draft7Validator
            )
            try:
                cls.check_schema(kind.schema)
            except jsonschema.SchemaError as exc:
                raise ConfigError(
                    f"the schema of {printable(kind.key)} ({kind.source}) is not a valid JSON Schema: "
                    f"{printable(exc.message)}"
                ) from None
            found = self._full[kind.key] = cls(kind.schema)
        return found
