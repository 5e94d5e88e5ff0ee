"""The checks' catalog (launchgen/checks.py) holds every id validate, the deploy policy
and the naming checks can report, and nothing else; every entry is documented."""

from __future__ import annotations

import ast
import json
import re
import textwrap
from pathlib import Path

import pytest

from launchgen.checks import CHECKS, CONTROL, KINDS, hint
from launchgen.commands.explain import explanation
from launchgen.errors import InvalidNameError
from launchgen.lint.rules import RULES
from launchgen.naming import check_environment_names
from launchgen.validate import ValidateOptions, validate
from tests.helpers import cli

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "launchgen"
# An id named in a message, as the naming and policy checks do: "... [naming-dns1123]".
_BRACKETED = re.compile(r"\[([a-z][a-z0-9]+(?:-[a-z0-9]+)+)\]")
_ID = re.compile(r"^[a-z][a-z0-9]+(?:-[a-z0-9]+)+$")


def _call_name(node: ast.Call) -> str:
    func = node.func
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")


def _ids_in(tree: ast.AST) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _call_name(node) in ("Problem", "DocumentError"):
            # Problem(path, line, column, rule, ...), DocumentError(rule, ...)
            position = 3 if _call_name(node) == "Problem" else 0
            args = [*node.args[position : position + 1]]
            args += [k.value for k in node.keywords if k.arg == "rule"]
            found.update(
                arg.value
                for arg in args
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str)
            )
        elif isinstance(node, ast.Yield) and isinstance(node.value, ast.Tuple):
            first = node.value.elts[0] if node.value.elts else None
            if isinstance(first, ast.Constant) and _ID.match(str(first.value)):
                found.add(str(first.value))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            found.update(_BRACKETED.findall(node.value))
    return found


def emitted_ids() -> dict[str, set[str]]:
    """Every id a module outside lint can report -> the modules reporting it."""
    out: dict[str, set[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if relative.startswith("launchgen/lint/") or relative == "launchgen/checks.py":
            continue
        for found in _ids_in(ast.parse(path.read_text(), relative)):
            out.setdefault(found, set()).add(relative)
    return out


def test_the_scan_sees_every_kind_of_report() -> None:
    # Not vacuous: a Problem, a DocumentError, a yielded finding and a bracketed id.
    emitted = emitted_ids()
    assert "launchgen/validate/engine.py" in emitted["k8s-object"]
    assert "launchgen/validate/documents.py" in emitted["yaml-duplicate-key"]
    assert "launchgen/validate/checks.py" in emitted["standard-secret-literal"]
    assert "launchgen/deploy/policy.py" in emitted["policy-data-schema-window"]
    assert "launchgen/naming.py" in emitted["naming-environments"]


def test_every_reported_id_is_in_the_catalog_and_every_entry_is_reported() -> None:
    emitted = emitted_ids()
    missing = {i: sorted(where) for i, where in emitted.items() if i not in CHECKS}
    assert missing == {}, "ids reported but not in launchgen/checks.py"
    assert sorted(set(CHECKS) - set(emitted)) == [], "catalog entries nothing reports"


@pytest.mark.parametrize("check_id", sorted(CHECKS))
def test_every_entry_is_complete_and_documented(check_id: str) -> None:
    check = CHECKS[check_id]
    assert check.id == check_id and check.kind in KINDS and check.kind in CONTROL
    assert check.summary and not check.summary.endswith(".") and "\n" not in check.summary
    assert check.hint and check.doc and check.severity == "error"
    page = ROOT / "docs" / "rules" / f"{check_id}.md"
    assert page.read_text() == explanation(check_id)
    assert check.hint in " ".join(page.read_text().split())


def test_a_check_sharing_a_lint_rule_id_keeps_the_rule_page_first() -> None:
    shared = sorted(set(CHECKS) & set(RULES))
    assert shared == [
        "naming-dns1123",
        "naming-namespace-length",
        "naming-release-length",
        "yaml-duplicate-key",
        "yaml-syntax",
    ]
    page = explanation("yaml-syntax")
    assert page.startswith("# yaml-syntax\n") and "Configure in `.launchgen.yaml`" in page
    assert page.index("Configure in") < page.index("## Outside lint") < page.index("alias bomb")


def test_validate_problems_carry_the_catalog_hints(tmp_path: Path) -> None:
    manifest = tmp_path / "m.yaml"
    manifest.write_text(
        textwrap.dedent(
            """\
            apiVersion: v1
            kind: Secret
            metadata: {name: s, namespace: elsewhere}
            stringData: {password: hunter2}
            ---
            kind: ConfigMap
            ---
            apiVersion: example.com/v1
            kind: Widget
            metadata: {name: w}
            ---
            a: 1
            a: 2
            """
        )
    )
    problems = validate([manifest], ValidateOptions(namespace="shop-dev")).problems
    assert sorted(p.rule for p in problems) == [
        "k8s-object",
        "k8s-unknown-kind",
        "standard-namespace",
        "standard-secret-literal",
        "yaml-duplicate-key",
    ]
    for problem in problems:
        assert problem.hint == hint(problem.rule), problem.rule


def test_naming_environments_is_a_check_with_a_page() -> None:
    with pytest.raises(InvalidNameError, match=r"\[naming-environments\]"):
        check_environment_names("shop", ["dev", "dev"])
    with pytest.raises(InvalidNameError, match=r"\[naming-environments\]"):
        check_environment_names("shop", [])
    assert CHECKS["naming-environments"].kind == "naming"
    assert (ROOT / "docs" / "rules" / "naming-environments.md").is_file()


def invoke(*args: str) -> tuple[int, str]:
    result = cli.invoke(*args)
    return result.exit_code, result.output


def test_rules_lists_lint_rules_first_then_each_kind_of_check() -> None:
    code, everything = invoke("rules")
    lint_only = invoke("rules", "--kind", "lint")[1]
    assert code == 0 and everything.startswith(lint_only)
    rest = everything[len(lint_only) :]
    assert [line for line in rest.splitlines() if line.endswith(":")] == [
        "validate checks:",
        "deploy-policy checks:",
        "naming checks:",
    ]
    assert "validate checks:" not in lint_only and "standard-secret-literal" in rest
    code, validate_only = invoke("rules", "--kind", "validate")
    assert code == 0 and validate_only.startswith("validate checks:\n")
    assert "policy-" not in validate_only and "properties-drift" not in validate_only
    data = json.loads(invoke("rules", "--format", "json", "--kind", "deploy-policy")[1])
    assert data["rules"] == []
    assert [c["id"] for c in data["checks"]] == [
        "policy-chart-only-upgrade",
        "policy-data-schema-window",
    ]
    assert data["checks"][0]["hint"] == hint("policy-chart-only-upgrade")
    assert invoke("rules", "--kind", "nope")[0] == 2


def test_explain_a_check_and_suggest_close_ids() -> None:
    code, out = invoke("explain", "policy-data-schema-window")
    assert code == 0 and out.startswith("# policy-data-schema-window\n")
    assert "- Kind: deploy-policy check" in out and "N-1, N, N+1" in " ".join(out.split())
    code, out = invoke("explain", "standard-secret-literl")
    assert code == 2 and "did you mean standard-secret-literal" in out


def test_validate_sarif_describes_every_validate_check(tmp_path: Path) -> None:
    manifest = tmp_path / "m.yaml"
    manifest.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n")
    code, out = invoke("validate", "--format", "sarif", str(manifest))
    assert code == 0
    rules = json.loads(out)["runs"][0]["tool"]["driver"]["rules"]
    described = {r["id"]: r["shortDescription"]["text"] for r in rules}
    assert described == {c.id: c.summary for c in CHECKS.values() if c.kind == "validate"}
