"""Signing keys: ed25519 (default) or ECDSA P-256, as PEM, through `cryptography`.

The private key comes from a file or, so CI need not write it to disk, from the
LAUNCHGEN_SIGNING_KEY variable (the PEM text, or that text base64-encoded for secret
stores that mangle newlines). An encrypted key's passphrase comes from
LAUNCHGEN_SIGNING_KEY_PASSPHRASE.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from collections.abc import Mapping
from pathlib import Path

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)

import launchgen.bundle.output as output
from launchgen.bundle.limits import DEFAULT
from launchgen.display import printable
from launchgen.errors import ConfigError

KEY_ENV = "LAUNCHGEN_SIGNING_KEY"
PASSPHRASE_ENV = "LAUNCHGEN_SIGNING_KEY_PASSPHRASE"
KEY_TYPES = ("ed25519", "ecdsa-p256")

# the order n of the P-256 group (SEC 2, section 2.4.2)
_P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551

PrivateKey = ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey
PublicKey = ed25519.Ed25519PublicKey | ec.EllipticCurvePublicKey


def generate(key_type: str = "ed25519") -> PrivateKey:
    if key_type == "ed25519":
        return ed25519.Ed25519PrivateKey.generate()
    if key_type == "ecdsa-p256":
        return ec.generate_private_key(ec.SECP256R1())
    raise ConfigError(f"unknown key type {key_type!r}: choose one of {', '.join(KEY_TYPES)}")


def public_pem(key: PrivateKey | PublicKey) -> bytes:
    public = (
        key.public_key()
        if isinstance(key, (ed25519.Ed25519PrivateKey, ec.EllipticCurvePrivateKey))
        else key
    )
    return public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def key_id(key: PrivateKey | PublicKey) -> str:
    """sha256 of the public key's DER encoding: names the key in the envelope."""
    public = (
        key.public_key()
        if isinstance(key, (ed25519.Ed25519PrivateKey, ec.EllipticCurvePrivateKey))
        else key
    )
    der = public.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return "sha256:" + hashlib.sha256(der).hexdigest()


def write_key_pair(
    prefix: Path, key_type: str = "ed25519", passphrase: bytes | None = None, force: bool = False
) -> tuple[Path, Path]:
    """Write PREFIX.key (mode 0600, encrypted when a passphrase is given) and PREFIX.pub.

    Neither may exist unless `force`: replacing a private key loses it.
    """
    private_path, public_path = (
        prefix.with_name(prefix.name + ".key"),
        prefix.with_name(prefix.name + ".pub"),
    )
    for path in (private_path, public_path):
        output.check_free(path, force)
    key = generate(key_type)
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(passphrase)
        if passphrase
        else serialization.NoEncryption()
    )
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
    )
    output.write(private_path, private, mode=0o600, force=force)
    try:
        output.write(public_path, public_pem(key), mode=0o644, force=force)
    except BaseException:
        output.remove(private_path)  # no private key without its public half
        raise
    return private_path, public_path


def _pem_text(raw: bytes) -> bytes:
    if b"-----BEGIN" in raw:
        return raw
    try:
        decoded = base64.b64decode(raw, validate=False)
    except (binascii.Error, ValueError):
        return raw
    return decoded if b"-----BEGIN" in decoded else raw


def load_private_key(path: Path | None, environ: Mapping[str, str] | None = None) -> PrivateKey:
    """The signing key from `path`, else from $LAUNCHGEN_SIGNING_KEY."""
    environ = os.environ if environ is None else environ
    if path is not None:
        raw, source = read_key_file(path, "signing key"), printable(str(path))
    elif environ.get(KEY_ENV):
        raw, source = environ[KEY_ENV].encode(), f"${KEY_ENV}"
    else:
        raise ConfigError(
            f"no signing key: pass --key PATH or set ${KEY_ENV} (create one with launchgen keygen)"
        )
    passphrase = environ.get(PASSPHRASE_ENV)
    try:
        key = serialization.load_pem_private_key(
            _pem_text(raw.strip()), passphrase.encode() if passphrase else None
        )
    except TypeError:
        raise ConfigError(f"signing key {source} is encrypted: set ${PASSPHRASE_ENV}") from None
    except ValueError:
        raise ConfigError(
            f"signing key {source} is not a PEM private key (or the passphrase is wrong)"
        ) from None
    if isinstance(key, ec.EllipticCurvePrivateKey) and not isinstance(key.curve, ec.SECP256R1):
        raise ConfigError(f"signing key {source}: only ECDSA on P-256 is supported")
    if not isinstance(key, (ed25519.Ed25519PrivateKey, ec.EllipticCurvePrivateKey)):
        raise ConfigError(
            f"signing key {source} must be ed25519 or ECDSA P-256, not {type(key).__name__}"
        )
    return key


def read_key_file(path: Path, what: str) -> bytes:
    """A key file's bytes, at most the key size limit (never /dev/zero read to the end)."""
    shown = printable(str(path))
    try:
        with path.open("rb") as handle:
            raw = handle.read(DEFAULT.key_bytes + 1)
    except OSError as exc:
        raise ConfigError(f"cannot read {what} {shown}: {exc.strerror}") from None
    if len(raw) > DEFAULT.key_bytes:
        raise ConfigError(f"{what} {shown} is larger than {DEFAULT.key_bytes} bytes: not a PEM key")
    return raw


def load_public_key(path: Path) -> PublicKey:
    raw = read_key_file(path, "public key")
    path_text = printable(str(path))
    try:
        key = serialization.load_pem_public_key(raw.strip())
    except ValueError:
        raise ConfigError(f"public key {path_text} is not a PEM public key") from None
    if isinstance(key, ec.EllipticCurvePublicKey) and not isinstance(key.curve, ec.SECP256R1):
        raise ConfigError(f"public key {path_text}: only ECDSA on P-256 is supported")
    if not isinstance(key, (ed25519.Ed25519PublicKey, ec.EllipticCurvePublicKey)):
        raise ConfigError(
            f"public key {path_text} must be ed25519 or ECDSA P-256, not {type(key).__name__}"
        )
    return key


def _low_s(signature: bytes) -> tuple[int, int, bool]:
    r, s = decode_dss_signature(signature)
    return r, s, s <= _P256_ORDER // 2


def sign(key: PrivateKey, message: bytes) -> bytes:
    """ed25519, or deterministic (RFC 6979) ECDSA with a low S: one signature per message and key."""
    if isinstance(key, ed25519.Ed25519PrivateKey):
        return key.sign(message)
    try:
        der = key.sign(message, ec.ECDSA(hashes.SHA256(), deterministic_signing=True))
    except (
        UnsupportedAlgorithm
    ):  # cryptography linked to an OpenSSL before 3.2: random k, still low S
        der = key.sign(message, ec.ECDSA(hashes.SHA256()))
    r, s, low = _low_s(der)
    return encode_dss_signature(r, s if low else _P256_ORDER - s)


def is_valid(key: PublicKey, signature: bytes, message: bytes) -> bool:
    """Whether `signature` is the signature of `message` by `key`, in its one accepted form.

    ECDSA signatures verify as (r, s) and as (r, n - s): only the low-S one is
    accepted, so a signature cannot be re-encoded into different bundle bytes.
    """
    try:
        if isinstance(key, ed25519.Ed25519PublicKey):
            key.verify(signature, message)
        else:
            key.verify(signature, message, ec.ECDSA(hashes.SHA256()))
            if not _low_s(signature)[2]:
                return False
    except (InvalidSignature, ValueError):
        return False
    return True
