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
from typing import Union

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519

from launchgen.errors import ConfigError, WouldOverwriteError
from launchgen.files import atomic_write

KEY_ENV = "LAUNCHGEN_SIGNING_KEY"
PASSPHRASE_ENV = "LAUNCHGEN_SIGNING_KEY_PASSPHRASE"
KEY_TYPES = ("ed25519", "ecdsa-p256")

PrivateKey = Union[ed25519.Ed25519PrivateKey, ec.EllipticCurvePrivateKey]
PublicKey = Union[ed25519.Ed25519PublicKey, ec.EllipticCurvePublicKey]


def generate(key_type: str = "ed25519") -> PrivateKey:
    if key_type == "ed25519":
        return ed25519.Ed25519PrivateKey.generate()
    if key_type == "ecdsa-p256":
        return ec.generate_private_key(ec.SECP256R1())
    raise ConfigError(f"unknown key type {key_type!r}: choose one of {', '.join(KEY_TYPES)}")


def public_pem(key: PrivateKey | PublicKey) -> bytes:
    public = key.public_key() if isinstance(key, (ed25519.Ed25519PrivateKey, ec.EllipticCurvePrivateKey)) else key
    return public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def key_id(key: PrivateKey | PublicKey) -> str:
    """sha256 of the public key's DER encoding: names the key in the envelope."""
    public = key.public_key() if isinstance(key, (ed25519.Ed25519PrivateKey, ec.EllipticCurvePrivateKey)) else key
    der = public.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return "sha256:" + hashlib.sha256(der).hexdigest()


def write_key_pair(prefix: Path, key_type: str = "ed25519", passphrase: bytes | None = None) -> tuple[Path, Path]:
    """Write PREFIX.key (mode 0600, encrypted when a passphrase is given) and PREFIX.pub."""
    private_path, public_path = prefix.with_name(prefix.name + ".key"), prefix.with_name(prefix.name + ".pub")
    for path in (private_path, public_path):
        if path.exists():
            raise WouldOverwriteError(f"{path} exists: launchgen keygen never overwrites a key")
    key = generate(key_type)
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(passphrase) if passphrase else serialization.NoEncryption()
    )
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)
    atomic_write(private_path, private, mode=0o600)
    atomic_write(public_path, public_pem(key), mode=0o644)
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
        try:
            raw, source = path.read_bytes(), str(path)
        except OSError as exc:
            raise ConfigError(f"cannot read signing key {path}: {exc.strerror}") from None
    elif environ.get(KEY_ENV):
        raw, source = environ[KEY_ENV].encode(), f"${KEY_ENV}"
    else:
        raise ConfigError(f"no signing key: pass --key PATH or set ${KEY_ENV} (create one with launchgen keygen)")
    passphrase = environ.get(PASSPHRASE_ENV)
    try:
        key = serialization.load_pem_private_key(_pem_text(raw.strip()), passphrase.encode() if passphrase else None)
    except TypeError:
        raise ConfigError(f"signing key {source} is encrypted: set ${PASSPHRASE_ENV}") from None
    except ValueError:
        raise ConfigError(f"signing key {source} is not a PEM private key (or the passphrase is wrong)") from None
    if isinstance(key, ec.EllipticCurvePrivateKey) and not isinstance(key.curve, ec.SECP256R1):
        raise ConfigError(f"signing key {source}: only ECDSA on P-256 is supported")
    if not isinstance(key, (ed25519.Ed25519PrivateKey, ec.EllipticCurvePrivateKey)):
        raise ConfigError(f"signing key {source} must be ed25519 or ECDSA P-256, not {type(key).__name__}")
    return key


def load_public_key(path: Path) -> PublicKey:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read public key {path}: {exc.strerror}") from None
    try:
        key = serialization.load_pem_public_key(raw.strip())
    except ValueError:
        raise ConfigError(f"public key {path} is not a PEM public key") from None
    if not isinstance(key, (ed25519.Ed25519PublicKey, ec.EllipticCurvePublicKey)):
        raise ConfigError(f"public key {path} must be ed25519 or ECDSA P-256, not {type(key).__name__}")
    return key


def sign(key: PrivateKey, message: bytes) -> bytes:
    if isinstance(key, ed25519.Ed25519PrivateKey):
        return key.sign(message)
    return key.sign(message, ec.ECDSA(hashes.SHA256()))


def is_valid(key: PublicKey, signature: bytes, message: bytes) -> bool:
    try:
        if isinstance(key, ed25519.Ed25519PublicKey):
            key.verify(signature, message)
        else:
            key.verify(signature, message, ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        return False
    return True
