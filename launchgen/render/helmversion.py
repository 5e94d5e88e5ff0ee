"""helm's version, remembered per binary: asking it is a whole helm start-up, as costly
as half a `helm template`. The entry is keyed on the resolved binary's path, inode,
size and modification time, so a replaced or upgraded helm is asked again. A cache
that cannot be read or written is simply not used."""

from __future__ import annotations

import json
import os
from pathlib import Path

from launchgen.errors import LaunchgenError
from launchgen.helm import HelmVersion

FILE_NAME = "helm-versions.json"


def cache_file() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "launchgen" / FILE_NAME


def _key(binary: str) -> str | None:
    try:
        real = os.path.realpath(binary)
        st = os.stat(real)
    except OSError:
        return None
    return f"{real}|{st.st_ino}|{st.st_size}|{st.st_mtime_ns}"


def _entries() -> dict[str, str]:
    try:
        data = json.loads(cache_file().read_bytes())
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def cached(binary: str) -> HelmVersion | None:
    key = _key(binary)
    found = _entries().get(key) if key else None
    if not found:
        return None
    try:
        return HelmVersion.parse(found)
    except LaunchgenError:  # a corrupt entry: ask helm
        return None


def remember(binary: str, version: HelmVersion) -> None:
    key = _key(binary)
    if key is None:
        return
    entries = {k: v for k, v in _entries().items() if not k.startswith(key.split("|")[0] + "|")}
    entries[key] = str(version)
    try:
        from launchgen.files import atomic_write

        path = cache_file()
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, json.dumps(entries, indent=1, sort_keys=True) + "\n")
    except OSError:
        pass
