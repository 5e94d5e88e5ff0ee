"""The fast paths for invalid documents agree with the slow, exact ones: the error walker
with jsonschema, the indentation scan with PyYAML's positions; and no refusal goes unreported."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from launchgen.schemas import error_path
from launchgen.validate import ValidateOptions, documents, locate, validate
from launchgen.validate.schemas import SchemaStore

POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: p
  labels:
    app: web
spec:
  containers:
  - name: web
    image: "web:1.0"
    ports:
      - containerPort: 8080
        name: http
    env:
    - name: A
      value: "1"
  volumes:
    - name: tmp
      emptyDir: {}
"""

SPOILED = [
    POD.replace("containerPort: 8080", "containerPort: eighty"),
    POD.replace("    image:", "    colour: red\n    image:"),
    POD.replace("  name: p\n", "  name: p\n  bogus: 1\n"),
    POD.replace("spec:\n", "spec:\n  restartPolicy: [Always]\n  hostNetwork: maybe\n"),
    POD.replace("  - name: web\n", "  - nom: web\n"),
    POD.replace('      value: "1"\n', "      value: 1\n      extra: {a: 1}\n"),
    POD.replace("      emptyDir: {}", "      emptyDir: {medium: Memory, sizeLimit: 1Gi, what: 1}"),
    POD.replace("kind: Pod\n", "kind: Pod\nstatus: {phase: 1}\n"),
]


@pytest.mark.parametrize("text", SPOILED)
def test_walker_finds_what_jsonschema_finds(text: str) -> None:
    store = SchemaStore()
    kind = store.lookup("v1", "Pod")
    assert kind is not None
    data = documents.parse(text)
    assert not store.check(kind)(data)
    ours = sorted(tuple(map(str, path)) for path, _ in store.errors(kind, data))
    theirs = sorted(
        tuple(map(str, error_path(e))) for e in store.full_validator(kind).iter_errors(data)
    )
    assert ours == theirs


def all_paths(value: object, prefix: tuple[str | int, ...] = ()) -> Iterator[list[str | int]]:
    yield list(prefix)
    if isinstance(value, dict):
        for key, sub in value.items():
            yield from all_paths(sub, (*prefix, key))
    elif isinstance(value, list):
        for index, sub in enumerate(value):
            yield from all_paths(sub, (*prefix, index))


BLOCK_DOCS = [
    POD,
    *SPOILED,
    textwrap.dedent("""\
    # Source: chart/templates/deployment.yaml
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web   # trailing comment
      annotations:
        note: |
          spec:
            fake: key inside a block scalar
        other: "quoted: value"
    spec:
      template:
        spec:
          containers:
            -   name: a
                args:
                  - --x
                  - --y
            - name: b

              image: "b:1"
    """),
]


@pytest.mark.parametrize("text", BLOCK_DOCS)
def test_indentation_scan_agrees_with_pyyaml(text: str) -> None:
    data = documents.parse(text)
    checked = 0
    for keys in all_paths(data):
        try:
            fast = locate._scan(text, keys)
        except locate._Unsure:
            continue
        assert fast == locate._compose(text, keys), keys
        checked += 1
    assert checked > 10
    # a path that does not exist points at its deepest existing part
    assert locate.position(text, ["metadata", "nope", "deeper"]) == locate._compose(
        text, ["metadata"]
    )


def test_a_refusal_is_never_silent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # should the error listing find nothing where the compiled check refused, the
    # document still fails
    monkeypatch.setattr(SchemaStore, "errors", lambda self, kind, data: [])
    path = tmp_path / "m.yaml"
    path.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ncolour: 1\n")
    (problem,) = validate([path]).problems
    assert problem.rule == "k8s-schema" and "does not match its schema" in problem.message


def test_every_problem_is_complete(tmp_path: Path) -> None:
    from tests.validate.test_inputs import NASTY

    for name, text in NASTY.items():
        (tmp_path / f"{name}.yaml").write_bytes(text.encode() if text else b"\xff")
    for index, text in enumerate(SPOILED):
        (tmp_path / f"spoiled-{index}.yaml").write_text(text.replace("web:1.0", "web"))
    (tmp_path / "unknown.yaml").write_text("apiVersion: x.io/v1\nkind: X\nmetadata: {name: x}\n")
    problems = validate([tmp_path], ValidateOptions(namespace="ns")).problems
    assert len({p.rule for p in problems}) >= 5
    for problem in problems:
        assert Path(problem.path).parent == tmp_path
        assert (
            problem.line >= 1
            and problem.column >= 1
            and problem.rule
            and problem.severity == "error"
        )
        assert problem.hint and problem.message and "\n" not in problem.message
