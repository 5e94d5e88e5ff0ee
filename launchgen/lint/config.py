"""The `lint:` section of `.launchgen.yaml`: which rules run, how severe, what is ignored.

    lint:
      rules:
        secrets-high-entropy: disable          # enable | disable | error | warning | info
        chart-dependency-repository:
          severity: warning
          allowed-repositories: [oci://registry.example.com/charts]
      ignore: [envs/sandbox/]
      yamllint: true

Defaults live in one place, the rule catalog; anything unknown fails loudly, as
yamllint's config does: `unknown option "x" for rule "y"`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from launchgen.display import printable
from launchgen.errors import ConfigError
from launchgen.lint.rules import RULES, suggest
from launchgen.problem import SEVERITIES, Severity

SECTION_KEYS = ("rules", "ignore", "yamllint")
SWITCHES = ("enable", "disable")


@dataclass(frozen=True)
class RuleSetting:
    enabled: bool
    severity: Severity
    options: Mapping[str, Any]
    severity_set: bool = False  # configured explicitly, rather than the rule's default


@dataclass(frozen=True)
class LintSettings:
    rules: Mapping[str, RuleSetting]
    ignore: tuple[str, ...] = ()
    yamllint: bool = True

    @classmethod
    def unresolved(cls) -> LintSettings:
        return cls({})

    def enabled(self, rule_id: str) -> bool:
        setting = self.rules.get(rule_id)
        return bool(setting and setting.enabled)


Locate = Callable[[tuple[str | int, ...]], int]


def _same_type(default: Any, value: Any) -> bool:
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(default, bool) and isinstance(value, bool)
    if isinstance(default, (int, float)):
        return isinstance(value, (int, float))
    if isinstance(default, list):
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    return isinstance(value, type(default))


def settings_from(section: Any, path: str, line_of: Locate) -> LintSettings:
    """Validate the `lint:` section against the catalog and resolve every rule's setting."""
    base = ("lint",)
    if section is None:
        section = {}
    if not isinstance(section, dict):
        raise ConfigError("lint must be a mapping", path=path, line=line_of(base))
    for key in section:
        if key not in SECTION_KEYS:
            raise ConfigError(
                f"invalid config: unknown key {printable(key, limit=60)!r} in lint (known: {', '.join(SECTION_KEYS)})",
                path=path,
                line=line_of((*base, key)),
            )
    configured = section.get("rules") or {}
    if not isinstance(configured, dict):
        raise ConfigError(
            "lint.rules must be a mapping of rule id to setting",
            path=path,
            line=line_of((*base, "rules")),
        )
    resolved: dict[str, RuleSetting] = {}
    for rule_id, value in configured.items():
        where = (*base, "rules", rule_id)
        if rule_id not in RULES:
            raise ConfigError(
                f"invalid config: no such rule: {printable(rule_id, limit=60)!r}{suggest(rule_id)}",
                path=path,
                line=line_of(where),
            )
        resolved[rule_id] = _rule_setting(rule_id, value, path, line_of, where)
    for rule_id, rule in RULES.items():
        resolved.setdefault(rule_id, RuleSetting(True, rule.severity, dict(rule.options)))
    ignore = section.get("ignore") or []
    if not isinstance(ignore, list) or not all(isinstance(p, str) and p for p in ignore):
        raise ConfigError(
            "lint.ignore must be a list of path patterns",
            path=path,
            line=line_of((*base, "ignore")),
        )
    yamllint = section.get("yamllint", True)
    if not isinstance(yamllint, bool):
        raise ConfigError(
            "lint.yamllint must be true or false", path=path, line=line_of((*base, "yamllint"))
        )
    return LintSettings(resolved, tuple(ignore), yamllint)


def _rule_setting(
    rule_id: str, value: Any, path: str, line_of: Locate, where: tuple[str | int, ...]
) -> RuleSetting:
    rule = RULES[rule_id]
    options = dict(rule.options)
    if isinstance(value, str):
        if value in SWITCHES:
            return RuleSetting(value == "enable", rule.severity, options)
        if value in SEVERITIES:
            return RuleSetting(True, value, options, severity_set=True)
        raise ConfigError(
            f"invalid config: {rule_id} must be one of {', '.join(SWITCHES + SEVERITIES)} or a mapping, "
            f"got {printable(value, limit=60)!r}",
            path=path,
            line=line_of(where),
        )
    if not isinstance(value, dict):
        raise ConfigError(
            f"invalid config: {rule_id} must be a string or a mapping",
            path=path,
            line=line_of(where),
        )
    enabled, severity, severity_set = True, rule.severity, False
    for key, option in value.items():
        at = line_of((*where, key))
        if key == "enabled":
            if not isinstance(option, bool):
                raise ConfigError(
                    f"invalid config: {rule_id}.enabled must be true or false", path=path, line=at
                )
            enabled = option
        elif key == "severity":
            if option not in SEVERITIES:
                raise ConfigError(
                    f"invalid config: {rule_id}.severity must be one of {', '.join(SEVERITIES)}",
                    path=path,
                    line=at,
                )
            severity, severity_set = option, True
        elif key in options:
            if not _same_type(rule.options[key], option):
                raise ConfigError(
                    f"invalid config: option {key!r} of rule {rule_id!r} must be "
                    f"{type(rule.options[key]).__name__}",
                    path=path,
                    line=at,
                )
            options[key] = option
        else:
            known = ", ".join(["enabled", "severity", *rule.options])
            raise ConfigError(
                f'invalid config: unknown option "{key}" for rule "{rule_id}" (known: {known})',
                path=path,
                line=at,
            )
    return RuleSetting(enabled, severity, options, severity_set)
