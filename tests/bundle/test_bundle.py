"""package, verify and keygen: signed bundles, and every way of tampering with one failing."""

from __future__ import annotations

import base64
import gzip
import io
import json
import stat
from pathlib import Path

import pytest

from launchgen.bundle import (
    ENVELOPE_NAME,
    PackageRequest,
    VerifyError,
    archive,
    dsse,
    package,
    verify,
)
from launchgen.bundle.keys import write_key_pair
from tests.helpers.cli import invoke

pytestmark = pytest.mark.helm


@pytest.fixture(scope="module")
def bundle(
    rendered: Path, key_pair: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory
) -> Path:
    out = tmp_path_factory.mktemp("bundle") / "checkout-prod.tar.gz"
    package(PackageRequest(rendered, out, key_pair[0]))
    return out


def _files(bundle: Path) -> dict[str, bytes]:
    return archive.read(io.BytesIO(bundle.read_bytes()), "bundle").files


def _rewrite(bundle: Path, target: Path, files: dict[str, bytes]) -> Path:
    target.write_bytes(archive.write(files))
    return target


def test_bundle_holds_manifests_inputs_and_a_signed_statement(
    bundle: Path, rendered: Path, key_pair: tuple[Path, Path]
) -> None:
    files = _files(bundle)
    manifests = sorted(
        p.relative_to(rendered).as_posix() for p in (rendered / "manifests").iterdir()
    )
    assert sorted(files) == sorted(
        [
            *manifests,
            "inputs/Chart.lock",
            "inputs/Chart.yaml",
            "inputs/values-prod.yaml",
            "inputs/values.yaml",
            ENVELOPE_NAME,
        ]
    )
    envelope = json.loads(files[ENVELOPE_NAME])
    assert envelope["payloadType"] == "application/vnd.in-toto+json"
    statement = json.loads(base64.b64decode(envelope["payload"]))
    assert statement["_type"] == "https://in-toto.io/Statement/v1"
    assert [s["name"] for s in statement["subject"]] == manifests
    params = statement["predicate"]["buildDefinition"]["externalParameters"]
    assert (params["appVersion"], params["environment"], params["namespace"]) == (
        "1.4.2",
        "prod",
        "checkout-prod",
    )
    assert params["chart"] == {"name": "checkout", "version": "0.1.0"}
    internal = statement["predicate"]["buildDefinition"]["internalParameters"]
    assert internal["helmVersion"] == "v4.1.4" and internal["kubernetesVersionValidated"] == "1.35"
    repos = {
        d["name"]: d for d in statement["predicate"]["buildDefinition"]["resolvedDependencies"]
    }
    assert len(repos["app-repo"]["digest"]["gitCommit"]) == 40
    assert len(repos["properties-repo"]["digest"]["gitCommit"]) == 40
    assert verify(bundle, key_pair[1]).parameters["service"] == "checkout"


def test_bundle_is_reproducible(
    bundle: Path, rendered: Path, key_pair: tuple[Path, Path], tmp_path: Path
) -> None:
    again = tmp_path / "again.tar.gz"
    package(PackageRequest(rendered, again, key_pair[0]))
    assert again.read_bytes() == bundle.read_bytes()


def test_every_flipped_byte_fails(
    bundle: Path, key_pair: tuple[Path, Path], tmp_path: Path
) -> None:
    data = bundle.read_bytes()
    target = tmp_path / "flipped.tar.gz"
    for offset in range(len(data)):
        target.write_bytes(data[:offset] + bytes([data[offset] ^ 0x01]) + data[offset + 1 :])
        with pytest.raises(VerifyError):
            verify(target, key_pair[1])


def test_every_bit_of_the_compressed_stream_end_fails(
    bundle: Path, key_pair: tuple[Path, Path], tmp_path: Path
) -> None:
    # the last deflate byte may carry padding bits a decompressor ignores
    data = bundle.read_bytes()
    target = tmp_path / "bits.tar.gz"
    for offset in range(len(data) - 12, len(data)):
        for bit in range(8):
            target.write_bytes(
                data[:offset] + bytes([data[offset] ^ (1 << bit)]) + data[offset + 1 :]
            )
            with pytest.raises(VerifyError):
                verify(target, key_pair[1])


def test_changed_file_names_the_file_and_digest(
    bundle: Path, key_pair: tuple[Path, Path], tmp_path: Path
) -> None:
    files = _files(bundle)
    files["manifests/04-deployment-checkout.yaml"] = files[
        "manifests/04-deployment-checkout.yaml"
    ].replace(b"1.4.2", b"6.6.6")
    with pytest.raises(
        VerifyError,
        match=r"manifests/04-deployment-checkout.yaml has sha256 \w+, the signed statement says",
    ):
        verify(_rewrite(bundle, tmp_path / "changed.tar.gz", files), key_pair[1])


def test_missing_file_fails(bundle: Path, key_pair: tuple[Path, Path], tmp_path: Path) -> None:
    files = _files(bundle)
    del files["inputs/values-prod.yaml"]
    with pytest.raises(
        VerifyError, match=r"inputs/values-prod\.yaml is in the signed statement but missing"
    ):
        verify(_rewrite(bundle, tmp_path / "missing.tar.gz", files), key_pair[1])


def test_extra_file_fails(bundle: Path, key_pair: tuple[Path, Path], tmp_path: Path) -> None:
    files = {
        **_files(bundle),
        "manifests/99-clusterrolebinding-admin.yaml": b"kind: ClusterRoleBinding\n",
    }
    with pytest.raises(
        VerifyError,
        match=r"manifests/99-clusterrolebinding-admin\.yaml is in the bundle but not in the signed",
    ):
        verify(_rewrite(bundle, tmp_path / "extra.tar.gz", files), key_pair[1])


def test_another_key_fails(bundle: Path, tmp_path: Path) -> None:
    _, other = write_key_pair(tmp_path / "other")
    with pytest.raises(VerifyError, match="signature does not match the given key"):
        verify(bundle, other)


def test_resigned_statement_by_attacker_fails(
    bundle: Path, key_pair: tuple[Path, Path], tmp_path: Path
) -> None:
    files = _files(bundle)
    envelope = json.loads(files[ENVELOPE_NAME])
    envelope["payload"] = base64.b64encode(
        base64.b64decode(envelope["payload"]).replace(b"1.4.2", b"9.9.9")
    ).decode()
    files[ENVELOPE_NAME] = dsse.dumps(envelope)
    with pytest.raises(VerifyError, match="does not verify: the signed statement was altered"):
        verify(_rewrite(bundle, tmp_path / "altered.tar.gz", files), key_pair[1])


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"just text\n", "is not a tar.gz file"),
        (gzip.compress(b"not a tar archive at all" * 40), "is not a valid tar archive"),
    ],
)
def test_not_a_bundle_is_one_line_exit_1(
    content: bytes, message: str, key_pair: tuple[Path, Path], tmp_path: Path
) -> None:
    target = tmp_path / "x.tar.gz"
    target.write_bytes(content)
    result = invoke("verify", str(target), "--key", str(key_pair[1]))
    assert (
        result.exit_code == 1
        and message in result.output
        and len(result.output.strip().splitlines()) == 1
    )


def test_truncated_bundle_fails(bundle: Path, key_pair: tuple[Path, Path], tmp_path: Path) -> None:
    target = tmp_path / "short.tar.gz"
    target.write_bytes(bundle.read_bytes()[: len(bundle.read_bytes()) // 2])
    result = invoke("verify", str(target), "--key", str(key_pair[1]))
    assert result.exit_code == 1 and "is truncated" in result.output


def test_cli_round_trip_with_key_from_environment_and_ecdsa(rendered: Path, tmp_path: Path) -> None:
    made = invoke("keygen", "-o", str(tmp_path / "ci"), "--type", "ecdsa-p256")
    assert made.exit_code == 0, made.output
    private = tmp_path / "ci.key"
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    env = {"LAUNCHGEN_SIGNING_KEY": base64.b64encode(private.read_bytes()).decode()}
    out = tmp_path / "b.tar.gz"
    packed = invoke("package", str(rendered), "-o", str(out), env=env)
    assert packed.exit_code == 0, packed.output
    checked = invoke("verify", str(out), "--key", str(tmp_path / "ci.pub"))
    assert checked.exit_code == 0 and "verified" in checked.output
    assert invoke("keygen", "-o", str(tmp_path / "ci")).exit_code == 2  # never overwrites


def test_encrypted_key_needs_its_passphrase(rendered: Path, tmp_path: Path) -> None:
    env = {"PASS": "correct horse"}
    assert (
        invoke("keygen", "-o", str(tmp_path / "enc"), "--passphrase-env", "PASS", env=env).exit_code
        == 0
    )
    args = [
        "package",
        str(rendered),
        "-o",
        str(tmp_path / "b.tgz"),
        "--key",
        str(tmp_path / "enc.key"),
    ]
    refused = invoke(*args)
    assert refused.exit_code == 2 and "LAUNCHGEN_SIGNING_KEY_PASSPHRASE" in refused.output
    assert invoke(*args, env={"LAUNCHGEN_SIGNING_KEY_PASSPHRASE": "correct horse"}).exit_code == 0


def test_package_refuses_manifests_that_do_not_validate(
    rendered: Path, key_pair: tuple[Path, Path], tmp_path: Path
) -> None:
    import shutil

    broken = tmp_path / "prod"
    shutil.copytree(rendered, broken)
    service = broken / "manifests" / "03-service-checkout.yaml"
    service.write_text(service.read_text().replace("type: ClusterIP", "type: ClusterIP\n  typo: 1"))
    result = invoke(
        "package", str(broken), "-o", str(tmp_path / "b.tgz"), "--key", str(key_pair[0])
    )
    assert result.exit_code == 1 and "refusing to package: 1 validation error" in result.output
    assert "typo" in result.output and not (tmp_path / "b.tgz").exists()


def test_package_needs_a_render_folder(key_pair: tuple[Path, Path], tmp_path: Path) -> None:
    result = invoke(
        "package", str(tmp_path), "-o", str(tmp_path / "b.tgz"), "--key", str(key_pair[0])
    )
    assert result.exit_code == 2 and "not a launchgen render output" in result.output
