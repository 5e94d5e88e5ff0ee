"""`package`: one rendered environment -> a signed, reproducible deployment bundle.

The bundle holds the manifests, the exact inputs they were rendered from, and
`attestation.dsse.json`: an in-toto statement over all of them, signed as DSSE.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import launchgen.bundle.archive as archive
import launchgen.bundle.dsse as dsse
import launchgen.bundle.intoto as intoto
import launchgen.bundle.keys as keys
import launchgen.bundle.output as output
import launchgen.bundle.renderdir as renderdir
from launchgen.bundle.schema import problems
from launchgen.display import printable
from launchgen.errors import EXIT_PROBLEMS, LaunchgenError, WouldOverwriteError
from launchgen.standard import RENDER_RECORD

ENVELOPE_NAME = dsse.NAME


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
    force: bool = False  # replace an existing output file


@dataclass(frozen=True)
class Packaged:
    path: Path
    files: int
    key_id: str
    validated_against: str | None


def _validate(request: PackageRequest, record: dict[str, Any]) -> str | None:
    if not request.validate:
        return None
    from launchgen.validate.engine import ValidateOptions, validate

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
            f"(first: {printable(str(first.path))}:{first.line}:{first.column} {first.rule} "
            f"{printable(first.message)}); "
            "run `launchgen validate` to see them all"
        )
    return result.kube_version


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or a.samefile(b)
    except (OSError, RuntimeError):  # RuntimeError: a symlink loop, before Python 3.13
        return False


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except RuntimeError:
        raise LaunchgenError(f"{printable(str(path))}: a symbolic link loop") from None


def _check_output(request: PackageRequest) -> None:
    """Refuse an output that exists (unless forced), or that is the key or part of the render, even forced."""
    out = request.output
    if request.key is not None and _same_file(out, request.key):
        raise WouldOverwriteError(
            f"-o {printable(str(out))} is the signing key: choose another bundle path"
        )
    real, root = _resolved(out), _resolved(request.render_dir)
    if real == root / RENDER_RECORD or any(
        real.is_relative_to(root / sub) for sub in (renderdir.MANIFESTS, renderdir.INPUTS)
    ):
        raise WouldOverwriteError(
            f"-o {printable(str(out))} is part of the render it packages: choose another bundle path"
        )
    output.check_free(out, request.force)


def package(request: PackageRequest) -> Packaged:
    _check_output(request)
    record, manifests, inputs = renderdir.read(request.render_dir)
    key = keys.load_private_key(request.key)
    validated_against = _validate(request, record)
    stmt = intoto.statement(record, manifests, inputs, validated_against)
    problem = problems(stmt)
    if problem:  # verify would refuse it: say so now, naming the render record
        raise LaunchgenError(
            f"{printable(str(request.render_dir / RENDER_RECORD))}: cannot be packaged: {problem}"
        )
    envelope = dsse.sign(intoto.encode(stmt), intoto.PAYLOAD_TYPE, key)
    files = {**manifests, **inputs, ENVELOPE_NAME: dsse.dumps(envelope)}
    output.write(request.output, archive.write(files), force=request.force)
    return Packaged(request.output, len(files), keys.key_id(key), validated_against)
