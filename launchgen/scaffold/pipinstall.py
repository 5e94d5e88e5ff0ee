"""How generated pipelines install launchgen: the org's requirement and package index.

`launchgen_requirement` is a pip requirement: `launchgen==1.2.0` (from the index),
`launchgen @ https://.../launchgen-1.2.0-py3-none-any.whl`, or
`launchgen @ git+https://.../launchgen.git@v1.2.0`; a bare wheel or `git+` URL is
taken as `launchgen @ URL`. `pip_index_url` optionally replaces PyPI as the index
(never an *extra* index: that would let a public package named launchgen win).

Both end up in a shell command inside YAML (a GitHub `run:` or a GitLab `script:`
line), so they are restricted to characters that need no escaping anywhere on that
path: no whitespace inside URLs, no quotes, `$`, backquote, braces or backslash (so no
shell expansion, no GitHub `${{ }}` expression), and the command quotes each word.
"""

from __future__ import annotations

import re
import shlex

from launchgen.errors import LaunchgenError

_URL_CHARS = r"[A-Za-z0-9._~:/?#\[\]@!&()*+,;=%-]"
URL = rf"(?:https?|file|git\+(?:https?|ssh|file))://{_URL_CHARS}+"
_NAME = r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?"
_EXTRAS = r"(?:\[[A-Za-z0-9._-]+(?:,[A-Za-z0-9._-]+)*\])?"
_SPEC = r"(?:===|==|~=|!=|<=|>=|<|>)[A-Za-z0-9.*+!_-]+"
VERSIONED = re.compile(rf"^{_NAME}{_EXTRAS}(?:{_SPEC}(?:,{_SPEC})*)?\Z")
DIRECT = re.compile(rf"^{_NAME}{_EXTRAS} @ {URL}\Z")
BARE_URL = re.compile(rf"^{URL}\Z")
INDEX_URL = re.compile(rf"^https?://{_URL_CHARS}+\Z")

REQUIREMENT_HELP = (
    "a pip requirement such as launchgen==1.2.0, launchgen @ https://host/launchgen-1.2.0-py3-none-any.whl "
    "or launchgen @ git+https://host/launchgen.git@v1.2.0"
)


def normalize_requirement(requirement: str) -> str:
    """The requirement in the form pip is given, or a LaunchgenError saying what is accepted."""
    text = requirement.strip()
    # Spaces are allowed around operators and `@`; any other whitespace (a newline
    # would end the YAML or shell line) never is.
    if not re.search(r"[^\S ]", text):
        if BARE_URL.match(text):
            return f"launchgen @ {text}"
        name, at, url = text.partition("@")
        candidate = f"{name.strip()} @ {url.strip()}" if at else text.replace(" ", "")
        if (DIRECT if at else VERSIONED).match(candidate):
            return candidate
    raise LaunchgenError(
        f"launchgen_requirement must be {REQUIREMENT_HELP}, "
        f"without spaces in the URL, quotes, $, braces or backslashes; got {requirement!r}"
    )


def check_index_url(index_url: str | None) -> None:
    if index_url is not None and not INDEX_URL.match(index_url):
        raise LaunchgenError(
            "pip_index_url must be an https:// or http:// URL without spaces, quotes, $, braces "
            f"or backslashes, got {index_url!r}"
        )


def pip_install_command(requirement: str, index_url: str | None = None) -> str:
    """The shell command generated pipelines run, every word quoted."""
    check_index_url(index_url)
    words = ["python", "-m", "pip", "install"]
    if index_url:
        words += ["--index-url", index_url]
    words.append(normalize_requirement(requirement))
    return " ".join(shlex.quote(w) for w in words)
