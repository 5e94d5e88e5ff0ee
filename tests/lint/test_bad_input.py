"""Hostile and broken input: a problem with file and line, never a traceback or a hang."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from launchgen.lint import lint

DEV = "envs/dev/values.yaml"
CASES: dict[str, tuple[bytes, str]] = {
    "malformed": (b"a: [1,\n", "yaml-syntax"),
    "duplicate": (b"a: 1\na: 2\n", "yaml-duplicate-key"),
    "empty": (b"", ""),
    "not-utf8": (b"a: \xff\xfe\n", "files-encoding"),
    "bom": (b"\xef\xbb\xbfreplicaCount: 1\n", "files-bom"),
    "tabs": (b"a:\n\tb: 1\n", "yaml-syntax"),
    "crlf": (b"replicaCount: 1\r\n", "yaml-lint"),
    "nul": (b"a: \x00\n", "yaml-syntax"),
    "deep": (b"- " * 100_000 + b"x\n", "yaml-syntax"),
    "list": (b"- 1\n- 2\n", "properties-values-schema"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_values_file(props: Path, name: str) -> None:
    content, rule = CASES[name]
    (props / DEV).write_bytes(content)
    problems = lint([str(props)], cache=False)
    assert all("internal error" not in p.message for p in problems)
    if rule:
        assert any(p.rule == rule and p.path == DEV and p.line >= 1 for p in problems), problems
    else:
        assert problems == []


def test_chart_yaml_that_is_a_list(app: Path) -> None:
    (app / "Chart.yaml").write_text("- name: checkout\n")
    problems = lint([str(app)], cache=False)
    assert all("internal error" not in p.message for p in problems)


def test_alias_bomb_through_the_cli_finishes_quickly(props: Path) -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 9)}]\n" for i in range(9)
    )
    (props / DEV).write_text(bomb)
    result = subprocess.run(
        [sys.executable, "-m", "launchgen", "lint", "--no-cache", str(props)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (
        result.returncode == 1
        and "yaml-anchors" in result.stdout
        and "Traceback" not in result.stderr
    )


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.one_of(
        st.binary(max_size=300),
        st.text(max_size=300).map(lambda t: t.encode("utf-8", "surrogatepass")),
    )
)
def test_lint_never_raises_on_arbitrary_bytes(props: Path, content: bytes) -> None:
    for relpath in (DEV, "envs/prod/values.yaml"):
        (props / relpath).write_bytes(content)
    problems = lint([str(props)], cache=False, yamllint=False)
    assert all("internal error" not in p.message for p in problems), problems


YAMLISH = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.text(max_size=20),
        st.sampled_from(["*a", "&a x", "<<"]),
    ),
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(YAMLISH)
def test_lint_never_raises_on_arbitrary_yaml(app: Path, data: object) -> None:
    import yaml

    text = yaml.safe_dump(data, allow_unicode=True)
    for relpath in ("values.yaml", "Chart.yaml", "Chart.lock"):
        (app / relpath).write_text(text, encoding="utf-8")
    problems = lint([str(app)], cache=False, yamllint=False)
    assert all("internal error" not in p.message for p in problems), problems
