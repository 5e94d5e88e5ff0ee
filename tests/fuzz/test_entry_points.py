"""Every command's entry point, driven with mutated repos, records and bundles.

Whatever the input, launchgen must answer with exit code 0, 1 or 2, never a traceback or
an "internal error", write nothing outside the target it was given, and overwrite
nothing without --force. Anyone who can push to a repo or hand over a bundle controls
these inputs (docs/security.md).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import make_answers
from tests.helpers.cli import invoke
from tests.helpers.tools import tool

pytestmark = [pytest.mark.helm]

SERVICE = "fuzzed"
HOSTILE_STRINGS = [
    "--kubeconfig=evil.kubeconfig",
    "-n",
    "../x",
    "../../etc/passwd",
    "/etc/passwd",
    "a\nverified: forged",
    "\x1b[2J\x1b[31mred",
    "1.0.0\n",
    "demo\n",
    " ",
    "",
    "é" * 40,
    "a" * 300,
    "$(touch pwned)",
    "`id`",
    "x; rm -rf /",
    "*",
    "{{ .Values }}",
    "0.0.0-launch.placeholder",
    "latest",
]
HOSTILE_SCALARS = st.one_of(
    st.sampled_from(HOSTILE_STRINGS).map(json.dumps),
    st.sampled_from(
        [
            "~",
            "[]",
            "{}",
            "5",
            "-1",
            "true",
            "1" * 5000,
            "!!python/object:os.system",
            "&a [*a, *a]",
            "? [a, b]\n  : c",
            "[" * 200,
            "!!binary aGVsbG8=",
            "2026-01-01T00:00:00Z",
            ".nan",
        ]
    ),
    st.text(max_size=40).map(json.dumps),
)
FILES = ["Chart.yaml", "Chart.lock", ".launchgen.yaml", "values.yaml"]
PROPS_FILES = [".launchgen.yaml", "envs/dev/values.yaml", "deployments/dev.yaml", ".gitignore"]


def _record() -> str:
    return (
        "apiVersion: launchgen.dev/v1\nkind: DeploymentHistory\n"
        f"service: {SERVICE}\nenvironment: dev\nentries:\n"
        '  - seq: 1\n    event: "deployed"\n    appVersion: "1.0.0"\n    chartVersion: "0.1.0"\n'
        f'    bundleDigest: "sha256:{"a" * 64}"\n    release: "{SERVICE}"\n    namespace: "{SERVICE}-dev"\n'
        '    revision: 1\n    at: "2026-01-01T00:00:00Z"\n    by: "ci"\n'
    )


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated pair with one recorded deployment, a key pair and one signed bundle."""
    from launchgen.scaffold import new

    root = tmp_path_factory.mktemp("pristine")
    new(make_answers(SERVICE), root)
    (root / f"{SERVICE}-properties" / "deployments").mkdir()
    (root / f"{SERVICE}-properties" / "deployments" / "dev.yaml").write_text(_record())
    assert invoke("keygen", "-o", str(root / "signing")).exit_code == 0
    rendered = root / "rendered"
    result = invoke(
        "render",
        str(root / f"{SERVICE}-properties"),
        "--app-version",
        "1.0.0",
        "--env",
        "dev",
        "-o",
        str(rendered),
        "--no-lint",
        "--helm",
        str(tool("helm4")),
    )
    assert result.exit_code == 0, result.output
    result = invoke(
        "package",
        str(rendered / "dev"),
        "--key",
        str(root / "signing.key"),
        "-o",
        str(root / "bundle.tar.gz"),
    )
    assert result.exit_code == 0, result.output
    return root


@pytest.fixture
def sandbox(pristine: Path) -> Iterator[Callable[[], Path]]:
    """A fresh copy for each call of the test body (hypothesis reuses function fixtures)."""
    made: list[Path] = []

    def fresh() -> Path:
        parent = Path(tempfile.mkdtemp(prefix="lg-fuzz-"))
        made.append(parent)
        shutil.copytree(pristine, parent / "work", symlinks=True)
        (parent / "outside").mkdir()
        (parent / "outside" / "sentinel").write_text("keep me\n")
        return parent / "work"

    yield fresh
    for parent in made:
        shutil.rmtree(parent, ignore_errors=True)


def snapshot(root: Path) -> dict[str, str]:
    """Every path under root with a digest of its content (or link target).

    git's index is left out: read-only git commands refresh its stat cache, as git does.
    """
    seen: dict[str, str] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            rel = str(path.relative_to(root))
            if rel.endswith("/.git/index"):
                continue
            if path.is_symlink():
                seen[rel] = "link:" + os.readlink(path)
            elif path.is_file():
                seen[rel] = hashlib.sha256(path.read_bytes()).hexdigest() + oct(
                    path.stat().st_mode & 0o777
                )
            else:
                seen[rel] = "dir"
    return seen


def changed(before: dict[str, str], after: dict[str, str]) -> set[str]:
    return {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}


def run(argv: list[str], cwd: Path | None = None) -> tuple[int, str]:
    old = os.getcwd()
    try:
        if cwd is not None:
            os.chdir(cwd)
        result = invoke(*argv, catch_exceptions=True)
    finally:
        os.chdir(old)
    output = result.output + (result.stderr if result.stderr_bytes is not None else "")
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"{argv}: raised {result.exception!r}\n{output}") from result.exception
    assert result.exit_code in (0, 1, 2), (argv, result.exit_code, output)
    assert "internal error" not in output and "Traceback" not in output, (argv, output)
    return result.exit_code, output


def mutate(path: Path, how: str, scalar: str, blob: bytes) -> None:
    if how == "bytes":
        path.write_bytes(blob)
        return
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    lines = text.splitlines()
    if how == "value" and lines:
        keyed = [
            i for i, line in enumerate(lines) if ":" in line and not line.lstrip().startswith("#")
        ]
        if keyed:
            index = keyed[len(blob) % len(keyed)]
            key = lines[index].split(":", 1)[0]
            lines[index] = f"{key}: {scalar}"
        path.write_text("\n".join(lines) + "\n")
    elif how == "append":
        path.write_text(text + scalar + "\n")
    elif how == "truncate":
        path.write_bytes(text.encode()[: len(blob)])
    elif how == "symlink":
        path.unlink(missing_ok=True)
        path.symlink_to(
            ["/etc/passwd", path.name, "../../outside/sentinel", "missing"][len(blob) % 4]
        )
    elif how == "directory":
        path.unlink(missing_ok=True)
        path.mkdir()


MUTATION = st.tuples(
    st.sampled_from(["bytes", "value", "value", "append", "truncate", "symlink", "directory"]),
    HOSTILE_SCALARS,
    st.binary(max_size=64),
)
FUZZ = settings(
    max_examples=int(os.environ.get("LAUNCHGEN_FUZZ_EXAMPLES", "30")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@FUZZ
@given(st.sampled_from(PROPS_FILES), MUTATION)
def test_properties_repo_commands(
    sandbox: Callable[[], Path], relpath: str, mutation: tuple[str, str, bytes]
) -> None:
    work = sandbox()
    props = work / f"{SERVICE}-properties"
    mutate(props / relpath, *mutation)
    before = snapshot(work.parent)
    commands = [
        ["lint", "--no-cache", str(props)],
        ["status", "--format", "version", "--properties", str(props)],
        ["status", "--dry-run", "--properties", str(props)],
        ["approve", "--env", "dev", "--dry-run", "--properties", str(props)],
        ["reject", "--env", "dev", "--dry-run", "--properties", str(props)],
        ["rollback", "--env", "dev", "--dry-run", "--properties", str(props)],
        ["prune", "--env", "dev", "--keep", "1", "--dry-run", "--properties", str(props)],
        [
            "deploy",
            str(work / "bundle.tar.gz"),
            "--key",
            str(work / "signing.pub"),
            "--dry-run",
            "--properties",
            str(props),
        ],
    ]
    for argv in commands:
        run(argv)
    assert changed(before, snapshot(work.parent)) == set(), "a read-only command wrote files"


@FUZZ
@given(st.sampled_from(FILES), MUTATION)
def test_app_repo_commands(
    sandbox: Callable[[], Path], relpath: str, mutation: tuple[str, str, bytes]
) -> None:
    work = sandbox()
    app, props = work / SERVICE, work / f"{SERVICE}-properties"
    mutate(app / relpath, *mutation)
    before = snapshot(work.parent)
    run(["lint", "--no-cache", str(app)])
    assert changed(before, snapshot(work.parent)) == set()
    out = work / "out"
    run(
        [
            "render",
            str(props),
            "--app-version",
            "1.0.0",
            "--env",
            "dev",
            "-o",
            str(out),
            "--no-lint",
            "--helm",
            str(tool("helm4")),
        ]
    )
    outside = {p for p in changed(before, snapshot(work.parent)) if not p.startswith("work/out")}
    assert outside == set(), outside


@FUZZ
@given(
    st.integers(min_value=0, max_value=10**9),
    st.binary(min_size=1, max_size=16),
    st.sampled_from(["flip", "truncate", "append", "replace"]),
)
def test_bundle_commands(
    sandbox: Callable[[], Path], pristine: Path, offset: int, blob: bytes, how: str
) -> None:
    work = sandbox()
    bundle = work / "bundle.tar.gz"
    data = bundle.read_bytes()
    at = offset % len(data)
    if how == "flip":
        data = (
            data[:at] + bytes([data[at] ^ (blob[0] or 0xFF)]) + data[at + 1 :]
        )  # never the same byte
    elif how == "truncate":
        data = data[:at]
    elif how == "append":
        data = data + blob * 1000
    else:
        data = blob
    bundle.write_bytes(data)
    before = snapshot(work.parent)
    code, _ = run(["verify", str(bundle), "--key", str(work / "signing.pub")])
    run(
        [
            "deploy",
            str(bundle),
            "--key",
            str(work / "signing.pub"),
            "--dry-run",
            "--properties",
            str(work / f"{SERVICE}-properties"),
        ]
    )
    assert changed(before, snapshot(work.parent)) == set()
    assert data != (pristine / "bundle.tar.gz").read_bytes()
    assert code != 0, "a changed bundle verified"


@FUZZ
@given(st.sampled_from(["render.json", "some.yaml"]), MUTATION)
def test_render_folder_commands(
    sandbox: Callable[[], Path], relpath: str, mutation: tuple[str, str, bytes]
) -> None:
    work = sandbox()
    folder = work / "rendered" / "dev"
    target = folder / relpath
    if not target.exists():
        target = sorted(folder.rglob("*.yaml"))[0]
    mutate(target, *mutation)
    before = snapshot(work.parent)
    run(["validate", str(folder)])
    run(["diff", str(work / "rendered" / "dev"), str(folder)])
    assert changed(before, snapshot(work.parent)) == set()
    # package may write its -o file and nothing else; an existing file is never replaced.
    run(
        ["package", str(folder), "--key", str(work / "signing.key"), "-o", str(work / "new.tar.gz")]
    )
    assert changed(before, snapshot(work.parent)) <= {"work/new.tar.gz"}
    before = snapshot(work.parent)
    for existing in (
        work / "signing.key",
        folder / "render.json",
        work.parent / "outside" / "sentinel",
    ):
        run(["package", str(folder), "--key", str(work / "signing.key"), "-o", str(existing)])
    assert changed(before, snapshot(work.parent)) == set(), (
        "package -o overwrote a file without --force"
    )


@FUZZ
@given(st.one_of(st.sampled_from(HOSTILE_STRINGS), st.text(max_size=30)))
def test_names_given_on_the_command_line(
    sandbox: Callable[[], Path], pristine: Path, name: str
) -> None:
    work = sandbox()
    before = snapshot(work.parent)
    out = work / "new"
    code, _ = run(["new", name, "--output-dir", str(out)])
    after = changed(before, snapshot(work.parent))
    assert all(p.startswith("work/new") for p in after), after
    if code != 0:
        assert not any(p.startswith("work/new/") for p in after), "a refused name left files behind"
    run(
        [
            "render",
            str(work / f"{SERVICE}-properties"),
            "--app-version",
            name,
            "--env",
            "dev",
            "-o",
            str(work / "r"),
            "--no-lint",
            "--helm",
            str(tool("helm4")),
        ]
    )
    run(["keygen", "-o", str(work / "signing")])  # exists: must refuse, not overwrite
    assert (work / "signing.key").read_bytes() == (pristine / "signing.key").read_bytes()
