"""Hostile archives: refused within bounded memory and time, one line, exit 1 (issue 12, items 1 and 2)."""

from __future__ import annotations

import io
import time
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from launchgen.bundle import VerifyError, archive, verify
from launchgen.bundle.keys import generate, write_key_pair
from launchgen.bundle.limits import Limits
from launchgen.charts import reproducible_targz
from tests.bundle import forge
from tests.helpers.cli import invoke

MiB = 1024 * 1024


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return write_key_pair(tmp_path_factory.mktemp("keys") / "signing")


def _peak(action: Callable[[], object]) -> tuple[int, BaseException | None]:
    """Peak bytes Python allocated while `action` ran, and what it raised."""
    tracemalloc.start()
    raised: BaseException | None = None
    try:
        action()
    except Exception as exc:
        raised = exc
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak, raised


def _cli(bundle: Path, key: Path) -> tuple[int, str]:
    result = invoke("verify", str(bundle), "--key", str(key))
    return result.exit_code, result.output


def _bomb_members() -> Iterator[bytes]:
    """A tar header claiming 2 GiB, then the zeros: a file that would unpack to 2 GiB."""
    yield forge.header("manifests/01-bomb.yaml", 2 * 1024 * MiB)
    yield from forge.zeros(64 * MiB)


@pytest.mark.parametrize(
    ("name", "chunks", "limits", "message"),
    [
        ("zeros", lambda: forge.zeros(64 * MiB), Limits(), "holds no files"),
        ("huge-member", _bomb_members, Limits(), "over the 16 MiB limit for one file"),
        # 1,000,000 members against the default 10,000: benchmarks/verify_limits.py
        (
            "many-members",
            lambda: forge.many_members(5_000),
            Limits(files=1_000),
            "holds more than the limit of 1000 files",
        ),
    ],
)
def test_gzip_bombs_are_refused_before_unpacking(
    name: str,
    chunks: Callable[[], Iterator[bytes]],
    limits: Limits,
    message: str,
    keys: tuple[Path, Path],
    tmp_path: Path,
) -> None:
    bomb = forge.write_stream(tmp_path / f"{name}.tar.gz", chunks())
    assert bomb.stat().st_size < 2 * MiB
    started = time.monotonic()
    peak, raised = _peak(lambda: verify(bomb, keys[1], limits))
    assert isinstance(raised, VerifyError) and message in str(raised)
    assert peak < 24 * MiB, f"{name}: {peak / MiB:.0f} MiB allocated"
    assert time.monotonic() - started < 20
    code, output = _cli(bomb, keys[1])
    assert code == 1 and len(output.splitlines()) == 1 and "launchgen: error: bundle " in output


def test_total_unpacked_size_is_bounded(keys: tuple[Path, Path], tmp_path: Path) -> None:
    files = {f"manifests/{i:02d}.yaml": bytes(1 * MiB) for i in range(8)}
    bundle = forge.write(tmp_path / "big.tar.gz", files)
    with pytest.raises(VerifyError, match=r"unpacks to more than the 4 MiB limit"):
        verify(bundle, keys[1], Limits(unpacked_bytes=4 * MiB))
    with pytest.raises(VerifyError, match=r"holds more than the limit of 3 files"):
        verify(bundle, keys[1], Limits(files=3))
    with pytest.raises(VerifyError, match=r"is \d+ bytes, over the 1024 bytes limit"):
        verify(bundle, keys[1], Limits(bundle_bytes=MiB // 1024))


def test_a_huge_envelope_is_refused_by_its_header(keys: tuple[Path, Path], tmp_path: Path) -> None:
    bundle = forge.write_stream(
        tmp_path / "env.tar.gz", iter([forge.header("attestation.dsse.json", 9 * MiB)])
    )
    with pytest.raises(
        VerifyError, match=r"attestation.dsse.json is 9437184 bytes, over the 8 MiB limit"
    ):
        verify(bundle, keys[1])


def test_nested_envelope_is_one_line_exit_1(keys: tuple[Path, Path], tmp_path: Path) -> None:
    files = {**forge.signed_files(generate()), "attestation.dsse.json": b"[" * 100_000}
    code, output = _cli(forge.write(tmp_path / "nested.tar.gz", files), keys[1])
    assert code == 1 and len(output.splitlines()) == 1
    assert "attestation.dsse.json is not the envelope launchgen writes" in output


def test_a_deeply_nested_signed_statement_is_refused(tmp_path: Path) -> None:
    key = generate()
    public = tmp_path / "k.pub"
    from launchgen.bundle.keys import public_pem

    public.write_bytes(public_pem(key))
    bundle = forge.write(
        tmp_path / "deep.tar.gz", forge.signed_files(key, payload=b"[" * 5000 + b"]" * 5000)
    )
    code, output = _cli(bundle, public)
    assert code == 1 and "signed statement nests deeper than the limit of 16 levels" in output
    assert len(output.splitlines()) == 1


@pytest.mark.parametrize("target", ["/dev/zero", "fifo"])
def test_a_bundle_that_is_not_a_regular_file_is_not_read(
    target: str, keys: tuple[Path, Path], tmp_path: Path
) -> None:
    import os

    if target == "fifo":
        target = str(tmp_path / "fifo")
        os.mkfifo(target)
    started = time.monotonic()
    result = invoke("verify", target, "--key", str(keys[1]))
    assert result.exit_code == 2 and "not a regular file" in result.output
    assert time.monotonic() - started < 10


def test_a_key_file_is_read_within_a_bound(keys: tuple[Path, Path], tmp_path: Path) -> None:
    bundle = forge.write(tmp_path / "b.tar.gz", forge.signed_files(generate()))
    result = invoke("verify", str(bundle), "--key", "/dev/zero")
    assert (
        result.exit_code == 2 and "public key /dev/zero is larger than 65536 bytes" in result.output
    )


@pytest.mark.parametrize("mtime", [0, forge.MTIME, 1_700_000_000])
def test_the_streaming_reader_accepts_exactly_what_the_writer_writes(mtime: int) -> None:
    files = {
        **forge.MANIFESTS,
        "manifests/03-big.yaml": bytes(range(256)) * 40_000,
        "inputs/" + "a" * 90 + "/" + "b" * 90: b"long name",
    }
    data = archive.write(files, mtime)
    assert data == reproducible_targz(files, mtime)  # the format of every earlier launchgen
    unpacked = archive.read(io.BytesIO(data), "bundle")
    assert unpacked.files == files and unpacked.mtime == mtime


def test_trailing_data_and_a_second_gzip_member_are_refused(tmp_path: Path) -> None:
    data = archive.write(forge.signed_files(generate()), forge.MTIME)
    for tail, message in [(b"\0" * 10, "trailing data"), (data, "trailing data")]:
        with pytest.raises(VerifyError, match=message):
            archive.read(io.BytesIO(data + tail), "bundle")
