"""OCI references publish writes to, checked before any request is made.

A repository is given as `oci://HOST[:PORT]/PATH` (as Flux and Argo CD spell it),
without a tag: publish chooses the tags. Names follow the OCI distribution spec's
grammar; anything else is refused with the rule it breaks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from launchgen.display import printable
from launchgen.errors import ConfigError

SCHEME = "oci://"
_HOST = re.compile(
    r"(?P<host>localhost|[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*"
    r"|\[[0-9a-fA-F:]+\])(:(?P<port>[0-9]{1,5}))?\Z"
)
_COMPONENT = r"[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*"
_PATH = re.compile(rf"{_COMPONENT}(/{_COMPONENT})*\Z")
_TAG = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]{0,127}\Z")
_DIGEST = re.compile(r"sha256:[0-9a-f]{64}\Z")
PATH_MAX = 255


@dataclass(frozen=True)
class Repository:
    host: str  # host[:port]
    path: str

    @property
    def url(self) -> str:
        return f"{SCHEME}{self.host}/{self.path}"

    def ref(self, tag_or_digest: str) -> str:
        sep = "@" if tag_or_digest.startswith("sha256:") else ":"
        return f"{self.host}/{self.path}{sep}{tag_or_digest}"


def repository(text: str) -> Repository:
    """`oci://host[:port]/path` parsed and checked (no tag, no digest)."""
    shown = printable(text)
    if not text.startswith(SCHEME):
        raise ConfigError(f"invalid OCI repository {shown!r}: write it as oci://HOST/PATH")
    host, _, path = text[len(SCHEME) :].partition("/")
    match = _HOST.match(host)
    if not match or (match.group("port") and not 0 < int(match.group("port")) < 65536):
        raise ConfigError(
            f"invalid OCI repository {shown!r}: {printable(host)!r} is not a registry host[:port]"
        )
    if "@" in path or ":" in path:
        raise ConfigError(
            f"invalid OCI repository {shown!r}: give the repository without a tag or digest "
            "(publish tags it with the environment and the app version)"
        )
    if not _PATH.match(path) or len(path) > PATH_MAX:
        raise ConfigError(
            f"invalid OCI repository {shown!r}: the path must be lowercase letters and digits "
            "separated by '.', '_', '-' or '/', at most 255 characters"
        )
    return Repository(host, path)


def tag(text: str) -> str:
    """An OCI tag; a semver's '+' (not allowed in tags) becomes '_', as helm does."""
    candidate = text.replace("+", "_")
    if not _TAG.match(candidate):
        raise ConfigError(
            f"invalid OCI tag {printable(text)!r}: letters, digits, '.', '_', '-', at most 128"
        )
    return candidate


def check_digest(digest: str) -> str:
    if not _DIGEST.match(digest):
        raise ConfigError(f"invalid digest {printable(digest)!r}: expected sha256:<64 hex digits>")
    return digest


def referrers_tag(digest: str) -> str:
    """The referrers tag schema's tag for `digest` (sha256:abc -> sha256-abc)."""
    return check_digest(digest).replace(":", "-")
