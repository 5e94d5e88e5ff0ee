"""DSSE envelopes (https://github.com/secure-systems-lab/dsse): sign and verify.

The signature covers PAE(payloadType, payload), never the JSON around it, so the
envelope's formatting cannot be used to smuggle anything past the check.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from launchgen.bundle import keys
from launchgen.bundle.errors import VerifyError


def pae(payload_type: str, payload: bytes) -> bytes:
    """DSSE's pre-authentication encoding."""
    kind = payload_type.encode()
    return b"DSSEv1 %d %s %d %s" % (len(kind), kind, len(payload), payload)


def sign(payload: bytes, payload_type: str, key: keys.PrivateKey) -> dict[str, Any]:
    signature = keys.sign(key, pae(payload_type, payload))
    return {
        "payload": base64.b64encode(payload).decode(),
        "payloadType": payload_type,
        "signatures": [{"keyid": keys.key_id(key), "sig": base64.b64encode(signature).decode()}],
    }


def dumps(envelope: dict[str, Any]) -> bytes:
    return (json.dumps(envelope, indent=2, sort_keys=True) + "\n").encode()


def verify(raw: bytes, expected_type: str, key: keys.PublicKey) -> bytes:
    """The payload of a DSSE envelope signed by `key`; VerifyError saying what failed."""
    try:
        envelope = json.loads(raw)
        payload = base64.b64decode(envelope["payload"], validate=True)
        payload_type = envelope["payloadType"]
        signatures = envelope["signatures"]
        if not isinstance(payload_type, str) or not isinstance(signatures, list):
            raise TypeError
    except (ValueError, KeyError, TypeError, binascii.Error):
        raise VerifyError("signature envelope is not a valid DSSE envelope") from None
    if payload_type != expected_type:
        raise VerifyError(f"signature envelope has payloadType {payload_type!r}, expected {expected_type!r}")
    wanted = keys.key_id(key)
    message = pae(payload_type, payload)
    signers = []
    for entry in signatures:
        try:
            sig = base64.b64decode(entry["sig"], validate=True)
        except (KeyError, TypeError, binascii.Error):
            continue
        signers.append(str(entry.get("keyid", "?")))
        if keys.is_valid(key, sig, message):
            return payload
    if wanted not in signers:
        raise VerifyError(f"signature does not match the given key {wanted} (bundle signed by {', '.join(signers) or 'no key'})")
    raise VerifyError(f"signature by {wanted} does not verify: the signed statement was altered")
