"""Feishu events as Feishu sends them: JSON 2.0 payloads, encrypted and signed."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import time
import uuid
from typing import Any

from Crypto.Cipher import AES

ENCRYPT_KEY = "test-encrypt-key"
VERIFICATION_TOKEN = "test-verification-token"
TENANT = "tenant-acme"


def encrypt(plaintext: bytes, key: str = ENCRYPT_KEY) -> str:
    """b64(iv16 + AES-256-CBC(key=sha256(key), PKCS7(plaintext))), as Feishu encrypts."""
    iv = os.urandom(16)
    pad = 16 - len(plaintext) % 16
    cipher = AES.new(hashlib.sha256(key.encode()).digest(), AES.MODE_CBC, iv)
    return base64.b64encode(iv + cipher.encrypt(plaintext + bytes([pad]) * pad)).decode()


def signed(
    payload: dict[str, Any], *, key: str = ENCRYPT_KEY, timestamp: float | None = None
) -> tuple[bytes, dict[str, str]]:
    """The encrypted body and the X-Lark-* headers signing it."""
    body = json.dumps({"encrypt": encrypt(json.dumps(payload).encode(), key)}).encode()
    stamp = str(int(time.time() if timestamp is None else timestamp))
    nonce = uuid.uuid4().hex
    signature = hashlib.sha256((stamp + nonce + key).encode() + body).hexdigest()
    headers = {
        "Content-Type": "application/json",
        "X-Lark-Request-Timestamp": stamp,
        "X-Lark-Request-Nonce": nonce,
        "X-Lark-Signature": signature,
    }
    return body, headers


def _header(event_type: str, event_id: str | None) -> dict[str, Any]:
    return {
        "event_id": event_id or uuid.uuid4().hex,
        "event_type": event_type,
        "create_time": str(int(time.time() * 1000)),
        "token": VERIFICATION_TOKEN,
        "app_id": "cli_test",
        "tenant_key": TENANT,
    }


def message(
    text: str,
    *,
    open_id: str,
    chat_id: str = "oc_p2p",
    chat_type: str = "p2p",
    mentions: list[dict[str, Any]] | None = None,
    event_id: str | None = None,
) -> dict[str, Any]:
    """An im.message.receive_v1 event with a text message."""
    return {
        "schema": "2.0",
        "header": _header("im.message.receive_v1", event_id),
        "event": {
            "sender": {
                "sender_id": {"open_id": open_id},
                "sender_type": "user",
                "tenant_key": TENANT,
            },
            "message": {
                "message_id": f"om_in_{uuid.uuid4().hex[:8]}",
                "create_time": str(int(time.time() * 1000)),
                "chat_id": chat_id,
                "chat_type": chat_type,
                "message_type": "text",
                "content": json.dumps({"text": text}, ensure_ascii=False),
                "mentions": mentions or [],
            },
        },
    }


def card_action(
    *,
    open_id: str,
    action_id: str,
    value: str,
    message_id: str = "om_card",
    chat_id: str = "oc_p2p",
) -> dict[str, Any]:
    """A card.action.trigger callback for a button with callback behaviour."""
    return {
        "schema": "2.0",
        "header": _header("card.action.trigger", None),
        "event": {
            "operator": {"tenant_key": TENANT, "open_id": open_id},
            "token": "c-token",
            "action": {"tag": "button", "value": {"action_id": action_id, "value": value}},
            "host": "im_message",
            "context": {"open_message_id": message_id, "open_chat_id": chat_id},
        },
    }


def menu(event_key: str, *, open_id: str) -> dict[str, Any]:
    """An application.bot.menu_v6 event."""
    return {
        "schema": "2.0",
        "header": _header("application.bot.menu_v6", None),
        "event": {
            "operator": {"operator_id": {"open_id": open_id}},
            "event_key": event_key,
            "timestamp": int(time.time()),
        },
    }


def url_verification(challenge: str) -> dict[str, Any]:
    """The challenge Feishu sends when the request URL is saved."""
    return {"challenge": challenge, "token": VERIFICATION_TOKEN, "type": "url_verification"}
