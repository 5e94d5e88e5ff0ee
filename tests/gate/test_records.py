"""Deployment history files: appended as text, validated, corrupt ones refused in one line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from launchgen import records
from launchgen.records import RecordError
from tests.helpers.gitrepo import git

DIGEST = "sha256:" + "cd" * 32
HEAD = "apiVersion: launchgen.dev/v1\nkind: DeploymentHistory\nservice: s\nenvironment: prod\nentries:\n"


def deploy(repo: Path, version: str, **extra: object) -> records.Entry:
    return records.append(
        repo,
        "checkout",
        "prod",
        "deployed",
        "ci",
        appVersion=version,
        chartVersion="0.1.0",
        bundleDigest=DIGEST,
        release="checkout",
        namespace="checkout-prod",
        **extra,
    )


def test_append_keeps_earlier_bytes_and_numbers_entries(tmp_path: Path) -> None:
    deploy(tmp_path, "1.0.0")
    before = (tmp_path / "deployments" / "prod.yaml").read_bytes()
    entry = deploy(tmp_path, "1.1.0")
    after = (tmp_path / "deployments" / "prod.yaml").read_bytes()
    assert after.startswith(before)
    assert entry["seq"] == 2
    history = records.load(tmp_path, "prod")
    assert history is not None
    assert [e["appVersion"] for e in history.deployments()] == ["1.0.0", "1.1.0"]


def test_current_skips_rejected_deployments(tmp_path: Path) -> None:
    deploy(tmp_path, "1.0.0")
    deploy(tmp_path, "1.1.0")
    records.append(tmp_path, "checkout", "prod", "rejected", "bob", of=2)
    history = records.load(tmp_path, "prod")
    assert history is not None
    current = history.current()
    assert current is not None and current["appVersion"] == "1.0.0"


def test_values_needing_quotes_survive(tmp_path: Path) -> None:
    deploy(tmp_path, "1.0.0", note='a: "quoted" # not a comment')
    history = records.load(tmp_path, "prod")
    assert history is not None
    assert history.entries[0]["note"] == 'a: "quoted" # not a comment'


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("entries: [\n", "deployments/prod.yaml:1: value '[': flow style"),
        (
            HEAD + "  - seq: 1\n    event: approved\n    of: 1\n    at: now\n    by: x\n",
            "deployments/prod.yaml:9: entries/0/at: 'now' does not match",
        ),
        (
            HEAD + "  - seq: 1\n    event: deployed\n    at: '2026-01-01T00:00:00Z'\n    by: x\n",
            "deployments/prod.yaml:6: entries/0: 'appVersion' is a required property",
        ),
        (
            HEAD
            + "  - seq: 2\n    event: approved\n    of: 1\n    at: '2026-01-01T00:00:00Z'\n    by: x\n",
            "deployments/prod.yaml:6: entries must be numbered 1, 2, 3, ...: expected seq 1, got 2",
        ),
        (
            HEAD
            + "  - seq: 1\n    event: approved\n    at: 2026-01-01T00:00:00Z\n    by: x\n    of: 1\n",
            "deployments/prod.yaml:10: entry 1 refers to seq 1",
        ),
        (
            "apiVersion: launchgen.dev/v1\nkind: DeploymentHistory\nservice: s\nenvironment: "
            "prod\nentries: []\nextra: 1\n",
            "deployments/prod.yaml:6: 'extra: 1' after the entries: `entries:` must be the last key",
        ),
    ],
)
def test_corrupt_records_are_one_line_errors(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "deployments" / "prod.yaml"
    path.parent.mkdir()
    path.write_text(text)
    with pytest.raises(RecordError) as info:
        history = records.load(tmp_path, "prod")
        assert history is not None
        history.entries  # noqa: B018 - reads the whole file
    assert expected in str(info.value)
    assert "\n" not in str(info.value)


def test_append_to_empty_entries(tmp_path: Path) -> None:
    path = tmp_path / "deployments" / "prod.yaml"
    path.parent.mkdir()
    path.write_text(
        "apiVersion: launchgen.dev/v1\nkind: DeploymentHistory\nservice: checkout\nenvironment: prod\nentries: []\n"
    )
    deploy(tmp_path, "1.0.0")
    history = records.load(tmp_path, "prod")
    assert history is not None and len(history.entries) == 1


# --- layouts that read fine must also append (issue 12) -----------------------

GOOD_ENTRY = (
    "  - seq: 1\n    event: deployed\n    appVersion: 1.0.0\n    chartVersion: 0.1.0\n"
    f"    bundleDigest: {DIGEST}\n    release: checkout\n    namespace: checkout-prod\n"
    "    at: 2026-01-01T00:00:00Z\n    by: ci\n"
)
PROD_HEAD = HEAD.replace("service: s", "service: checkout")


def write(tmp_path: Path, text: str | bytes) -> Path:
    path = tmp_path / "deployments" / "prod.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # flow style: YAML reads it, but text cannot be appended to it
        (
            "apiVersion: launchgen.dev/v1\nkind: DeploymentHistory\nservice: checkout\nenvironment: prod\n"
            "entries: [{seq: 1, event: approved, of: 1}]\n",
            "deployments/prod.yaml:5: value '[{seq: 1, event: approved, of: 1}]': flow style",
        ),
        (
            PROD_HEAD + "  - {seq: 1, event: deployed}\n",
            "deployments/prod.yaml:6: expected 'key: value', got '{seq: 1",
        ),
        # entries not last: an append would land in the wrong key
        (
            PROD_HEAD + GOOD_ENTRY + "note: trailing\n",
            "deployments/prod.yaml:15: 'note: trailing' after the entries",
        ),
        # document end marker: an append would land after the document
        (PROD_HEAD + GOOD_ENTRY + "...\n", "deployments/prod.yaml:15: document marker '...'"),
        (PROD_HEAD + GOOD_ENTRY + "---\n", "deployments/prod.yaml:15: document marker '---'"),
        # other indentation
        (
            PROD_HEAD + GOOD_ENTRY.replace("    by: ci", "      by: ci"),
            "deployments/prod.yaml:14: unexpected indentation",
        ),
        (PROD_HEAD + "- seq: 1\n", "deployments/prod.yaml:6: '- seq: 1' after the entries"),
        # nesting, block scalars, anchors
        (
            PROD_HEAD + GOOD_ENTRY + "    note: |\n      text\n",
            "deployments/prod.yaml:15: value '|'",
        ),
        (
            PROD_HEAD + GOOD_ENTRY.replace("by: ci", "by: &a ci"),
            "deployments/prod.yaml:14: value '&a ci'",
        ),
        (
            PROD_HEAD + GOOD_ENTRY.replace("by: ci", "by: 'ci"),
            "deployments/prod.yaml:14: unterminated",
        ),
        (PROD_HEAD + GOOD_ENTRY.replace("by: ci", 'by: "\\x41"'), "deployments/prod.yaml:14:"),
        (
            PROD_HEAD + GOOD_ENTRY.replace("by: ci", "by: ci\u0007"),
            "deployments/prod.yaml:14: control character",
        ),
        (
            PROD_HEAD + GOOD_ENTRY.replace("by: ci", "by: ci\n    by: me"),
            "deployments/prod.yaml:15: duplicate key 'by'",
        ),
        (
            PROD_HEAD + GOOD_ENTRY.replace("by: ci", "by: yes"),
            "deployments/prod.yaml:14: value 'yes' means different",
        ),
        (
            PROD_HEAD + GOOD_ENTRY.replace("by: ci", "by: " + "x" * 9000),
            "deployments/prod.yaml:14: line longer",
        ),
        (b"apiVersion: launchgen.dev/v1\nkind: \xff\n", "deployments/prod.yaml:2: not valid UTF-8"),
        # nesting 10,000 deep: no recursion, one line
        (
            "apiVersion: launchgen.dev/v1\n" + "[" * 10000 + "\n",
            "deployments/prod.yaml:2: line longer than 8192",
        ),
        (
            "apiVersion: launchgen.dev/v1\n" + "[" * 5000 + "\n",
            "deployments/prod.yaml:2: expected 'key: value'",
        ),
        (
            PROD_HEAD + "  - seq: 1\n    note: " + "[" * 5000 + "\n",
            "deployments/prod.yaml:7: value '[[[[",
        ),
        (
            PROD_HEAD + "  - seq: 1\n" + "".join("    " + "  " * i + "a:\n" for i in range(10000)),
            "no entry start ('  - ') within 64 KiB",
        ),
    ],
)
def test_layouts_launchgen_cannot_append_to_are_refused_when_read(
    tmp_path: Path, text: str | bytes, expected: str
) -> None:
    path = write(tmp_path, text)
    before = path.read_bytes()
    with pytest.raises(RecordError) as read:
        history = records.load(tmp_path, "prod")
        assert history is not None
        history.entries  # noqa: B018
    assert expected in str(read.value) and "\n" not in str(read.value)
    with pytest.raises(RecordError) as appended:
        records.append(tmp_path, "checkout", "prod", "approved", "bob", of=1)
    assert str(appended.value) == str(read.value) or str(appended.value).startswith(
        "deployments/prod.yaml"
    )
    assert path.read_bytes() == before


def test_hand_written_layouts_yaml_allows_are_read_and_appended(tmp_path: Path) -> None:
    text = (
        "---\n# hand written\napiVersion: 'launchgen.dev/v1'\nkind: DeploymentHistory  # comment\n"
        'service: checkout\nenvironment: "prod"\n\nentries:   # the list\n\n'
        + GOOD_ENTRY.replace("by: ci", "by: 'o''brien'  # who")
        + "\n# trailing comment\n"
    )
    path = write(tmp_path, text.rstrip("\n"))
    entry = records.append(tmp_path, "checkout", "prod", "approved", "bob", of=1)
    assert entry["seq"] == 2
    history = records.load(tmp_path, "prod")
    assert history is not None and [e["seq"] for e in history.entries] == [1, 2]
    assert history.entries[0]["by"] == "o'brien" and history.pending() is None
    from ruamel.yaml import YAML

    assert YAML(typ="safe").load(path.read_text())["entries"][1]["by"] == "bob"


def test_layout_reader_agrees_with_yaml(tmp_path: Path) -> None:
    """Whatever launchgen's line reader accepts, a YAML parser reads the same way."""
    from ruamel.yaml import YAML

    deploy(tmp_path, "1.0.0", note='tricky: "quotes" # and \\ backslashes \u00e9 \u2028 \t tab')
    records.append(tmp_path, "checkout", "prod", "approved", "al\u00efce", of=1)
    records.append(tmp_path, "checkout", "prod", "rolled-back", "bob", of=1)
    text = (tmp_path / "deployments" / "prod.yaml").read_text()
    ours = records.parse(text, "x").entries
    theirs = YAML(typ="safe").load(text)["entries"]
    assert list(ours) == theirs


def test_plain_scalars_match_yaml() -> None:
    from ruamel.yaml import YAML

    from launchgen.deploy import recordformat

    for value in [
        "1.4.2",
        "12",
        "-3",
        "0.5",
        "ci-bot",
        "v1.2.3-rc.1+build.5",
        "a.b",
        "true",
        "False",
        "null",
        "~",
        "2026-01-01T00:00:00Z",
        "x:y",
        "user@example.com",
        "1e3",
        ".5",
    ]:
        ours = recordformat.plain(value)
        theirs = YAML(typ="safe").load(f"k: {value}\n")["k"]
        if value == "2026-01-01T00:00:00Z":
            continue  # YAML reads a time; launchgen keeps the text, which the schema checks
        assert ours == theirs and type(ours) is type(theirs), value
    for ambiguous in ["0123", "1_000", "0x1F", "0o17", "yes", "No", "on", "1:30", "2026-01-01"]:
        with pytest.raises(recordformat.LayoutError):
            recordformat.plain(ambiguous)


def test_schema_checker_agrees_with_jsonschema() -> None:
    """The fast checker (no jsonschema import) and jsonschema agree on good and bad entries."""
    import jsonschema

    from launchgen.deploy import recordschema
    from launchgen.schemas import load_schema

    schema = load_schema(recordschema.SCHEMA)
    entry_schema = {**schema["$defs"]["entry"], "$defs": schema["$defs"]}
    validator = jsonschema.Draft202012Validator(entry_schema)
    good = {
        "seq": 1,
        "event": "deployed",
        "appVersion": "1.0.0",
        "chartVersion": "0.1.0",
        "bundleDigest": DIGEST,
        "release": "checkout",
        "namespace": "checkout-prod",
        "at": "2026-01-01T00:00:00Z",
        "by": "ci",
    }
    cases: list[dict[str, Any]] = [
        good,
        {"seq": 2, "event": "approved", "of": 1, "at": "2026-01-01T00:00:00Z", "by": "x"},
    ]
    for key, bad in [
        ("release", "--kubeconfig=evil.kubeconfig"),
        ("release", "a" * 54),
        ("release", "Checkout"),
        ("namespace", "-n"),
        ("namespace", "a" * 64),
        ("appVersion", "latest"),
        ("appVersion", "1.0"),
        ("chartVersion", "--set=x"),
        ("seq", 0),
        ("seq", True),
        ("event", "hacked"),
        ("by", ""),
        ("by", "a\nb"),
        ("by", "x" * 257),
        ("note", "n" * 1001),
        ("revision", "1"),
        ("extra", 1),
        ("bundleDigest", "sha256:xyz"),
        ("at", "yesterday"),
        ("dataSchema", -1),
    ]:
        cases.append({**good, key: bad})
    cases.append({k: v for k, v in good.items() if k != "release"})
    cases.append({"seq": 2, "event": "approved", "at": "2026-01-01T00:00:00Z", "by": "x"})
    for case in cases:
        ours = not recordschema.entry_errors(case)
        theirs = validator.is_valid(case)
        assert ours == theirs, case
    # JSON Schema's $ is the end of the text; Python's would also match before a final newline
    assert recordschema.entry_errors({**good, "release": "checkout\n"})


def test_release_name_that_is_an_option_is_refused_when_read(tmp_path: Path) -> None:
    write(
        tmp_path,
        PROD_HEAD
        + GOOD_ENTRY.replace("release: checkout", "release: --kubeconfig=evil.kubeconfig"),
    )
    with pytest.raises(RecordError) as info:
        records.load(tmp_path, "prod")
    assert str(info.value).startswith(
        "deployments/prod.yaml:11: entries/0/release: '--kubeconfig=evil.kubeconfig'"
    )


def test_header_must_match_the_file_and_repo(tmp_path: Path) -> None:
    write(tmp_path, PROD_HEAD.replace("environment: prod", "environment: dev") + GOOD_ENTRY)
    with pytest.raises(RecordError, match=r"deployments/prod.yaml:4: environment is 'dev'"):
        records.load(tmp_path, "prod")
    write(tmp_path, PROD_HEAD + GOOD_ENTRY)
    with pytest.raises(RecordError, match=r"deployments/prod.yaml:3: service is 'checkout'"):
        records.load(tmp_path, "prod", "payments")


# --- what the file is ---------------------------------------------------------


def test_a_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "deployments" / "prod.yaml").mkdir(parents=True)
    with pytest.raises(RecordError, match=r"deployments/prod\.yaml: is a folder"):
        records.load(tmp_path, "prod")
    with pytest.raises(RecordError, match="is a folder"):
        deploy(tmp_path, "1.0.0")


@pytest.mark.parametrize("target", ["/etc/passwd", "prod.yaml", "missing.yaml"])
def test_symlinks_are_refused(tmp_path: Path, target: str) -> None:
    folder = tmp_path / "deployments"
    folder.mkdir()
    (folder / "prod.yaml").symlink_to(target)  # prod.yaml -> prod.yaml is a loop
    with pytest.raises(RecordError) as info:
        records.load(tmp_path, "prod")
    assert (
        str(info.value)
        == "deployments/prod.yaml: is a symbolic link: deployment records must be regular files, not links"
    )
    with pytest.raises(RecordError):
        deploy(tmp_path, "1.0.0")
    assert (folder / "prod.yaml").is_symlink()


def test_a_symlinked_records_folder_is_refused(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "deployments").symlink_to(elsewhere)
    with pytest.raises(RecordError, match="deployments/ is a symbolic link"):
        records.load(repo, "prod")
    with pytest.raises(RecordError, match="deployments/ is a symbolic link"):
        deploy(repo, "1.0.0")
    assert list(elsewhere.iterdir()) == []


def test_environment_names_are_checked_before_they_become_paths(tmp_path: Path) -> None:
    from launchgen.errors import InvalidNameError

    with pytest.raises(InvalidNameError):
        records.load(tmp_path, "../../etc/passwd")


def test_appends_keep_the_files_mode(tmp_path: Path) -> None:
    import os
    import stat

    old = os.umask(0o022)
    try:
        deploy(tmp_path, "1.0.0")
        path = tmp_path / "deployments" / "prod.yaml"
        assert stat.S_IMODE(path.stat().st_mode) == 0o644
        path.chmod(0o664)
        deploy(tmp_path, "1.1.0")
        assert stat.S_IMODE(path.stat().st_mode) == 0o664
        path.chmod(0o644)
        records.append(tmp_path, "checkout", "prod", "approved", "bob", of=2)
        assert stat.S_IMODE(path.stat().st_mode) == 0o644
    finally:
        os.umask(old)
    leftovers = [p.name for p in path.parent.iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []


def test_invalid_entries_are_never_written(tmp_path: Path) -> None:
    deploy(tmp_path, "1.0.0")
    before = (tmp_path / "deployments" / "prod.yaml").read_bytes()
    with pytest.raises(RecordError, match="not recording an invalid entry: release"):
        records.append(
            tmp_path,
            "checkout",
            "prod",
            "deployed",
            "ci",
            appVersion="1.0.0",
            chartVersion="0.1.0",
            bundleDigest=DIGEST,
            release="--kubeconfig=x",
            namespace="checkout-prod",
        )
    assert (tmp_path / "deployments" / "prod.yaml").read_bytes() == before


# --- concurrency (issue 12) and reading only the end (issue 15) ----------------


def _append_many(repo: str, worker: int, count: int) -> list[int]:
    done = []
    for n in range(count):
        entry = records.append(
            Path(repo),
            "checkout",
            "prod",
            "approved",
            f"worker-{worker}",
            of=1,
            note=f"{worker}-{n}",
        )
        done.append(entry["seq"])
    return done


def test_concurrent_appends_lose_nothing(tmp_path: Path) -> None:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    deploy(tmp_path, "1.0.0")
    # separate interpreters, as separate CI jobs would be (and no fork of a threaded process)
    with ProcessPoolExecutor(8, mp_context=multiprocessing.get_context("spawn")) as pool:
        results = list(pool.map(_append_many, [str(tmp_path)] * 8, range(8), [25] * 8))
    reported = sorted(seq for seqs in results for seq in seqs)
    assert reported == list(range(2, 202))
    history = records.load(tmp_path, "prod")
    assert history is not None
    entries = history.entries
    assert [e["seq"] for e in entries] == list(range(1, 202))
    assert sorted(e["note"] for e in entries[1:]) == sorted(
        f"{w}-{n}" for w in range(8) for n in range(25)
    )


class CountingSource:
    def __init__(self, data: bytes) -> None:
        from launchgen.deploy.recordfile import BytesSource

        self.inner = BytesSource(data)
        self.size = self.inner.size
        self.read_bytes = 0

    def read(self, offset: int, length: int) -> bytes:
        self.read_bytes += length
        return self.inner.read(offset, length)

    def line_of(self, offset: int) -> int:
        return self.inner.line_of(offset)

    def close(self) -> None:
        pass


def test_questions_about_the_present_read_only_the_end(tmp_path: Path) -> None:
    from launchgen.deploy import recordformat

    parts = [recordformat.header_text("checkout", "prod")]
    for seq in range(1, 20001, 2):
        parts.append(
            recordformat.entry_text(
                {
                    "seq": seq,
                    "event": "deployed",
                    "appVersion": f"1.0.{seq}",
                    "chartVersion": "0.1.0",
                    "bundleDigest": DIGEST,
                    "release": "checkout",
                    "namespace": "checkout-prod",
                    "revision": seq,
                    "at": records.now(),
                    "by": "ci",
                }
            )
        )
        parts.append(
            recordformat.entry_text(
                {"seq": seq + 1, "event": "approved", "of": seq, "at": records.now(), "by": "al"}
            )
        )
    data = "".join(parts).encode()
    source = CountingSource(data)
    history = records.History(source, "deployments/prod.yaml")  # type: ignore[arg-type]
    current, previous = history.current(), history.previous()
    assert (
        current is not None and current["appVersion"] == "1.0.19999" and history.pending() is None
    )
    assert previous is not None and previous["appVersion"] == "1.0.19997"
    assert history.last_seq == 20000
    assert len(data) > 3_500_000 and source.read_bytes < 200_000


def test_lock_files_stay_out_of_git(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q")
    records.preflight(tmp_path, "prod")  # a deployment that then fails leaves nothing to commit
    assert git(tmp_path, "status", "--porcelain", "--untracked-files=all") == ""
    deploy(tmp_path, "1.0.0")
    assert (tmp_path / ".git" / "launchgen" / "deployments-prod.lock").exists()
    git(tmp_path, "add", "deployments")
    assert git(tmp_path, "diff", "--cached", "--name-only").split() == ["deployments/prod.yaml"]


def test_outside_git_the_lock_sits_beside_the_record_and_is_ignored(tmp_path: Path) -> None:
    deploy(tmp_path, "1.0.0")
    assert (tmp_path / "deployments" / ".prod.yaml.lock").exists()
    assert ".*.lock" in (tmp_path / "deployments" / ".gitignore").read_text()


def test_a_gap_in_seq_is_reported_where_it_is(tmp_path: Path) -> None:
    deploy(tmp_path, "1.0.0")
    deploy(tmp_path, "1.1.0")
    deploy(tmp_path, "1.2.0")
    path = tmp_path / "deployments" / "prod.yaml"
    path.write_text(path.read_text().replace("  - seq: 3\n", "  - seq: 4\n"))
    with pytest.raises(RecordError) as info:
        loaded = records.load(tmp_path, "prod")
        assert loaded is not None
        loaded.entries  # noqa: B018
    line = path.read_text().splitlines().index("  - seq: 4") + 1
    assert str(info.value) == (
        f"deployments/prod.yaml:{line}: entries must be numbered 1, 2, 3, ...: "
        "expected seq 3 after seq 2, got 4"
    )


# --- appends are appends (issue 15): O(1), and a write cut short loses nothing ------


def test_an_append_writes_at_the_end_of_the_same_file(tmp_path: Path) -> None:
    import os

    deploy(tmp_path, "1.0.0")
    path = tmp_path / "deployments" / "prod.yaml"
    inode = os.stat(path).st_ino
    before = path.read_bytes()
    entry = records.append(tmp_path, "checkout", "prod", "approved", "bob", of=1)
    # the same file grew (no copy renamed over it), by exactly the entry's text
    assert os.stat(path).st_ino == inode
    from launchgen.deploy import recordformat

    assert path.read_bytes() == before + recordformat.entry_text(entry).encode()


def _cut_points(entry: bytes) -> list[int]:
    """Every place a write of `entry` could stop, mid-line and after each line break,
    short of the whole entry; past its indentation (trailing blanks are not an entry)."""
    breaks = (i + 1 for i, b in enumerate(entry) if b == 10)
    return sorted(cut for cut in {*range(3, len(entry), 5), *breaks} if 3 <= cut < len(entry))


def test_a_history_a_crash_cut_short_is_refused_and_kept(tmp_path: Path) -> None:
    """A crash mid-append leaves the file ending in part of an entry: reading it names
    the line, an append refuses (nothing written, nothing removed), at any cut point."""
    deploy(tmp_path, "1.0.0")
    path = tmp_path / "deployments" / "prod.yaml"
    whole = path.read_bytes()
    records.append(tmp_path, "checkout", "prod", "approved", "bob", of=1, note="a note")
    full = path.read_bytes()
    entry = full[len(whole) :]
    first_line = whole.count(b"\n") + 1
    refused = 0
    for cut in _cut_points(entry):
        if cut == len(entry) - 1:
            continue  # only the final line break is missing: a complete entry (below)
        torn = whole + entry[:cut]
        with path.open("r+b") as handle:  # a real truncated file, as a crash leaves it
            handle.truncate(len(torn))
        assert path.read_bytes() == torn
        with pytest.raises(RecordError) as read:
            records.load(tmp_path, "prod")
        message = str(read.value)
        assert "\n" not in message and message.startswith("deployments/prod.yaml:")
        line = int(message.split(":")[1])
        assert first_line <= line <= torn.count(b"\n") + 1, (cut, message)
        with pytest.raises(RecordError) as appended:
            records.append(tmp_path, "checkout", "prod", "approved", "carol", of=1)
        assert path.read_bytes() == torn, cut
        if not torn.endswith(b"\n"):
            assert f"the entry that starts on line {first_line}" in str(appended.value)
            assert "was a write cut short?" in str(appended.value)
        refused += 1
        with path.open("ab") as handle:  # back to where the crash began
            handle.truncate(len(full))
        path.write_bytes(full)
    assert refused > 10


def test_an_entry_missing_only_its_final_line_break_is_appended_after(tmp_path: Path) -> None:
    deploy(tmp_path, "1.0.0")
    path = tmp_path / "deployments" / "prod.yaml"
    path.write_bytes(path.read_bytes()[:-1])
    entry = records.append(tmp_path, "checkout", "prod", "approved", "bob", of=1)
    history = records.load(tmp_path, "prod")
    assert entry["seq"] == 2 and history is not None
    assert [e["seq"] for e in history.entries] == [1, 2]


SHORT_WRITE = """
import resource, sys
from pathlib import Path
from launchgen import records
repo = Path(sys.argv[1])
size = (repo / "deployments" / "prod.yaml").stat().st_size
# the file may grow by 40 bytes: the write stops part-way through the entry (EFBIG)
resource.setrlimit(resource.RLIMIT_FSIZE, (size + 40, resource.RLIM_INFINITY))
try:
    records.append(repo, "checkout", "prod", "approved", "bob", of=1)
except records.RecordError as exc:
    print(exc)
    sys.exit(3)
"""


def test_a_write_that_fails_part_way_is_cut_back(tmp_path: Path) -> None:
    """A real short write (a file size limit stands in for a full disk): the bytes the
    failed append wrote are removed under the lock, and a later append works."""
    import subprocess
    import sys

    deploy(tmp_path, "1.0.0")
    path = tmp_path / "deployments" / "prod.yaml"
    before = path.read_bytes()
    run = subprocess.run(
        [sys.executable, "-c", SHORT_WRITE, str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 3, run.stderr
    assert run.stdout.startswith("deployments/prod.yaml: cannot append: only 40 of ")
    assert "the file was left as it was" in run.stdout
    assert path.read_bytes() == before
    assert records.append(tmp_path, "checkout", "prod", "approved", "bob", of=1)["seq"] == 2


def test_a_reader_that_catches_an_append_half_way_reads_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Readers take no lock: one that opened the file while an append was half-way
    through sees a torn last entry; the file has grown since, so it reads it again."""
    from launchgen.deploy import recordfile

    deploy(tmp_path, "1.0.0")
    records.append(tmp_path, "checkout", "prod", "approved", "bob", of=1)
    path = tmp_path / "deployments" / "prod.yaml"
    full = path.read_bytes()
    path.write_bytes(full[:-20])
    real = recordfile.open_history
    opened: list[int] = []

    def racing(where: Path, *, for_append: bool = False) -> recordfile.FileSource | None:
        source = real(where, for_append=for_append)
        if not opened:  # the writer finishes its write just after this reader opened
            with path.open("ab") as handle:
                handle.write(full[-20:])
        opened.append(source.size if source else -1)
        return source

    monkeypatch.setattr(recordfile, "open_history", racing)
    history = records.load(tmp_path, "prod")
    assert history is not None and history.last_seq == 2
    assert opened == [len(full) - 20, len(full)]
    # a torn tail that stays torn is still an error
    path.write_bytes(full[:-20])
    with pytest.raises(RecordError, match=r"deployments/prod\.yaml:\d+: "):
        records.load(tmp_path, "prod")
