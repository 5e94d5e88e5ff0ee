"""`launchgen verify` on hostile bundles: peak memory and time, and on a legitimate 100 MB one.

    python benchmarks/verify_limits.py [--legit-mb 100] [--budget-mb 256] [--keep DIR]

Each case runs `launchgen verify` in its own process; peak memory is that process's
high-water resident set size (VmHWM, read by the process itself as it exits: a
forked child's ru_maxrss would count the parent's pages), so it includes the
interpreter and its imports (the `baseline` row: verifying a small valid bundle).
Exits 1 when a hostile case goes over the budget or is not refused with exit 1, or
when the legitimate bundle does not verify.
"""

from __future__ import annotations

import argparse
import gzip
import os
import struct
import subprocess
import sys
import tarfile
import tempfile
import time
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from launchgen.bundle import archive, dsse, intoto  # noqa: E402
from launchgen.bundle.keys import generate, public_pem  # noqa: E402

MiB = 1024 * 1024
MTIME = 315532800
ENVELOPE = "attestation.dsse.json"


def header(name: str, size: int) -> bytes:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = size, MTIME, 0o644
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    return info.tobuf(tarfile.USTAR_FORMAT, tarfile.ENCODING, "surrogateescape")


def write_gzip(path: Path, chunks: Iterable[bytes]) -> Path:
    """The canonical gzip (launchgen's header, level 9) of the chunks, streamed to `path`."""
    deflate = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    crc = length = 0
    with path.open("wb") as out:
        out.write(gzip.compress(b"", compresslevel=9, mtime=MTIME)[:10])
        for chunk in chunks:
            crc, length = zlib.crc32(chunk, crc), length + len(chunk)
            out.write(deflate.compress(chunk))
        out.write(deflate.flush() + struct.pack("<II", crc, length & 0xFFFFFFFF))
    return path


def zeros(total: int) -> Iterator[bytes]:
    block = bytes(4 * MiB)
    while total > 0:
        yield block[: min(len(block), total)]
        total -= len(block)


def many_members(count: int) -> Iterator[bytes]:
    """`count` empty members: one header patched per name (tobuf per member is slow)."""
    template = bytearray(header("manifests/0000000.yaml", 0))
    start = template.index(b"0000000")
    batch = bytearray()
    for index in range(count):
        template[start : start + 7] = b"%07d" % index
        template[148:156] = b" " * 8
        template[148:156] = b"%06o\0 " % sum(template)
        batch += template
        if len(batch) >= 4 * MiB:
            yield bytes(batch)
            batch.clear()
    yield bytes(batch) + bytes(1024)


def member(name: str, data: bytes) -> bytes:
    return header(name, len(data)) + data + bytes(-len(data) % 512)


def legit_files(total_mb: int, key: object) -> dict[str, bytes]:
    """`total_mb` MB of YAML-like manifests (1 MB each, compressing like real ones), signed."""
    files: dict[str, bytes] = {}
    for index in range(total_mb):
        lines = [f'  key-{index}-{n}: "{os.urandom(12).hex()}"\n' for n in range(27_000)]
        body = (
            f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-{index}\ndata:\n".encode()
            + "".join(lines).encode()
        )
        files[f"manifests/{index:03d}-configmap-cm-{index}.yaml"] = body[:MiB]
    record = {
        "kind": "app",
        "service": "checkout",
        "environment": "prod",
        "release": "checkout",
        "namespace": "checkout-prod",
        "immutable": False,
        "app_version": "1.4.2",
        "chart": {"name": "checkout", "version": "0.1.0"},
        "values": [],
        "helm_version": "v4.1.4",
        "kube_version": "1.35",
    }
    stmt = intoto.statement(record, files, {}, "1.35")
    envelope = dsse.sign(intoto.encode(stmt), intoto.PAYLOAD_TYPE, key)  # type: ignore[arg-type]
    return {**files, ENVELOPE: dsse.dumps(envelope)}


def _archive(path: Path, files: dict[str, bytes]) -> Path:
    path.write_bytes(archive.write(files, MTIME))
    return path


def cases(folder: Path, legit_mb: int) -> tuple[Path, list[tuple[str, Path, bool]]]:
    key = generate()
    public = folder / "signing.pub"
    public.write_bytes(public_pem(key))
    small = folder / "baseline.tar.gz"
    small.write_bytes(archive.write(legit_files(1, key), MTIME))
    legit = folder / "legit.tar.gz"
    legit.write_bytes(archive.write(legit_files(legit_mb, key), MTIME))
    at_limit = (member(f"manifests/{i}.yaml", bytes(16 * MiB)) for i in range(8))
    return public, [
        ("baseline (valid, 1 MB)", small, False),
        ("gzip bomb: 2 GiB of zeros", write_gzip(folder / "zeros.tar.gz", zeros(2048 * MiB)), True),
        (
            "member claiming 2 GiB",
            write_gzip(
                folder / "claim.tar.gz", [header("manifests/a.yaml", 2048 * MiB), *zeros(64 * MiB)]
            ),
            True,
        ),
        (
            "1,000,000 empty members",
            write_gzip(folder / "members.tar.gz", many_members(1_000_000)),
            True,
        ),
        (
            "8 x 16 MiB members (at the limits)",
            write_gzip(folder / "limits.tar.gz", at_limit),
            True,
        ),
        (
            "8 MiB envelope of [{},...]",
            _archive(
                folder / "envelope.tar.gz", {ENVELOPE: b"[" + b"{}," * (8 * MiB // 3 - 1) + b"{}]"}
            ),
            True,
        ),
        (
            "envelope nested 100,000 deep",
            _archive(folder / "nested.tar.gz", {ENVELOPE: b"[" * 100_000}),
            True,
        ),
        (f"legitimate {legit_mb} MB bundle", legit, False),
    ]


# Runs `launchgen ARGS...`, then writes its own VmHWM (kB) to $HWM_FILE as it exits.
CHILD = """
import atexit, os, sys
def hwm():
    with open("/proc/self/status") as status, open(os.environ["HWM_FILE"], "w") as out:
        out.write(next(line.split()[1] for line in status if line.startswith("VmHWM:")))
atexit.register(hwm)
from launchgen.cli import main
sys.argv[0] = "launchgen"
main()
"""


def run(bundle: Path, public: Path, folder: Path) -> tuple[int, float, float, str]:
    """(exit code, seconds, peak RSS in MB, output) of `launchgen verify` in its own process."""
    hwm = folder / "hwm"
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", CHILD, "verify", str(bundle), "--key", str(public)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "HWM_FILE": str(hwm)},
    )
    seconds = time.perf_counter() - start
    return (
        done.returncode,
        seconds,
        int(hwm.read_text()) / 1024,
        (done.stdout + done.stderr).strip(),
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--legit-mb", type=int, default=100)
    parser.add_argument("--budget-mb", type=int, default=256)
    parser.add_argument("--keep", type=Path, help="Write the bundles here and keep them.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="verify-limits-") as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        public, todo = cases(folder, args.legit_mb)
        failed = False
        print("| case | file | exit | time | peak RSS | verdict |\n|---|---:|---:|---:|---:|---|")
        for name, bundle, hostile in todo:
            code, seconds, peak, output = run(bundle, public, folder)
            output = output.replace(str(bundle), bundle.name)
            ok = (code == 1 and peak <= args.budget_mb) if hostile else code == 0
            failed |= not ok
            print(
                f"| {name} | {bundle.stat().st_size / MiB:.1f} MiB | {code} | {seconds:.2f} s | {peak:.0f} MB | "
                f"{'ok' if ok else 'FAIL'}: {output.splitlines()[-1][:110] if output else ''} |"
            )
        return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
