"""What validate reads: render folders, empty inputs, and input that must never crash it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from launchgen.validate import ValidateOptions, validate
from launchgen.validate.engine import ValidationResult
from tests.helpers.cli import invoke, run_launchgen

CONFIGMAP = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {LOG_LEVEL: info}\n"
SECRET = "apiVersion: v1\nkind: Secret\nmetadata: {name: db}\nstringData: {password: hunter2}\n"


def render_folder(
    tmp_path: Path, listed: dict[str, str], unlisted: dict[str, str] | None = None
) -> Path:
    folder = tmp_path / "dev"
    (folder / "manifests").mkdir(parents=True)
    (folder / "inputs").mkdir()
    (folder / "inputs" / "values-dev.yaml").write_text(
        "replicas: 2\nimage: {tag: 1.0.0}\n"
    )  # not a manifest
    for name, text in {**listed, **(unlisted or {})}.items():
        (folder / "manifests" / name).write_text(text)
    record = {
        "namespace": "web-dev",
        "app_version": "1.0.0",
        "kind": "app",
        "manifests": [f"manifests/{name}" for name in listed],
    }
    (folder / "render.json").write_text(json.dumps(record))
    return folder


def rules(result: ValidationResult) -> list[tuple[str, str, int]]:
    return sorted((Path(p.path).name, p.rule, p.line) for p in result.problems)


def test_render_folder_validates_files_render_json_does_not_list(tmp_path: Path) -> None:
    folder = render_folder(tmp_path, {"00-configmap.yaml": CONFIGMAP}, {"99-secret.yaml": SECRET})
    result = validate([folder])
    assert rules(result) == [("99-secret.yaml", "standard-secret-literal", 4)]
    assert result.resources == 2


def test_render_folder_inputs_are_not_manifests(tmp_path: Path) -> None:
    folder = render_folder(tmp_path, {"00-configmap.yaml": CONFIGMAP})
    result = validate([folder])
    assert result.problems == [] and result.resources == 1 and result.files == 1


def test_render_folder_listed_but_missing_file_is_a_problem(tmp_path: Path) -> None:
    folder = render_folder(tmp_path, {"00-configmap.yaml": CONFIGMAP})
    (folder / "manifests" / "00-configmap.yaml").unlink()
    assert [p.rule for p in validate([folder]).problems] == ["file-unreadable"]


def test_render_folder_files_in_subfolders_are_read(tmp_path: Path) -> None:
    folder = render_folder(tmp_path, {"00-configmap.yaml": CONFIGMAP})
    (folder / "manifests" / "extra").mkdir()
    (folder / "manifests" / "extra" / "secret.yml").write_text(SECRET)
    assert rules(validate([folder])) == [("secret.yml", "standard-secret-literal", 4)]


@pytest.mark.parametrize("content", [None, "", "# only a comment\n", "---\n...\n---\n# nothing\n"])
def test_nothing_to_validate_is_not_green(tmp_path: Path, content: str | None) -> None:
    target = tmp_path / "in"
    target.mkdir()
    if content is not None:
        (target / "empty.yaml").write_text(content)
    result = invoke("validate", str(target))
    assert result.exit_code == 1, result.output
    assert "no resources found in" in result.output
    assert "valid for Kubernetes" not in result.output
    as_json = json.loads(invoke("validate", str(target), "-f", "json").output)
    assert [p["rule"] for p in as_json["problems"]] == ["no-resources"]


def test_an_empty_render_is_not_green(tmp_path: Path) -> None:
    folder = render_folder(tmp_path, {})
    assert [p.rule for p in validate([folder]).problems] == ["no-resources"]


@pytest.mark.parametrize(
    "text",
    [
        "# a comment\n---\n" + CONFIGMAP,
        CONFIGMAP + "...\n",
        CONFIGMAP + "...\n---\n# trailing comment only\n...\n",
        "---\n" + CONFIGMAP + "---\n---\n",
        "%YAML 1.1\n---\n" + CONFIGMAP,
        "\ufeff" + CONFIGMAP,
        CONFIGMAP.replace("\n", "\r\n"),
    ],
)
def test_comment_only_and_terminated_documents(tmp_path: Path, text: str) -> None:
    path = tmp_path / "m.yaml"
    path.write_bytes(text.encode())
    result = validate([path])
    assert result.problems == [] and result.resources == 1


# Input that once crashed validate, or could: each is one problem line, never a traceback.
NASTY = {
    "huge-int": CONFIGMAP + "binaryData: {}\nimmutable: " + "9" * 5000 + "\n",
    "huge-int-in-flow": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, uid: "
    + "1" * 4400
    + "}\n",
    "complex-key": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata:\n  ? [a, b]\n  : c\n",
    "mapping-key": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n? {a: 1}\n: c\n",
    "deep-flow": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: "
    + "[" * 3000
    + "]" * 3000
    + "\n",
    "deep-block": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata:\n"
    + "".join("  " * (i + 1) + "k:\n" for i in range(1500)),
    "deep-anchored": "apiVersion: v1\nkind: ConfigMap\nmetadata: &m {name: a}\ndata: &d "
    + "[" * 500
    + "]" * 500
    + "\n",
    "alias-bomb": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata:\n  a: &a [x, x, x, x, x, x, x, x, x]\n"
    + "".join(
        f"  b{i}: &b{i} [" + ", ".join([f"*{'a' if i == 1 else f'b{i - 1}'}"] * 9) + "]\n"
        for i in range(1, 10)
    ),
    "python-tag": "apiVersion: v1\nkind: ConfigMap\nmetadata: !!python/object:os.system {name: a}\n",
    "tabs": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n\tname: a\n",
    "bad-utf8": None,
    "nul-bytes": "apiVersion: v1\nkind: ConfigMap\x00\nmetadata: {name: a}\n",
    "scalar-document": "just a string\n",
    "kind-not-a-string": "apiVersion: v1\nkind: [ConfigMap]\nmetadata: {name: a}\n",
    "list-with-junk": "apiVersion: v1\nkind: List\nitems: [1, null, [a]]\n",
    "control-chars": 'apiVersion: v1\nkind: "Config\\e[31mMap\\n"\nmetadata: {name: "a\\u0007"}\n',
}


@pytest.mark.parametrize("name", sorted(NASTY))
def test_never_a_traceback(tmp_path: Path, name: str) -> None:
    path = tmp_path / f"{name}.yaml"
    text = NASTY[name]
    path.write_bytes(
        text.encode()
        if text is not None
        else b"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: \xff}\n"
    )
    result = invoke("validate", str(path))
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and "internal error" not in result.output
    lines = [line for line in result.output.splitlines() if line.startswith(str(path))]
    assert lines, result.output
    assert all("\x1b" not in line and "\x07" not in line for line in result.output.splitlines())


def test_plain_keys_that_are_not_strings_are_read_as_strings(tmp_path: Path) -> None:
    # as Kubernetes' YAML decoder does: data keys 1 and true are the strings "1" and "true"
    path = tmp_path / "m.yaml"
    path.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {1: a, true: b}\n")
    assert validate([path]).problems == []
    path.write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {1: a, true: b, 2: [x]}\n"
    )
    assert [p.rule for p in validate([path]).problems] == ["k8s-schema"]


def test_non_utf8_file_name(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    name = b"bad-\xff-name.yaml"
    try:
        (folder / name.decode("utf-8", "surrogateescape")).write_text(SECRET)
    except (UnicodeEncodeError, OSError):
        pytest.skip("the file system refuses non-UTF-8 names")
    proc = run_launchgen("validate", folder)
    assert proc.returncode == 1, proc.stderr
    assert b"standard-secret-literal" in proc.stdout and b"Traceback" not in proc.stderr
    assert b"bad-\\udcff-name.yaml" in proc.stdout


def test_a_large_file_of_many_documents(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    docs = [CONFIGMAP.replace("settings", f"settings-{i}") for i in range(20_000)]
    docs[12_345] = docs[12_345].replace("\ndata: {", "\nbogus: 1\ndata: {")
    path.write_text("---\n".join(docs))
    result = validate([path], ValidateOptions(jobs=1))
    assert result.resources == 20_000
    (problem,) = result.problems
    assert (problem.rule, problem.line) == ("k8s-schema", 12_345 * 5 + 4)


def test_parallel_and_serial_agree(tmp_path: Path) -> None:
    for index in range(40):
        text = "---\n".join(CONFIGMAP.replace("settings", f"s-{index}-{i}") for i in range(10))
        if index % 7 == 0:
            text += "---\n" + SECRET
        if index % 9 == 0:
            text += "---\napiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {bogus: 1}\n"
        (tmp_path / f"m-{index:02d}.yaml").write_text(text)
    serial = validate([tmp_path], ValidateOptions(jobs=1))
    parallel = validate([tmp_path], ValidateOptions(jobs=2))
    assert serial.resources == parallel.resources == 400 + 6 + 5
    assert sorted(serial.problems) == sorted(parallel.problems) and len(serial.problems) == 11


def _sigterm_disposition(batch: object) -> object:
    """A worker's batch function: whether SIGTERM ends this process (as `skipped`)."""
    import signal

    from launchgen.validate import engine

    return engine._Outcome(skipped=int(signal.getsignal(signal.SIGTERM) == signal.SIG_DFL))


def test_workers_end_on_sigterm_under_the_cli_handler(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Pool.terminate() stops workers with SIGTERM; the CLI's handler (it raises an
    # exception instead of ending the process) must not be the workers' own.
    import signal

    from launchgen import interrupts
    from launchgen.validate import engine
    from launchgen.validate.checks import Context
    from launchgen.validate.schemas import SchemaStore

    monkeypatch.setattr(engine, "_work", _sigterm_disposition)
    for index in range(8):
        (tmp_path / f"m-{index}.yaml").write_text(CONFIGMAP)
    files = [(path, Context()) for path in sorted(tmp_path.iterdir())]
    with interrupts.signals_as_interrupts():
        assert signal.getsignal(signal.SIGTERM) != signal.SIG_DFL
        outcomes = engine._parallel(SchemaStore(), ValidateOptions(), files, 2)
    assert outcomes is not None and len(outcomes) >= 2
    assert all(outcome.skipped == 1 for outcome in outcomes)


def test_a_large_file_split_over_processes_keeps_its_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from launchgen.validate import engine

    monkeypatch.setattr(engine, "PARALLEL_BYTES", 1000)
    path = tmp_path / "big.yaml"
    docs = [CONFIGMAP.replace("settings", f"settings-{i}") for i in range(3000)]
    for index in (0, 1234, 2999):
        docs[index] = docs[index].replace("\ndata: {", "\nbogus: 1\ndata: {")
    path.write_text("# leading comment\n---\n" + "---\n".join(docs))
    (tmp_path / "small.yaml").write_text(SECRET)
    serial = validate([tmp_path], ValidateOptions(jobs=1))
    parallel = validate([tmp_path], ValidateOptions(jobs=2))
    assert serial.resources == parallel.resources == 3001
    assert serial.problems == parallel.problems
    assert [(p.rule, p.line) for p in parallel.problems if p.path.endswith("big.yaml")] == [
        ("k8s-schema", line) for line in (6, 4 + 1234 * 5 + 3, 4 + 2999 * 5 + 3 + 1)
    ]  # +1: the bogus line above


def test_duplicate_keys_in_a_large_document(tmp_path: Path) -> None:
    from launchgen.validate import documents

    body = "".join(f"  key-{i:07d}: value {i}\n" for i in range(40_000))
    path = tmp_path / "big.yaml"
    path.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n" + body)
    assert path.stat().st_size > documents.LARGE
    assert validate([path]).problems == []
    path.write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n"
        + body
        + "  key-0000007: again\n"
    )
    assert [(p.rule, p.line) for p in validate([path]).problems] == [("yaml-duplicate-key", 40_005)]
