"""Issue 12: anything in a repo is untrusted. Bounded work, no secret echoed, one line per
problem (never a traceback or an internal error), output that cannot be forged."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from launchgen import records
from launchgen.lint import lint
from launchgen.problem import Problem
from tests.helpers.cli import invoke as run_cli
from tests.helpers.gitrepo import commit, git
from tests.helpers.trees import edit

DEV = "envs/dev/values.yaml"
SECRET = "hunter2-s3cr3t"


def cli(*args: str) -> tuple[int, str]:
    result = run_cli(*args, env={"GITHUB_ACTIONS": ""}, catch_exceptions=False)
    return result.exit_code, result.output


def no_crash(problems: list[Problem]) -> None:
    for p in problems:
        assert "internal error" not in p.message and p.hint and p.line >= 1 and p.column >= 1, p


# --- 5: bounded work --------------------------------------------------------------------


def test_100k_keys_in_one_megabyte_is_refused_quickly(props: Path) -> None:
    (props / DEV).write_text("".join(f"k{i}: 1\n" for i in range(100_000)))
    assert (
        props / DEV
    ).stat().st_size < 1024 * 1024  # under the byte limit: the line limit decides
    started = time.monotonic()
    run = subprocess.run(
        [sys.executable, "-m", "launchgen", "lint", "--no-cache", "--format", "json", str(props)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert time.monotonic() - started < 30
    assert run.returncode == 1, run.stderr
    [problem] = json.loads(run.stdout)["problems"]
    assert (problem["rule"], problem["path"]) == ("files-too-large", DEV)
    assert "over the 10000 limit" in problem["message"]


def test_flow_items_count_as_lines(props: Path) -> None:
    (props / DEV).write_text("podLabels: {" + ", ".join(f"k{i}: v" for i in range(20_000)) + "}\n")
    assert [p.rule for p in lint([props], cache=False)] == ["files-too-large"]


def test_line_limit_is_configurable(props: Path) -> None:
    config = props / ".launchgen.yaml"
    config.write_text(config.read_text() + "lint:\n  rules:\n    files-too-large: {max-lines: 3}\n")
    (props / DEV).write_text("replicaCount: 1\npodLabels:\n  a: b\n  c: d\n")
    found = [(p.rule, p.path) for p in lint([props], cache=False, yamllint=False)]
    assert ("files-too-large", DEV) in found and (
        "files-too-large",
        "envs/prod/values.yaml",
    ) in found


# --- 6: no value in any message -------------------------------------------------------------


FORMATS = ["text", "json", "sarif", "github", "junit", "gitlab"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_schema_errors_never_echo_values(props: Path, fmt: str) -> None:
    (props / DEV).write_text(
        f"env: {{DB_PASSWORD: {SECRET}}}\nreplicaCount: {SECRET}x\nimage: {{pullPolicy: {SECRET}y}}\n"
    )
    code, out = cli("lint", "--no-cache", "--format", fmt, str(props))
    assert code == 1
    assert "hunter2" not in out
    if fmt == "text":
        assert (
            "envs/dev/values.yaml:1:1: error properties-values-schema env: is an object, expected array"
            in out
        )
        assert "replicaCount: is a string, expected integer" in out


def test_chart_messages_do_not_echo_repository_credentials(app: Path) -> None:
    chart = app / "Chart.yaml"
    text = chart.read_text()
    start = text.index("repository:", text.index("dependencies:"))
    end = text.index("\n", start)
    chart.write_text(
        text[:start] + f"repository: https://bot:{SECRET}@charts.example.com" + text[end:]
    )
    problems = lint([app], cache=False, yamllint=False)
    assert any(p.rule == "chart-dependency-repository" for p in problems)
    assert all("hunter2" not in p.message for p in problems), problems


def test_gate_values_change_redacts_secrets(app_repos: tuple[Path, Path]) -> None:
    _, props = app_repos
    base = git(props, "rev-parse", "HEAD")
    prod = edit(props, "envs/prod/values.yaml", "replicaCount: 2", "replicaCount: 3")
    prod += (
        f"podLabels:\n  team: shop\n  dbPassword: {SECRET}\n  token: abcdEFGH1234ijklMNOP5678\n"
        f"  url: https://u:{SECRET}@db.example.com\n"
        f"args: [--password, {SECRET}]\n"
    )
    commit(props, "scale prod", {"envs/prod/values.yaml": prod})
    messages = [
        p.message
        for p in lint([props], base=base, cache=False, yamllint=False)
        if p.rule == "gate-values-change"
    ]
    assert (
        "prod: replicaCount: 2 -> 3" in messages
        and 'prod: podLabels.team added: "shop"' in messages
    )
    assert "prod: podLabels.dbPassword added: <redacted>" in messages
    assert "prod: podLabels.token added: <redacted>" in messages
    assert "prod: podLabels.url added: <redacted>" in messages
    assert all("hunter2" not in m and "abcdEFGH" not in m for m in messages), messages


# --- 7: hostile input: one line, exit 1 or 2 -------------------------------------------------


def test_integer_of_more_than_4300_digits(props: Path) -> None:
    for value in ("9" * 5000, "0x" + "f" * 5000):
        (props / DEV).write_text(f"replicaCount: {value}\ndbPassword: {value}\n")
        problems = lint([props], cache=False, yamllint=False)
        no_crash(problems)
        assert [(p.rule, p.line) for p in problems] == [("yaml-syntax", 1)], problems
        assert "longer than the 4300 digits" in problems[0].message


def test_huge_integers_in_the_gate(app_repos: tuple[Path, Path]) -> None:
    app, props = app_repos
    base = git(props, "rev-parse", "HEAD")
    records.append(
        props,
        "checkout",
        "dev",
        "deployed",
        "ci",
        appVersion="1.0.0",
        chartVersion="0.1.0",
        bundleDigest="sha256:" + "ab" * 32,
        release="checkout",
        namespace="checkout-dev",
    )
    commit(props, "deploy", {"envs/dev/values.yaml": "replicaCount: " + "9" * 5000 + "\n"})
    problems = lint([props], base=base, cache=False, yamllint=False)
    no_crash(problems)
    app_base = git(app, "rev-parse", "HEAD")
    commit(
        app,
        "huge version",
        {
            "Chart.yaml": edit(app, "Chart.yaml", "version: 0.1.0", "version: " + "9" * 5000),
            "templates/x.yaml": "a: 1\n",
        },
    )
    problems = lint([app], base=app_base, cache=False, yamllint=False)
    no_crash(problems)
    assert any(p.rule == "yaml-syntax" for p in problems)


def test_complex_keys(props: Path, app: Path) -> None:
    (props / DEV).write_text("? [a, b]\n: 1\n? {c: d}\n: 2\n")
    code, out = cli("lint", "--no-cache", "--no-color", str(props))
    assert code == 1 and "Traceback" not in out and "internal error" not in out
    (app / "Chart.yaml").write_text((app / "Chart.yaml").read_text() + "? [x]\n: 1\n")
    code, out = cli("lint", "--no-cache", "--no-color", str(app))
    assert code == 1 and "internal error" not in out
    assert "Chart.yaml:" in out and "a complex key" in out


def test_file_name_that_is_not_utf8(props: Path) -> None:
    name = os.fsencode(str(props / "envs" / "dev")) + b"/secrets\xff.yaml"
    with open(name, "wb") as handle:
        handle.write(b"a: 1\n")
    problems = lint([props], cache=False)
    no_crash(problems)
    assert ("files-encoding", "file name is not valid UTF-8") in {
        (p.rule, p.message) for p in problems
    }
    for fmt in FORMATS:
        code, out = cli("lint", "--no-cache", "--format", fmt, str(props))
        assert code == 1, (fmt, out)
        assert "\\udcff" in out or "\\\\udcff" in out, (fmt, out)
        if fmt in ("json", "sarif", "gitlab"):
            json.loads(out)


@pytest.mark.parametrize(
    "lock",
    [
        "dependencies: 5\n",
        "dependencies: [5]\n",
        "dependencies: {a: 1}\ndigest: 7\n",
        "dependencies:\n- name: launch-microservice\n  version: " + "9" * 5000 + "\n",
    ],
)
def test_chart_lock_of_the_wrong_shape(app: Path, lock: str) -> None:
    (app / "Chart.lock").write_text(lock)
    problems = lint([app], cache=False, yamllint=False)
    no_crash(problems)
    assert {p.rule for p in problems} & {"chart-lock", "yaml-syntax"}, problems


def test_text_and_github_output_cannot_be_forged(props: Path) -> None:
    evil = "envs/dev/values.yaml:1:1: error fake-rule\x1b[2K"
    (props / DEV).write_text(f'"{evil}\\n::error file=x::forged": 1\n'.replace("\x1b", "\\e"))
    code, out = cli("lint", "--no-cache", "--no-color", "--format", "text", str(props))
    assert code == 1 and "\x1b" not in out
    assert all(not line.startswith("::") for line in out.splitlines())
    code, out = cli("lint", "--no-cache", "--format", "github", str(props))
    assert "\x1b" not in out and all(line.startswith("::") for line in out.splitlines())
    assert "::error file=x::forged" not in out


def test_config_and_values_messages_do_not_echo_secrets(middleware: Path, props: Path) -> None:
    config = middleware / ".launchgen.yaml"
    config.write_text(
        config.read_text().replace(
            "oci://registry-1.docker.io/bitnamicharts", f"ftp://bot:{SECRET}@charts.example.com"
        )
    )
    problems = lint([middleware], cache=False, yamllint=False)
    assert any(
        p.rule == "middleware-chart-pinned" and "<redacted>" in p.message for p in problems
    ), problems
    assert all("hunter2" not in p.message for p in problems)
    (props / DEV).write_text(f"rollout:\n  enabled: true\n  strategy: {SECRET}\n")
    problems = lint([props], cache=False, yamllint=False)
    assert any(p.rule == "delivery-rollout-strategy" for p in problems)
    assert all("hunter2" not in p.message for p in problems), problems


def test_a_yamllint_that_runs_too_long_is_a_problem_not_a_pass(
    props: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from launchgen.lint import yamllint_proc

    monkeypatch.setattr(yamllint_proc, "TIMEOUT_SECONDS", 0.01)  # each process gets at least 1 s
    (props / DEV).write_text("".join(f"k{i}: 1\n" for i in range(9_000)))
    started = time.monotonic()
    problems = lint([props], cache=False)
    assert time.monotonic() - started < 20
    timeouts = [p for p in problems if p.rule == "yaml-lint" and "timed out" in p.message]
    assert timeouts and timeouts[0].severity == "error", problems
    assert "not checked by yamllint" in timeouts[0].message
