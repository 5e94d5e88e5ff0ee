"""Organisation defaults for `launchgen new`, and the order they are looked up in.

Each setting is taken from, first to last: a command-line flag, a LAUNCHGEN_*
environment variable, the organisation config file, the built-in default. The file is
the one given by --config, else $LAUNCHGEN_CONFIG, else
$XDG_CONFIG_HOME/launchgen/config.yaml (~/.config/...), else /etc/launchgen/config.yaml;
it is validated against schemas/org-config.schema.json.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from launchgen import __version__
from launchgen.errors import ConfigError
from launchgen.standard import DEFAULT_ENVIRONMENTS

# The shipped chart's version; app repos pin it unless the org says otherwise.
BUILTIN_LAUNCH_CHART_VERSION = "1.1.0"
# The first version of a new app's umbrella chart (--chart-version).
FIRST_CHART_VERSION = "0.1.0"
CI_SYSTEMS = ("github", "gitlab")


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    is_list: bool = False

    @property
    def env_var(self) -> str:
        return "LAUNCHGEN_" + self.name.upper()


SETTINGS: dict[str, Setting] = {
    s.name: s
    for s in (
        Setting("chart_repository", None),
        Setting("launch_chart_version", BUILTIN_LAUNCH_CHART_VERSION),
        Setting("registry", "registry.example.com"),
        Setting("environments", list(DEFAULT_ENVIRONMENTS), is_list=True),
        Setting("ci", "github"),
        Setting("hooks_repo", None),
        Setting("launchgen_requirement", f"launchgen=={__version__}"),
        Setting("pip_index_url", None),
    )
}


def config_file_path(explicit: str | None, environ: Mapping[str, str]) -> Path | None:
    """The org config file to read, or None when there is none."""
    if explicit:
        return Path(explicit)
    if environ.get("LAUNCHGEN_CONFIG"):
        return Path(environ["LAUNCHGEN_CONFIG"])
    xdg = environ.get("XDG_CONFIG_HOME") or str(
        Path(environ.get("HOME", "~")).expanduser() / ".config"
    )
    for candidate in (Path(xdg) / "launchgen" / "config.yaml", Path("/etc/launchgen/config.yaml")):
        if candidate.is_file():
            return candidate
    return None


def load_config_file(path: Path) -> dict[str, Any]:
    """Read and validate an org config file; any problem is a ConfigError with a line."""
    from launchgen import yamlio
    from launchgen.schemas import validate_document

    if not path.is_file():
        raise ConfigError("config file not found", path=str(path))
    try:
        data = yamlio.load(path)
    except yamlio.YamlError as exc:
        raise ConfigError(exc.message, path=exc.path, line=exc.line) from None
    if data is None:
        return {}
    validate_document(data, "org-config.schema.json", str(path), ConfigError)
    plain: dict[str, Any] = yamlio.to_plain(data)
    return plain


def resolve(
    flags: Mapping[str, Any],
    config_path: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Every setting resolved: flag > environment variable > config file > default."""
    environ = os.environ if environ is None else environ
    path = config_file_path(config_path, environ)
    from_file = load_config_file(path) if path else {}
    resolved: dict[str, Any] = {}
    for name, setting in SETTINGS.items():
        if flags.get(name) is not None:
            value = flags[name]
        elif environ.get(setting.env_var):
            raw = environ[setting.env_var]
            value = [v.strip() for v in raw.split(",") if v.strip()] if setting.is_list else raw
        elif name in from_file:
            value = from_file[name]
        else:
            value = setting.default
        resolved[name] = value
    if resolved["ci"] not in CI_SYSTEMS:
        raise ConfigError(f"ci must be 'github' or 'gitlab', got {resolved['ci']!r}")
    return resolved
