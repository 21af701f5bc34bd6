"""Users, roles and the server-side access guard of the dashboard.

Users live in a JSON file (mode 0600) holding, per user name, a role and a salted
password hash from :mod:`werkzeug.security` (scrypt). Roles decide which pages,
callbacks and downloads a session may use; the guard runs in the server, so hiding
a link is never the only protection.
"""

from __future__ import annotations

import json
import os
import secrets
import threading
from collections.abc import Callable
from functools import wraps
from pathlib import Path

from werkzeug.security import check_password_hash, generate_password_hash

ROLES = ("client", "provider", "planner", "admin")

# Which roles may use each page. Component ids are prefixed with the page name, so the
# same table decides which callback outputs a session may ask for.
PAGE_ROLES: dict[str, frozenset[str]] = {
    "weekly": frozenset({"client", "provider", "admin"}),
    "quarterly": frozenset({"client", "provider", "admin"}),
    "planning": frozenset({"provider", "planner", "admin"}),
    "data": frozenset({"admin"}),
}
# Finer grants inside a page (longest matching id prefix wins): agent-level detail is
# for the provider's side only.
ID_PREFIX_ROLES: dict[str, frozenset[str]] = {
    **{f"{page}-": roles for page, roles in PAGE_ROLES.items()},
    "weekly-agent": frozenset({"provider", "admin"}),
    "app-": frozenset(ROLES),  # the shell: filters store, navigation
    "_pages_": frozenset(ROLES),  # Dash's own page router (layouts check roles themselves)
}
DOWNLOAD_ROLES: dict[str, frozenset[str]] = {
    "quarterly-report": PAGE_ROLES["quarterly"],
    "weekly-report": PAGE_ROLES["weekly"],
    "planning-requirements": PAGE_ROLES["planning"],
    "planning-shifts": PAGE_ROLES["planning"],
}

DEMO_USERS = (("client", "client"), ("provider", "provider"), ("planner", "planner"),
              ("admin", "admin"))

_lock = threading.Lock()


def _validate_role(role: str) -> str:
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)} (got {role!r})")
    return role


def _validate_name(name: str) -> str:
    if not name or not name.replace("-", "").replace("_", "").replace(".", "").isalnum():
        raise ValueError(
            f"user name must be letters, digits, '-', '_' or '.' (got {name!r})")
    return name


def _write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` readable by its owner only (0600), atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def load_users(path: str | Path) -> dict[str, dict[str, str]]:
    """Users in ``path`` as ``{name: {"role": ..., "password_hash": ...}}`` ({} if absent)."""
    path = Path(path)
    if not path.exists():
        return {}
    data = json.loads(path.read_text(encoding="utf-8") or "{}")
    users = data.get("users", {})
    if not isinstance(users, dict):
        raise ValueError(f"{path}: 'users' must be a mapping of name to role and hash")
    return users


def save_users(path: str | Path, users: dict[str, dict[str, str]]) -> None:
    _write_private(Path(path), json.dumps({"users": users}, indent=1, sort_keys=True) + "\n")


def add_user(path: str | Path, name: str, role: str, password: str) -> None:
    """Create or replace user ``name`` with ``role``; the password is stored salted and hashed."""
    _validate_name(name)
    _validate_role(role)
    if len(password) < 4:
        raise ValueError("password must have at least 4 characters")
    with _lock:
        users = load_users(path)
        users[name] = {"role": role, "password_hash": generate_password_hash(password)}
        save_users(path, users)


def remove_user(path: str | Path, name: str) -> bool:
    """Delete user ``name``; True if it existed."""
    with _lock:
        users = load_users(path)
        found = users.pop(name, None) is not None
        if found:
            save_users(path, users)
    return found


def list_users(path: str | Path) -> list[tuple[str, str]]:
    """``(name, role)`` pairs, sorted by name."""
    return sorted((name, u["role"]) for name, u in load_users(path).items())


def check_user(path: str | Path, name: str, password: str) -> str | None:
    """The user's role when ``password`` is right, else None."""
    user = load_users(path).get(name)
    if user is None:
        # Hash anyway so a wrong name takes as long as a wrong password.
        check_password_hash(generate_password_hash("x"), password)
        return None
    if not check_password_hash(user["password_hash"], password):
        return None
    return user["role"]


def ensure_demo_users(users_path: str | Path) -> list[tuple[str, str, str | None]]:
    """Create the demo accounts (one per role) missing from ``users_path``; never change one.

    Returns ``(name, role, password)`` per demo account; for an account that already
    existed, its role, and the password only if it still is the demo one (else None).
    """
    existing = load_users(users_path)
    accounts = []
    for name, role in DEMO_USERS:
        password = f"{name}-demo"
        if name not in existing:
            add_user(users_path, name, role, password)
            accounts.append((name, role, password))
        else:
            role_now = existing[name]["role"]
            works = check_user(users_path, name, password) == role_now
            accounts.append((name, role_now, password if works else None))
    return accounts


def load_secret_key(path: str | Path) -> bytes:
    """The session-signing key stored in ``path``; generated (32 random bytes, 0600) if absent."""
    path = Path(path)
    if path.exists():
        mode = path.stat().st_mode & 0o777
        if mode & 0o077:
            os.chmod(path, 0o600)
        key = bytes.fromhex(path.read_text(encoding="utf-8").strip())
        if len(key) < 16:
            raise ValueError(f"{path}: secret key too short; delete the file to regenerate it")
        return key
    key = secrets.token_bytes(32)
    _write_private(path, key.hex() + "\n")
    return key


def role_allowed_for_id(role: str | None, component_id: str) -> bool:
    """May a session with ``role`` update the component ``component_id``?

    The longest prefix in :data:`ID_PREFIX_ROLES` decides; an id no prefix matches is refused.
    """
    if role is None:
        return False
    best = ""
    for prefix in ID_PREFIX_ROLES:
        if component_id.startswith(prefix) and len(prefix) > len(best):
            best = prefix
    return bool(best) and role in ID_PREFIX_ROLES[best]


def allowed_pages(role: str | None) -> list[str]:
    return [page for page, roles in PAGE_ROLES.items() if role in roles]


def current_role() -> str | None:
    """The signed-in user's role in this request (None when anonymous)."""
    from flask_login import current_user

    if not current_user or not current_user.is_authenticated:
        return None
    return current_user.role


def require_download(name: str) -> Callable:
    """Decorator for a Flask download view: 401 when anonymous, 403 for a role not allowed."""
    roles = DOWNLOAD_ROLES[name]

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def guarded(*args, **kwargs):
            from flask import abort

            role = current_role()
            if role is None:
                abort(401)
            if role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return guarded

    return decorate
