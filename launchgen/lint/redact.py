"""Values from repos, shown in messages without leaking secrets into CI logs.

Problems end up in CI logs, code scanning and merge request widgets, which are read by
more people than the repo. Rules therefore name keys, types and lengths, not values;
the one rule whose purpose is to show values (gate-values-change, for review) shows
them through `shown`, which replaces every value that is or may be a secret with
`<redacted>`:
- under a key named like a secret (password, token, apiKey, ...: the secrets rules'
  names), or the `value` of an `env` entry so named;
- a string that looks random (a key, a token: the secrets-high-entropy measure, from
  16 characters), or a URL with credentials (`scheme://user:pass@host`);
- a string longer than 64 characters (too long to review in a log line anyway);
- in a list, the item after a flag named like a secret (`[--password, x]`), and the
  right-hand side of `--password=x` or `DB_PASSWORD=x`.
Numbers, booleans and null are shown; a list or mapping is shown with its secret
leaves redacted, shortened to 120 characters.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from typing import Any

from launchgen.display import printable
from launchgen.lint.schemamsg import number

REDACTED = "<redacted>"
MAX_SHOWN_STRING = 64
MAX_SHOWN = 120
_SECRET_NAME = re.compile(
    r"(pass(word|wd|phrase)?|pwd|secret|token|api[-_]?key|private[-_]?key|access[-_]?key|secret[-_]?key|"
    r"credentials?|auth[-_]?key|client[-_]?secret|connection[-_]?string|dsn|cert(ificate)?|key)$",
    re.IGNORECASE,
)
_URL_CREDENTIALS = re.compile(r"://[^/\s@]*:[^/\s@]*@")
_RANDOM = re.compile(r"^[A-Za-z0-9+/=_.-]+$")


def quote(value: Any, limit: int = 80) -> str:
    """A name or version from a config file (not a values file), for a message: quoted,
    escaped, shortened; URLs lose their credentials; 5,000-digit ints are described."""
    if isinstance(value, str):
        return repr(printable(_URL_USERINFO.sub("://<redacted>@", value), limit=limit))
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return number(value)
    return printable(
        repr(value) if value is None or isinstance(value, bool) else f"<{type(value).__name__}>",
        limit=limit,
    )


_URL_USERINFO = re.compile(r"://[^/@\s]*@")


def secret_name(key: object) -> bool:
    return isinstance(key, str) and bool(_SECRET_NAME.search(key))


def _entropy(text: str) -> float:
    counts = Counter(text)
    return -sum(n / len(text) * math.log2(n / len(text)) for n in counts.values())


def secret_looking(text: str) -> bool:
    if len(text) > MAX_SHOWN_STRING or _URL_CREDENTIALS.search(text):
        return True
    return len(text) >= 16 and bool(_RANDOM.match(text)) and _entropy(text) >= 3.5


def _redacted(value: Any, key: object = None) -> Any:
    if secret_name(key):
        return REDACTED
    if isinstance(value, dict):
        name = value.get("name")
        hide_value = secret_name(name)
        return {
            str(k): REDACTED if (hide_value and k == "value") else _redacted(v, k)
            for k, v in value.items()
        }
    if isinstance(value, list):
        # `[--password, x]`: an item after a secret-named flag is that secret.
        return [
            REDACTED
            if i
            and isinstance(value[i - 1], str)
            and secret_name(value[i - 1].lstrip("-"))
            and not isinstance(v, (dict, list))
            else _redacted(v)
            for i, v in enumerate(value)
        ]
    if isinstance(value, str):
        name, equals, _ = value.partition("=")
        if equals and secret_name(name.lstrip("-").strip()):
            return f"{name}=<redacted>"  # --password=x, DB_PASSWORD=x
        return REDACTED if secret_looking(value) else value
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**30:
        return number(value)
    if value is None or isinstance(value, (bool, int, float)):
        return value
    return REDACTED  # dates and other types: not shown


def shown(value: Any, key: object = None) -> str:
    """`value` (found under `key`) as JSON-like text, secrets redacted, one short line."""
    safe = _redacted(value, key)
    if safe == REDACTED:
        return REDACTED
    try:
        text = json.dumps(safe, default=str, ensure_ascii=False)
    except (ValueError, TypeError):
        return REDACTED
    return printable(text.replace(f'"{REDACTED}"', REDACTED), limit=MAX_SHOWN)
