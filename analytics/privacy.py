"""Caller pseudonymisation: caller numbers become keyed hashes (HMAC-SHA256) at ingestion.

The key comes from ``$COPIL_CALLER_KEY`` (any text; 32+ characters recommended), else
from the key file ``$COPIL_CALLER_KEY_FILE``, else ``~/.config/copil/caller.key``,
created on first use with 32 random bytes and permissions 0600. Keep the key secret
and stable: the same number gives the same ``caller_key`` only under the same key.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

BLOCK = 64  # SHA-256 block size (bytes)


def key_file() -> Path:
    configured = os.environ.get("COPIL_CALLER_KEY_FILE")
    if configured:
        return Path(configured)
    return Path.home() / ".config" / "copil" / "caller.key"


def caller_secret() -> bytes:
    """The HMAC key: from the environment, or the key file (created 0600 if absent)."""
    env = os.environ.get("COPIL_CALLER_KEY")
    if env:
        return env.encode("utf-8")
    path = key_file()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32) + "\n")
    return path.read_text(encoding="utf-8").strip().encode("utf-8")


def hmac_pads(key: bytes) -> tuple[bytes, bytes]:
    """The inner and outer pads of RFC 2104 for ``key``, as the SQL macro takes them."""
    if len(key) > BLOCK:
        key = hashlib.sha256(key).digest()
    key = key.ljust(BLOCK, b"\0")
    return bytes(b ^ 0x36 for b in key), bytes(b ^ 0x5C for b in key)


def caller_key(number: str, key: bytes) -> str:
    """Reference implementation of the SQL macro on an already normalised number."""
    return hmac.new(key, number.encode("utf-8"), hashlib.sha256).hexdigest()


def key_fingerprint(key: bytes) -> str:
    """A short public identifier of the key (to notice a key change), not the key."""
    return hashlib.sha256(b"copil-key-id:" + key).hexdigest()[:12]
