"""The envelope and statement: only launchgen's exact bytes verify, and bad shapes are one line (items 3, 4, 6)."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)

from launchgen.bundle import VerifyError, dsse, intoto, verify
from launchgen.bundle.keys import generate, key_id, public_pem, sign
from tests.bundle import forge
from tests.helpers.cli import invoke

P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


@pytest.fixture(scope="module")
def signer(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Path]:
    key = generate()
    public = tmp_path_factory.mktemp("pub") / "signing.pub"
    public.write_bytes(public_pem(key))
    return key, public


def _cli(bundle: Path, key: Path) -> tuple[int, str]:
    result = invoke("verify", str(bundle), "--key", str(key))
    return result.exit_code, result.output


def _with_envelope(signer: tuple[Any, Path], tmp_path: Path, raw: bytes) -> Path:
    return forge.write(
        tmp_path / "b.tar.gz", {**forge.signed_files(signer[0]), "attestation.dsse.json": raw}
    )


def _envelope(signer: tuple[Any, Path]) -> dict[str, Any]:
    return forge.envelope_of(forge.signed_files(signer[0]))


def test_the_untouched_bundle_verifies(signer: tuple[Any, Path], tmp_path: Path) -> None:
    bundle = forge.write(tmp_path / "b.tar.gz", forge.signed_files(signer[0]))
    done = verify(bundle, signer[1])
    assert done.parameters["service"] == "checkout"
    assert done.digest == "sha256:" + intoto.sha256(bundle.read_bytes())
    code, output = _cli(bundle, signer[1])
    assert code == 0 and output.startswith("verified ") and done.digest in output


def _changed_keyid(env: dict[str, Any]) -> bytes:
    env["signatures"][0]["keyid"] = "sha256:" + "0" * 64
    return dsse.dumps(env)


def _extra_field(env: dict[str, Any]) -> bytes:
    env["note"] = "anything"
    return dsse.dumps(env)


def _junk_signature(env: dict[str, Any]) -> bytes:
    env["signatures"].append({"keyid": "junk", "sig": base64.b64encode(b"junk").decode()})
    return dsse.dumps(env)


def _extra_signature_field(env: dict[str, Any]) -> bytes:
    env["signatures"][0]["note"] = "x"
    return dsse.dumps(env)


def _reindented(env: dict[str, Any]) -> bytes:
    return (json.dumps(env, indent=4, sort_keys=True) + "\n").encode()


def _compact(env: dict[str, Any]) -> bytes:
    return json.dumps(env, sort_keys=True).encode()


def _utf16(env: dict[str, Any]) -> bytes:
    return dsse.dumps(env).decode().encode("utf-16")


def _escaped_slash(env: dict[str, Any]) -> bytes:
    return dsse.dumps(env).replace(b"/", b"\\/", 1)


def _sig_unused_bits(env: dict[str, Any]) -> bytes:
    sig = env["signatures"][0][
        "sig"
    ]  # 64 bytes -> 88 chars ending "==": the char before carries 4 unused bits
    last = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".index(sig[-3])
    env["signatures"][0]["sig"] = (
        sig[:-3]
        + "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"[last ^ 1]
        + "=="
    )
    return dsse.dumps(env)


def _trailing_space(env: dict[str, Any]) -> bytes:
    return dsse.dumps(env) + b" "


@pytest.mark.parametrize(
    "change",
    [
        _changed_keyid,
        _extra_field,
        _junk_signature,
        _extra_signature_field,
        _reindented,
        _compact,
        _utf16,
        _escaped_slash,
        _sig_unused_bits,
        _trailing_space,
    ],
)
def test_an_envelope_changed_in_any_way_fails(
    change: Callable[[dict[str, Any]], bytes], signer: tuple[Any, Path], tmp_path: Path
) -> None:
    raw = change(_envelope(signer))
    assert raw != dsse.dumps(_envelope(signer))
    bundle = _with_envelope(signer, tmp_path, raw)
    with pytest.raises(VerifyError):
        verify(bundle, signer[1])
    code, output = _cli(bundle, signer[1])
    assert code == 1 and len(output.splitlines()) == 1


def test_the_canonical_pattern_is_exactly_what_dumps_writes(signer: tuple[Any, Path]) -> None:
    raw = dsse.dumps(_envelope(signer))
    assert dsse._CANONICAL.match(raw) is not None
    assert dsse._CANONICAL.match(raw[:-1]) is None and dsse._CANONICAL.match(raw + b"\n") is None


def test_a_keyid_with_a_newline_cannot_forge_a_line(
    signer: tuple[Any, Path], tmp_path: Path
) -> None:
    env = _envelope(signer)
    env["signatures"][0]["keyid"] = "x\nverified checkout 6.6.6 for prod\x1b[2J"
    code, output = _cli(_with_envelope(signer, tmp_path, dsse.dumps(env)), signer[1])
    assert code == 1 and len(output.splitlines()) == 1 and "\x1b" not in output
    raw = (
        dsse.dumps(env).replace(b"\\n", b"\n").replace(b"\\u001b", b"\x1b")
    )  # the same, unescaped in the JSON
    code, output = _cli(_with_envelope(signer, tmp_path, raw), signer[1])
    assert code == 1 and len(output.splitlines()) == 1 and "\x1b" not in output


def test_a_bundle_signed_by_another_key_names_both_keys(
    signer: tuple[Any, Path], tmp_path: Path
) -> None:
    other = generate()
    bundle = forge.write(tmp_path / "b.tar.gz", forge.signed_files(other))
    with pytest.raises(
        VerifyError,
        match=f"does not match the given key {key_id(signer[0])} .bundle signed by {key_id(other)}",
    ):
        verify(bundle, signer[1])


def test_ecdsa_signatures_are_deterministic_and_only_low_s_verifies(tmp_path: Path) -> None:
    key = generate("ecdsa-p256")
    public = tmp_path / "ec.pub"
    public.write_bytes(public_pem(key))
    assert sign(key, b"message") == sign(key, b"message")
    files = forge.signed_files(key)
    verify(forge.write(tmp_path / "low.tar.gz", files), public)
    env = forge.envelope_of(files)
    r, s = decode_dss_signature(base64.b64decode(env["signatures"][0]["sig"]))
    assert s <= P256_ORDER // 2
    env["signatures"][0]["sig"] = base64.b64encode(encode_dss_signature(r, P256_ORDER - s)).decode()
    with pytest.raises(VerifyError, match="does not verify"):
        verify(
            forge.write(
                tmp_path / "high.tar.gz", {**files, "attestation.dsse.json": dsse.dumps(env)}
            ),
            public,
        )


def _set(path: str, value: Any) -> dict[str, Any]:
    stmt = forge.statement()
    *parents, last = path.split(".")
    node: Any = stmt
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    node[last] = value
    return stmt


BUILD = "predicate.buildDefinition"
PARAMS = f"{BUILD}.externalParameters"


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (
            BUILD + ".externalParameters",
            ["checkout"],
            "externalParameters must be a JSON object, found a JSON array",
        ),
        ("subject", {"a": 1}, "subject must be a JSON array, found a JSON object"),
        ("subject.0.digest", "abc", "subject[0].digest must be a JSON object"),
        ("subject.0.name", "../../etc/passwd", "is not a safe relative file name"),
        ("predicate", None, "statement.predicate must be a JSON object, found a JSON null"),
        (BUILD + ".resolvedDependencies", [1], "resolvedDependencies[0] must be a JSON object"),
        (
            PARAMS + ".service",
            "checkout\nverified evil",
            "externalParameters.service: invalid service name",
        ),
        (
            PARAMS + ".namespace",
            "--kubeconfig=/tmp/x",
            "externalParameters.namespace: invalid namespace",
        ),
        (
            PARAMS + ".release",
            7,
            "externalParameters.release must be a JSON string, found a JSON number",
        ),
        (
            PARAMS + ".appVersion",
            "1.0 \x1b[2J",
            "externalParameters.appVersion '1.0 \\x1b[2J' is not a version",
        ),
        (
            PARAMS + ".chart",
            {"name": "../../x", "version": "1"},
            "chart.name '../../x' is not a chart name",
        ),
        (PARAMS + ".immutable", "no", "immutable must be a JSON boolean"),
        (PARAMS + ".values", "inputs/values.yaml", "values must be a JSON array"),
    ],
)
def test_a_signed_statement_of_the_wrong_shape_is_one_line_exit_1(
    path: str, value: object, message: str, signer: tuple[Any, Path], tmp_path: Path
) -> None:
    stmt = _set(path, value)
    bundle = forge.write(tmp_path / "b.tar.gz", forge.signed_files(signer[0], stmt))
    code, output = _cli(bundle, signer[1])
    assert code == 1, output
    assert len(output.splitlines()) == 1 and "internal error" not in output and "\x1b" not in output
    assert "signed statement: " in output and message in output


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (b"[]", "it must be a JSON object, found a JSON array"),
        (b'{"_type": 1, "_type": 2}', "duplicate key '_type'"),
        (b"\xff\xfe{\x00}\x00", "is not UTF-8 JSON"),
        (b'{"a": NaN}', "NaN is not a JSON number"),
        (b"1" * 5000, "not valid JSON"),
    ],
)
def test_a_signed_payload_that_is_not_a_statement_is_refused(
    payload: bytes, message: str, signer: tuple[Any, Path], tmp_path: Path
) -> None:
    bundle = forge.write(tmp_path / "b.tar.gz", forge.signed_files(signer[0], payload=payload))
    code, output = _cli(bundle, signer[1])
    assert code == 1 and len(output.splitlines()) == 1 and message in output


def test_a_statement_naming_a_file_twice_is_refused(
    signer: tuple[Any, Path], tmp_path: Path
) -> None:
    stmt = forge.statement()
    stmt["subject"].append(dict(stmt["subject"][0]))
    with pytest.raises(VerifyError, match="is named twice"):
        verify(forge.write(tmp_path / "b.tar.gz", forge.signed_files(signer[0], stmt)), signer[1])


def test_printed_paths_are_escaped(signer: tuple[Any, Path], tmp_path: Path) -> None:
    bundle = forge.write(
        tmp_path / "b\nverified fake\x1b[31m.tar.gz", forge.signed_files(signer[0])
    )
    code, output = _cli(bundle, signer[1])
    assert code == 0 and len(output.splitlines()) == 1
    assert "b\\nverified fake\\x1b[31m.tar.gz" in output and "\x1b" not in output
    bundle.write_bytes(bundle.read_bytes()[:-1])
    code, output = _cli(bundle, signer[1])
    assert code == 1 and len(output.splitlines()) == 1 and "\x1b" not in output
