"""`package`: one rendered environment -> a signed, reproducible deployment bundle.

The bundle holds the manifests, the exact inputs they were rendered from, and
`attestation.dsse.json`: an in-toto statement over all of them, signed as DSSE.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from launchgen.bundle import archive, dsse, intoto, keys
from launchgen.errors import EXIT_PROBLEMS, LaunchgenError
from launchgen.files import atomic_write

ENVELOPE_NAME = "attestation.dsse.json"
RENDER_RECORD = "render.json"


class ValidationRefusal(LaunchgenError):
    """The manifests do not validate: package refuses them (exit 1)."""

    exit_code = EXIT_PROBLEMS


@dataclass
class PackageRequest:
    render_dir: Path
    output: Path
    key: Path | None = None
    validate: bool = True
    kube_version: str | None = None
    crd_dirs: Sequence[Path] = field(default_factory=tuple)


@dataclass(frozen=True)
class Packaged:
    path: Path
    files: int
    key_id: str
    validated_against: str | None


def read_render(render_dir: Path) -> tuple[dict[str, Any], dict[str, bytes], dict[str, bytes]]:
    """(render.json, manifests, inputs) of a render output folder."""
    record_path = render_dir / RENDER_RECORD
    try:
        record = json.loads(record_path.read_bytes())
    except OSError:
        raise LaunchgenError(f"{render_dir} is not a launchgen render output: no {RENDER_RECORD}") from None
    except ValueError:
        raise LaunchgenError(f"{record_path} is not valid JSON") from None
    manifests: dict[str, bytes] = {}
    inputs: dict[str, bytes] = {}
    listed = list(record.get("manifests") or [])
    for name in listed:
        manifests[name] = _read(render_dir, name)
    for path in sorted((render_dir / "inputs").glob("*")):
        if path.is_file():
            inputs[f"inputs/{path.name}"] = path.read_bytes()
    on_disk = {p.relative_to(render_dir).as_posix() for p in (render_dir / "manifests").glob("*") if p.is_file()}
    extra = sorted(on_disk - set(listed))
    if extra:
        raise LaunchgenError(f"{render_dir}: {extra[0]} is not part of the render (render.json does not list it)")
    if not manifests:
        raise LaunchgenError(f"{render_dir}: the render has no manifests")
    return record, manifests, inputs


def _read(root: Path, name: str) -> bytes:
    try:
        return (root / name).read_bytes()
    except OSError:
        raise LaunchgenError(f"{root}: {name} is listed in {RENDER_RECORD} but missing") from None


def _validate(request: PackageRequest, record: dict[str, Any]) -> str | None:
    if not request.validate:
        return None
    from launchgen.validate import ValidateOptions, validate

    version = request.kube_version or str(record.get("kube_version") or "")
    options = ValidateOptions(crd_dirs=tuple(request.crd_dirs))
    if version:
        options.kube_version = version
    result = validate([request.render_dir], options)
    errors = [p for p in result.problems if p.severity == "error"]
    if errors:
        first = errors[0]
        raise ValidationRefusal(
            f"refusing to package: {len(errors)} validation error{'s' if len(errors) != 1 else ''} "
            f"(first: {first.path}:{first.line}:{first.column} {first.rule} {first.message}); "
            "run `launchgen validate` to see them all"
        )
    return result.kube_version


def package(request: PackageRequest) -> Packaged:
    record, manifests, inputs = read_render(request.render_dir)
    key = keys.load_private_key(request.key)
    validated_against = _validate(request, record)
    stmt = intoto.statement(record, manifests, inputs, validated_against)
    envelope = dsse.sign(intoto.encode(stmt), intoto.PAYLOAD_TYPE, key)
    files = {**manifests, **inputs, ENVELOPE_NAME: dsse.dumps(envelope)}
    atomic_write(request.output, archive.write(files))
    return Packaged(request.output, len(files), keys.key_id(key), validated_against)
