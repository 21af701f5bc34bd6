"""Caller pseudonymisation: caller numbers become keyed hashes (HMAC-SHA256) at ingestion.

The key comes from ``$COPIL_CALLER_KEY``, else from the key file ``$COPIL_CALLER_KEY_FILE``,
else ``~/.config/copil/caller.key``, created on first use with 32 random bytes (64 hex
characters) and permissions 0600. A key must hold at least :data:`MIN_KEY_BYTES` bytes
(make one with :data:`MAKE_KEY`); a key file readable by others gives a warning. Keep the
key secret and stable: the same number gives the same ``caller_key`` only under the same
key, so a warehouse refuses a key whose fingerprint differs from the one it was built with
(``settings.caller_key_id``).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import warnings
from pathlib import Path

BLOCK = 64  # SHA-256 block size (bytes)
#: Least key material accepted (bytes): below it, every number's key can be tried offline.
MIN_KEY_BYTES = 32
#: A shell command that makes a good key (64 hex characters, 32 random bytes).
MAKE_KEY = "python3 -c 'import secrets; print(secrets.token_hex(32))'"


class CallerKeyError(ValueError):
    """The caller key is unusable (too short, or not the key this warehouse was built with)."""


class KeyFilePermissionWarning(UserWarning):
    """The caller key file can be read or written by other users."""


def key_file() -> Path:
    configured = os.environ.get("COPIL_CALLER_KEY_FILE")
    if configured:
        return Path(configured)
    return Path.home() / ".config" / "copil" / "caller.key"


def key_origin() -> str:
    """Where :func:`caller_secret` takes the key from, for messages."""
    if os.environ.get("COPIL_CALLER_KEY") is not None:
        return "$COPIL_CALLER_KEY"
    return f"key file {key_file()}"


def caller_secret() -> bytes:
    """The HMAC key: from the environment, or the key file (created 0600 if absent).

    Raises :class:`CallerKeyError` for a key shorter than :data:`MIN_KEY_BYTES` bytes;
    warns (:class:`KeyFilePermissionWarning`) when the key file is open to other users.
    """
    env = os.environ.get("COPIL_CALLER_KEY")
    if env is not None:
        return _checked(env.encode("utf-8"), "$COPIL_CALLER_KEY")
    path = key_file()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32) + "\n")
    mode = path.stat().st_mode & 0o777
    if mode & 0o077:
        warnings.warn(
            f"caller key file {path} is open to other users (mode {mode:04o}): anyone who reads "
            f"it can recover caller numbers from the warehouse. Run: chmod 600 {path}",
            KeyFilePermissionWarning, stacklevel=2)
    return _checked(path.read_text(encoding="utf-8").strip().encode("utf-8"), f"key file {path}")


def _checked(key: bytes, origin: str) -> bytes:
    if len(key) < MIN_KEY_BYTES:
        raise CallerKeyError(
            f"the caller key from {origin} has {len(key)} bytes; at least {MIN_KEY_BYTES} are "
            f"needed (with a short key every phone number can be tried against the pseudonyms "
            f"in seconds). Make one with: {MAKE_KEY} and put it in the key file (mode 0600) or "
            f"in $COPIL_CALLER_KEY.")
    return key


def check_key(known_fingerprint: str | None, key: bytes) -> None:
    """Refuse ``key`` when the warehouse was built with another key.

    ``known_fingerprint`` is the warehouse's ``settings.caller_key_id`` (None for a warehouse
    without caller keys yet, which takes any key).
    """
    fingerprint = key_fingerprint(key)
    if known_fingerprint is not None and known_fingerprint != fingerprint:
        raise CallerKeyError(
            f"this warehouse's caller keys were made with the key of fingerprint "
            f"{known_fingerprint}, but the key from {key_origin()} has fingerprint {fingerprint}: "
            f"loading with it would give the same caller two unrelated pseudonyms. Use the "
            f"original key ($COPIL_CALLER_KEY or $COPIL_CALLER_KEY_FILE); if it is lost, load "
            f"every file again into a new warehouse (--db NEW_FILE) with the new key.")


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
