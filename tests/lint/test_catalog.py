"""The catalog's contract, and everything generated from it, stay in sync with the code."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path

import yaml

from launchgen.lint.rules import FAMILIES, RULES
from launchgen.problem import SEVERITIES
from tests.lint.helpers import Case

ROOT = Path(__file__).resolve().parents[2]


def test_every_rule_follows_the_contract() -> None:
    for family in FAMILIES:
        assert family.__doc__, family.__name__
        for rule in family.RULES:
            assert rule.id.startswith(rule.family + "-") or rule.family == "suppression", rule.id
            assert rule.doc and rule.summary and rule.severity in SEVERITIES
    assert len(RULES) == sum(len(f.RULES) for f in FAMILIES)


def test_docs_and_schema_are_generated_from_the_catalog() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gen_rule_docs.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout
    schema = json.loads((ROOT / "schemas" / "repo-config.schema.json").read_text())
    assert schema["$defs"]["ruleId"]["enum"] == sorted(RULES)


def test_hooks_file_matches_the_generated_repos() -> None:
    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    assert hooks["launchgen-lint"]["types"] == ["yaml"] and hooks["launchgen-lint"].get(
        "pass_filenames", True
    )
    assert hooks["launchgen-lint-repo"]["pass_filenames"] is False
    template = (
        ROOT / "templates" / "properties" / "{{cookiecutter.repo_name}}" / ".pre-commit-config.yaml"
    ).read_text()
    for hook_id in hooks:
        assert f"id: {hook_id}" in template


def test_every_rule_has_a_bad_and_a_good_example_tree() -> None:
    """Each test_rules_<family>.py lists CASES; revision rules compare two commits and are
    tested on real git history in tests/gate/test_gate_rules.py."""
    cases: list[Case] = []
    for path in sorted(Path(__file__).parent.glob("test_rules_*.py")):
        cases += importlib.import_module(f"tests.lint.{path.stem}").CASES
    assert {c.rule for c in cases} <= set(RULES)
    for rule in RULES.values():
        if rule.scope == "revision":
            continue
        kinds = {bool(c.expected) for c in cases if c.rule == rule.id}
        assert kinds == {True, False}, f"{rule.id}: needs a bad and a good case"
