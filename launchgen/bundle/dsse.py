"""DSSE envelopes (https://github.com/secure-systems-lab/dsse): sign and verify.

The signature covers PAE(payloadType, payload), never the JSON around it. So that the
JSON cannot vary either (a changed key id, an extra field or signature, other
whitespace or another encoding would change the bundle's bytes, and with them the
digest a deployment is recorded under, while the signature still verified), `verify`
accepts only the exact bytes `dumps` writes: one signature, the exact keys, canonical
base64. The envelope is matched against that shape before anything is decoded, so a
hostile one (deeply nested, huge, full of tiny objects) costs one linear regex scan.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from typing import Any

import launchgen.bundle.keys as keys
from launchgen.bundle.errors import VerifyError
from launchgen.bundle.limits import DEFAULT, Limits, size
from launchgen.display import printable

NAME = "attestation.dsse.json"

_STRING = rb'"([\x20-\x21\x23-\x5b\x5d-\x7e]*)"'  # printable ASCII, no '"' or '\': dumps writes these as is
_B64 = rb'"([A-Za-z0-9+/]*={0,2})"'
_CANONICAL = re.compile(
    rb'\{\n  "payload": ' + _B64 + rb',\n  "payloadType": ' + _STRING + rb',\n  "signatures": \[\n'
    rb'    \{\n      "keyid": ' + _STRING + rb',\n      "sig": ' + _B64 + rb"\n    \}\n  \]\n\}\n\Z"
)


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


def _b64(text: bytes, field: str) -> bytes:
    try:
        data = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        data = None
    if (
        data is None or base64.b64encode(data) != text
    ):  # unused bits set, or padding off: another encoding
        raise VerifyError(f"{NAME}: {field} is not canonical base64")
    return data


def verify(raw: bytes, expected_type: str, key: keys.PublicKey, limits: Limits = DEFAULT) -> bytes:
    """The payload of the canonical DSSE envelope `raw`, signed by `key`; VerifyError saying what failed."""
    if len(raw) > limits.envelope_bytes:
        raise VerifyError(
            f"{NAME} is {len(raw)} bytes, over the {size(limits.envelope_bytes)} limit"
        )
    match = _CANONICAL.match(raw)
    if match is None:
        raise VerifyError(
            f"{NAME} is not the envelope launchgen writes: exactly payload, payloadType and one signature "
            "{keyid, sig}, as UTF-8 JSON indented by 2 with sorted keys (it was reformatted or changed)"
        )
    payload_b64, kind, keyid, sig_b64 = match.groups()
    payload_type, signer = kind.decode("ascii"), keyid.decode("ascii")
    if payload_type != expected_type:
        raise VerifyError(
            f"{NAME} has payloadType {printable(payload_type)!r}, expected {expected_type!r}"
        )
    payload, signature = _b64(payload_b64, "payload"), _b64(sig_b64, "signature")
    wanted = keys.key_id(key)
    if signer != wanted:
        raise VerifyError(
            f"signature does not match the given key {wanted} (bundle signed by {printable(signer)})"
        )
    if not keys.is_valid(key, signature, pae(payload_type, payload)):
        raise VerifyError(
            f"signature by {wanted} does not verify: the signed statement was altered"
        )
    return payload
