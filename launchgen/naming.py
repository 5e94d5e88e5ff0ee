"""Naming rules of the standard: service, environment, release and namespace names.

The release name is the service name; immutable deployments add a postfix and put the
whole chart into a namespace of its own, so every limit is checked with the longest
postfix already counted in.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

from launchgen.errors import InvalidNameError
from launchgen.standard import (
    HELM_RELEASE_NAME_MAX,
    IMMUTABLE_POSTFIX_LENGTH,
    NAMESPACE_MAX,
    PROPERTIES_SUFFIX,
)

DNS1123_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?\Z")

SERVICE_NAME_MAX = HELM_RELEASE_NAME_MAX - IMMUTABLE_POSTFIX_LENGTH


def dns1123_problem(name: str) -> str | None:
    """Why `name` is not a DNS-1123 label, or None when it is one."""
    if not name:
        return "must not be empty"
    if len(name) > NAMESPACE_MAX:
        return f"must be at most {NAMESPACE_MAX} characters (DNS-1123 label), got {len(name)}"
    if not DNS1123_LABEL.match(name):
        return (
            "must be a DNS-1123 label: lowercase letters, digits and '-', "
            "starting and ending with a letter or digit"
        )
    return None


def check_service_name(name: str) -> None:
    """Raise InvalidNameError naming the rule `name` breaks as a service name."""
    problem = dns1123_problem(name)
    if problem:
        raise InvalidNameError(f"invalid service name {name!r} [naming-dns1123]: {problem}")
    if len(name) > SERVICE_NAME_MAX:
        raise InvalidNameError(
            f"invalid service name {name!r} [naming-release-length]: {len(name)} characters; "
            f"at most {SERVICE_NAME_MAX} leaves room for the {IMMUTABLE_POSTFIX_LENGTH}-character "
            f"immutable postfix within helm's {HELM_RELEASE_NAME_MAX}-character release name limit"
        )


def namespace_for(service: str, environment: str, postfix: str = "") -> str:
    """The namespace of a deployment: `<service>-<env>`, plus the postfix when immutable."""
    return f"{service}-{environment}{postfix}"


def check_environment_names(service: str, environments: Iterable[str]) -> None:
    """Raise InvalidNameError when an environment name breaks a naming rule."""
    seen: set[str] = set()
    for env in environments:
        problem = dns1123_problem(env)
        if problem:
            raise InvalidNameError(f"invalid environment name {env!r} [naming-dns1123]: {problem}")
        if env in seen:
            raise InvalidNameError(f"environment {env!r} is listed twice [naming-environments]")
        seen.add(env)
        longest = len(namespace_for(service, env)) + IMMUTABLE_POSTFIX_LENGTH
        if longest > NAMESPACE_MAX:
            raise InvalidNameError(
                f"namespace for service {service!r} in environment {env!r} would be {longest} "
                f"characters with the immutable postfix; at most {NAMESPACE_MAX} "
                "[naming-namespace-length]: choose a shorter service or environment name"
            )
    if not seen:
        raise InvalidNameError("at least one environment is required [naming-environments]")


def immutable_postfix(deployment_id: str) -> str:
    """The postfix for an immutable deployment: '-' and 8 hex characters of its id."""
    digest = hashlib.sha256(deployment_id.encode()).hexdigest()
    return "-" + digest[: IMMUTABLE_POSTFIX_LENGTH - 1]


def properties_repo_name(service: str) -> str:
    return service + PROPERTIES_SUFFIX


# Names that reach helm or kubectl as arguments. Each is checked where it is read
# (a record, a bundle, .launchgen.yaml) and again just before the argv is built, so a
# committed value such as "--kubeconfig=x" can never become an option.


def check_release_name(name: object, *, source: str = "release") -> str:
    """Return `name` when it is a valid helm release name; raise InvalidNameError otherwise."""
    if not isinstance(name, str):
        raise InvalidNameError(f"invalid {source} name {name!r}: not a string")
    problem = dns1123_problem(name)
    if problem is None and len(name) > HELM_RELEASE_NAME_MAX:
        problem = f"must be at most {HELM_RELEASE_NAME_MAX} characters (helm release name), got {len(name)}"
    if problem:
        raise InvalidNameError(f"invalid {source} name {name!r} [naming-dns1123]: {problem}")
    return name


def check_namespace(name: object, *, source: str = "namespace") -> str:
    """Return `name` when it is a valid namespace (DNS-1123 label, at most 63)."""
    if not isinstance(name, str):
        raise InvalidNameError(f"invalid {source} {name!r}: not a string")
    problem = dns1123_problem(name)
    if problem:
        raise InvalidNameError(f"invalid {source} {name!r} [naming-dns1123]: {problem}")
    return name


def check_environment(name: object, allowed: Iterable[str] | None = None) -> str:
    """Return `name` when it is a DNS-1123 environment name (and one of `allowed`, if given)."""
    if not isinstance(name, str):
        raise InvalidNameError(f"invalid environment {name!r}: not a string")
    problem = dns1123_problem(name)
    if problem:
        raise InvalidNameError(f"invalid environment {name!r} [naming-dns1123]: {problem}")
    if allowed is not None:
        known = list(allowed)
        if name not in known:
            raise InvalidNameError(
                f"unknown environment {name!r}: this repo's environments are {', '.join(known) or '(none)'}"
            )
    return name


def check_version(version: object, *, source: str = "version") -> str:
    """Return `version` when it is exact SemVer 2.0 (an optional leading 'v'), nothing around it."""
    from launchgen import semver

    if not isinstance(version, str) or semver.parse(version) is None or version != version.strip():
        raise InvalidNameError(
            f"invalid {source} {version!r}: must be a SemVer version such as 1.4.2"
        )
    return version
