"""One publish, start to end: check everything that can be checked, verify, publish, record.

Everything that could refuse is asked before anything is pushed: the options, the
properties repo (and that its history can be appended to), the bundle's signature,
its environment and service, the signing key, the targets' names.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from launchgen.display import printable
from launchgen.errors import ConfigError, LaunchgenError


@dataclass
class PublishRequest:
    bundle: Path
    public_key: Path
    environment: str | None = None
    git_remote: str | None = None
    oci_repository: str | None = None
    flavour: str = "flux"
    plain_http: bool = False
    signing_key: Path | None = None
    sign: bool = False
    properties: Path | None = None  # None: not recorded
    by: str = ""
    service: str | None = None  # the properties repo's service, which the bundle must be for
    environments: tuple[str, ...] = ()  # the properties repo's environments (empty: any)


def _check_targets(request: PublishRequest) -> None:
    from launchgen.publish import gitbranch, ociref

    if not request.git_remote and not request.oci_repository:
        raise ConfigError(
            "nothing to publish to: give --git REMOTE, --oci oci://HOST/PATH, or both"
        )
    if request.git_remote:
        gitbranch.check_remote(request.git_remote)
    if request.oci_repository:
        ociref.repository(request.oci_repository)
    elif request.signing_key or request.sign:
        raise ConfigError("--sign and --signing-key sign an OCI artifact: give --oci too")


def run(request: PublishRequest) -> list[str]:
    """Publish; the lines to print."""
    from launchgen.bundle.verify import verify
    from launchgen.naming import check_environment
    from launchgen.publish import content as published

    by = request.by
    _check_targets(request)
    allowed = request.environments or None
    if request.environment:
        check_environment(request.environment, allowed)
    content = published.from_verified(verify(request.bundle, request.public_key))
    source = content.source
    shown = printable(str(request.bundle))
    if request.environment and request.environment != source.environment:
        raise LaunchgenError(
            f"bundle {shown} was rendered for {source.environment}, not {request.environment}"
        )
    if request.properties is not None:
        check_environment(source.environment, allowed)
        if request.service is not None and source.service != request.service:
            raise LaunchgenError(
                f"bundle {shown} is for {source.service}, but {printable(str(request.properties))} "
                f"is {request.service}'s properties repo"
            )
        from launchgen import records

        records.preflight(request.properties, source.environment)
    signing_key = None
    if request.signing_key is not None or request.sign:
        from launchgen.bundle.keys import load_private_key

        signing_key = load_private_key(request.signing_key)
    lines, where, changed = [], [], False
    if request.git_remote:
        from launchgen.publish import gitbranch

        done = gitbranch.publish(content, request.git_remote, by=by)
        changed |= done.changed
        place = f"git {done.remote} {done.branch} {done.commit[:12]}"
        where.append(place)
        lines.append(
            f"{'published' if done.changed else 'already published'}: {source.service} "
            f"{source.app_version} for {source.environment} to {printable(place)} "
            f"(folder {source.service}/)"
        )
    if request.oci_repository:
        from launchgen.publish import oci

        pushed = oci.publish(
            content,
            request.oci_repository,
            flavour=request.flavour,
            plain_http=request.plain_http,
            signing_key=signing_key,
        )
        changed |= pushed.changed
        place = f"{pushed.repository}@{pushed.digest}"
        where.append(place)
        attached = (
            "referrers API"
            if pushed.referrers_api
            else f"referrers tag {pushed.digest.replace(':', '-')}"
        )
        lines.append(
            f"{'published' if pushed.changed else 'already published'}: {source.service} "
            f"{source.app_version} for {source.environment} to {printable(place)} "
            f"(tags {', '.join(pushed.tags)}; attestation {pushed.attestation[:19]} via {attached}"
            + ("; signed" if pushed.signature else "")
            + ")"
        )
    if request.properties is not None and changed:
        from launchgen.publish import record

        entry = record.append(request.properties, source, by, "; ".join(where))
        lines.append(
            f"recorded in deployments/{source.environment}.yaml (seq {entry['seq']}); waiting for approval"
        )
    return lines
