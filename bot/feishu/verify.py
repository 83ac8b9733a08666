"""Opening a Feishu webhook request safely, before the SDK sees it.

Order matters: the replay window and the signature (sha256 of timestamp + nonce + encrypt key +
raw body) are checked before anything is decrypted, so a forged body never reaches the cipher;
then the body is decrypted (AES-256-CBC, key sha256(encrypt key), IV first) and the
verification token compared. Every failure is the same `Refused` — the caller answers them all
alike, so no answer tells a padding error from a JSON one (no oracle). Feishu signs every push
except the URL verification handshake, which must carry the token and a string challenge.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

TIMESTAMP = "X-Lark-Request-Timestamp"
NONCE = "X-Lark-Request-Nonce"
SIGNATURE = "X-Lark-Signature"
URL_VERIFICATION = "url_verification"


class Refused(Exception):
    """The request is not an authentic Feishu push (the reason is for the log only)."""


@dataclass(frozen=True)
class Opened:
    """An authentic push: its plaintext JSON object, or the handshake's challenge."""

    event: dict[str, Any]
    challenge: str | None = None


def open_request(
    body: bytes,
    headers: Mapping[str, str],
    *,
    encrypt_key: str,
    verification_token: str,
    window: float,
    now: Callable[[], float] = time.time,
) -> Opened:
    """Check and open one webhook body; `Refused` for anything not authentic."""
    stamp = headers.get(TIMESTAMP)
    if stamp is not None and not _fresh(stamp, window, now()):
        raise Refused("timestamp")
    signature = headers.get(SIGNATURE)
    if encrypt_key and signature is not None:
        signed = (stamp or "") + (headers.get(NONCE) or "") + encrypt_key
        expected = hashlib.sha256(signed.encode() + body).hexdigest()
        if not hmac.compare_digest(signature.encode(), expected.encode()):
            raise Refused("signature")
    outer = _json_object(body)
    if encrypt_key:
        sealed = outer.get("encrypt")
        if not isinstance(sealed, str):
            raise Refused("not encrypted")
        event = _json_object(_decrypt(sealed, encrypt_key))
    else:
        event = outer
    kind = event.get("type")
    header = event.get("header")
    token = header.get("token") if isinstance(header, dict) else event.get("token")
    if verification_token and not (
        isinstance(token, str) and hmac.compare_digest(token, verification_token)
    ):
        raise Refused("token")
    if kind == URL_VERIFICATION:
        challenge = event.get("challenge")
        if not isinstance(challenge, str) or not 0 < len(challenge) <= 256:
            raise Refused("challenge")
        return Opened(event, challenge)
    if encrypt_key and signature is None:
        raise Refused("unsigned")  # only the handshake comes unsigned
    return Opened(event)


def _fresh(stamp: str, window: float, now: float) -> bool:
    try:
        return abs(now - float(stamp)) <= window
    except ValueError:
        return False


def _json_object(raw: bytes) -> dict[str, Any]:
    try:
        found = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise Refused("json") from None
    if not isinstance(found, dict):
        raise Refused("json")
    return found


def _decrypt(sealed: str, encrypt_key: str) -> bytes:
    try:
        data = base64.b64decode(sealed, validate=True)
    except (binascii.Error, ValueError):
        raise Refused("encoding") from None
    if len(data) < 32 or len(data) % 16:
        raise Refused("length")
    key = hashlib.sha256(encrypt_key.encode()).digest()
    decryptor = Cipher(algorithms.AES(key), modes.CBC(data[:16])).decryptor()
    padded = decryptor.update(data[16:]) + decryptor.finalize()
    unpadder = padding.PKCS7(128).unpadder()
    try:
        return unpadder.update(padded) + unpadder.finalize()
    except ValueError:
        raise Refused("padding") from None
