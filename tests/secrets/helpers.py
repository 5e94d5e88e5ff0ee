"""Generated services with sops secrets: a real age key, files encrypted by the real sops."""

from __future__ import annotations

import hashlib
import os
import tarfile
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

from launchgen.scaffold import new
from tests.conftest import make_answers
from tests.deploy.helpers import Service
from tests.helpers.cli import invoke
from tests.helpers.tools import run, tool

PLAIN = 'DB_PASSWORD: "hunter2-plaintext"\nAPI_TOKEN: "tok-0123456789-plaintext"\n'
PLAINTEXTS = (b"hunter2-plaintext", b"tok-0123456789-plaintext")


@dataclass
class AgeKey:
    identity: Path
    recipient: str


def age_key(folder: Path) -> AgeKey:
    identity = folder / f"age-{uuid.uuid4().hex[:6]}.txt"
    run([tool("age-keygen"), "-o", identity])
    recipient = next(
        line.split(": ", 1)[1]
        for line in identity.read_text().splitlines()
        if line.startswith("# public key: ")
    )
    return AgeKey(identity, recipient)


def sops_env(monkeypatch: pytest.MonkeyPatch, key: AgeKey | None, home: Path) -> None:
    """launchgen's environment: the real sops, and `key` as the only age identity."""
    for var in (
        "SOPS_AGE_KEY",
        "SOPS_AGE_KEY_FILE",
        "SOPS_AGE_KEY_CMD",
        "SOPS_AGE_SSH_PRIVATE_KEY_FILE",
        "SOPS_AGE_SSH_PRIVATE_KEY_CMD",
    ):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "xdg"))
    monkeypatch.setenv("LAUNCHGEN_SOPS", str(tool("sops")))
    if key is not None:
        monkeypatch.setenv("SOPS_AGE_KEY_FILE", str(key.identity))


def encrypt(props: Path, env: str, plain: str, *, extra_args: tuple[str, ...] = ()) -> Path:
    """Write envs/<env>/secrets.yaml and encrypt it in place with the repo's .sops.yaml."""
    target = props / "envs" / env / "secrets.yaml"
    target.write_text(plain)
    clean = {k: v for k, v in os.environ.items() if not k.startswith("SOPS_")}
    run(
        [tool("sops"), "encrypt", *extra_args, "--in-place", f"envs/{env}/secrets.yaml"],
        cwd=props,
        env=clean,
    )
    assert "ENC[" in target.read_text()
    return target


def sha256(path: Path) -> str:
    return "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()


def make_sops_service(tmp_path: Path, helm: str, kubeconfig: Path, key: AgeKey) -> Service:
    name = f"sec-{uuid.uuid4().hex[:6]}"
    new(make_answers(name, secrets="sops", sops_age_recipient=key.recipient), tmp_path)
    result = invoke("keygen", "-o", tmp_path / "signing")
    assert result.exit_code == 0, result.output
    out = tmp_path / "out"
    out.mkdir()
    return Service(
        name,
        tmp_path / name,
        tmp_path / f"{name}-properties",
        tmp_path / "signing.key",
        tmp_path / "signing.pub",
        out,
        helm,
        kubeconfig,
    )


def files_under(*roots: Path) -> list[Path]:
    return [p for root in roots for p in root.rglob("*") if p.is_file()]


def no_plaintext_in(*roots: Path) -> None:
    for path in files_under(*roots):
        data = path.read_bytes()
        if path.name.endswith(".tar.gz"):
            with tarfile.open(path) as archive:
                members = [archive.extractfile(m) for m in archive.getmembers() if m.isfile()]
                data = b"".join(m.read() for m in members if m is not None)
        for secret in PLAINTEXTS:
            assert secret not in data, f"plaintext in {path}"
