"""Users, roles, sessions, log-in throttling and the server-side access guard of the dashboard.

Users live in a JSON file (mode 0600, written to a fresh temporary file and renamed into
place, never through a symbolic link) holding, per user name, a role, a salted password
hash from :mod:`werkzeug.security` (scrypt) and a session *epoch*: a random token every
session of that user carries, replaced at log-out and on a password change, so copied
session cookies stop working then (and when the user is removed). Roles decide which
pages, callbacks and downloads a session may use; the guard runs in the server, so
hiding a link is never the only protection.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import stat
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from functools import wraps
from pathlib import Path

from werkzeug.security import check_password_hash, generate_password_hash

ROLES = ("client", "provider", "planner", "admin")
MIN_PASSWORD_LENGTH = 12
MIN_SECRET_KEY_BYTES = 32
MAKE_KEY_HINT = "python -c 'import secrets; print(secrets.token_hex(32))'"

# Which roles may use each page. Component ids are prefixed with the page name, so the
# same table decides which callback outputs a session may ask for.
PAGE_ROLES: dict[str, frozenset[str]] = {
    "weekly": frozenset({"client", "provider", "admin"}),
    "quarterly": frozenset({"client", "provider", "admin"}),
    "planning": frozenset({"provider", "planner", "admin"}),
    # the day's shared indicators and projection for every role; its staffing detail below
    "intraday": frozenset(ROLES),
    "data": frozenset({"admin"}),
}
# Finer grants inside a page (longest matching id prefix wins): agent-level detail is
# for the provider's side only.
ID_PREFIX_ROLES: dict[str, frozenset[str]] = {
    **{f"{page}-": roles for page, roles in PAGE_ROLES.items()},
    "weekly-agent": frozenset({"provider", "admin"}),
    # starting the background shift plan writes a plan version: planners only
    "planning-shifts-": frozenset({"provider", "planner", "admin"}),
    # advisors required / planned / logged in: the provider's side only
    "intraday-staffing": frozenset({"provider", "planner", "admin"}),
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

log = logging.getLogger(__name__)
_lock = threading.Lock()
_warned: set[tuple[str, int]] = set()


class LoginBusy(RuntimeError):
    """Too many log-ins are being checked at once (each costs a 32 MiB scrypt)."""


def _validate_role(role: str) -> str:
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)} (got {role!r})")
    return role


def _validate_name(name: str) -> str:
    if not name or not name.replace("-", "").replace("_", "").replace(".", "").isalnum():
        raise ValueError(
            f"user name must be letters, digits, '-', '_' or '.' (got {name!r})")
    return name


def validate_password(password: str) -> str:
    """``password`` when long enough (:data:`MIN_PASSWORD_LENGTH` characters), else ValueError."""
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise ValueError(f"password must have at least {MIN_PASSWORD_LENGTH} characters "
                         f"(got {len(password or '')}); a few unrelated words make a good one")
    return password


def _write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` readable by its owner only (0600), atomically.

    The text goes to a new file with an unpredictable name (``O_EXCL | O_NOFOLLOW``: an
    existing file or symbolic link there is never written through), then replaces ``path``
    by a rename (which replaces a symbolic link at ``path`` rather than following it).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(tmp, flags, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def read_private(path: str | Path, what: str) -> str | None:
    """The text of a file only its owner should read (users file, key files); None if absent.

    A symbolic link is refused, so is a file others may write; a file others may read is
    made 0600 again with a warning in the log (once per file and mode).
    """
    path = Path(path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except FileNotFoundError:
        return None
    except OSError as exc:
        if path.is_symlink():
            raise ValueError(f"{path}: the {what} is a symbolic link; replace it with the "
                             "file itself (mode 0600)") from None
        raise ValueError(f"{path}: cannot read the {what} ({exc.strerror})") from None
    with os.fdopen(fd, "r", encoding="utf-8") as fh:
        mode = stat.S_IMODE(os.fstat(fh.fileno()).st_mode)
        if mode & 0o022:
            raise ValueError(f"{path}: the {what} can be written by other users (mode "
                             f"{mode:04o}); fix it with 'chmod 600 {path}' and check its content")
        if mode & 0o044:
            if (str(path), mode) not in _warned:
                _warned.add((str(path), mode))
                log.warning("%s: the %s was readable by other users (mode %04o); "
                            "set to 0600", path, what, mode)
            os.fchmod(fh.fileno(), 0o600)
        return fh.read()


def load_users(path: str | Path) -> dict[str, dict[str, str]]:
    """Users in ``path`` as ``{name: {"role", "password_hash", "epoch"}}`` ({} if absent)."""
    path = Path(path)
    text = read_private(path, "users file")
    if text is None:
        return {}
    data = json.loads(text or "{}")
    users = data.get("users", {})
    if not isinstance(users, dict):
        raise ValueError(f"{path}: 'users' must be a mapping of name to role and hash")
    return users


def save_users(path: str | Path, users: dict[str, dict[str, str]]) -> None:
    _write_private(Path(path), json.dumps({"users": users}, indent=1, sort_keys=True) + "\n")


def add_user(path: str | Path, name: str, role: str, password: str) -> None:
    """Create or replace user ``name`` with ``role``; the password is stored salted and hashed.

    Replacing a user (new password or role) ends its open sessions.
    """
    _validate_name(name)
    _validate_role(role)
    validate_password(password)
    with _lock:
        users = load_users(path)
        users[name] = {"role": role, "password_hash": generate_password_hash(password),
                       "epoch": secrets.token_hex(8)}
        save_users(path, users)


def remove_user(path: str | Path, name: str) -> bool:
    """Delete user ``name`` (its sessions end with it); True if it existed."""
    with _lock:
        users = load_users(path)
        found = users.pop(name, None) is not None
        if found:
            save_users(path, users)
    return found


def end_sessions(path: str | Path, name: str) -> None:
    """End every session of user ``name`` (log-out): a new epoch makes old cookies invalid."""
    with _lock:
        users = load_users(path)
        if name in users:
            users[name]["epoch"] = secrets.token_hex(8)
            save_users(path, users)


def session_epoch(user: dict[str, str]) -> str:
    """The epoch a valid session of ``user`` (a record from :func:`load_users`) carries."""
    return str(user.get("epoch", ""))


def list_users(path: str | Path) -> list[tuple[str, str]]:
    """``(name, role)`` pairs, sorted by name."""
    return sorted((name, u["role"]) for name, u in load_users(path).items())


_dummy_hash: list[str] = []
# At most this many password hashes at once: each scrypt holds 32 MiB.
_HASH_SLOTS = threading.BoundedSemaphore(2)


def _hash_slot(timeout_s: float = 10.0):
    if not _HASH_SLOTS.acquire(timeout=timeout_s):
        raise LoginBusy("too many log-ins are being checked at once; try again in a moment")
    return _HASH_SLOTS


def check_user(path: str | Path, name: str, password: str) -> str | None:
    """The user's role when ``password`` is right, else None.

    An unknown name costs the same work as a wrong password (one scrypt check against a
    hash made once), so timing does not tell which names exist. At most two checks run at
    once (:class:`LoginBusy` after 10 s of waiting), bounding the memory scrypt takes.
    """
    user = load_users(path).get(name)
    slot = _hash_slot()
    try:
        if user is None:
            if not _dummy_hash:
                _dummy_hash.append(generate_password_hash(secrets.token_hex(16)))
            check_password_hash(_dummy_hash[0], password)
            return None
        if not check_password_hash(user["password_hash"], password):
            return None
    finally:
        slot.release()
    return user["role"]


class LoginThrottle:
    """Failed log-ins counted per user name and per client address over a sliding window.

    Parameters
    ----------
    per_user : failures allowed per user name within ``window_s``.
    per_address : failures allowed per client address within ``window_s``.
    window_s : window length, seconds.
    max_keys : names and addresses remembered (the oldest are forgotten first).
    """

    def __init__(self, *, per_user: int = 5, per_address: int = 20, window_s: float = 900.0,
                 max_keys: int = 10_000, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_user = per_user
        self.per_address = per_address
        self.window_s = window_s
        self.max_keys = max_keys
        self.clock = clock
        self._failures: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def _keys(name: str, address: str) -> tuple[str, str]:
        return "user:" + name.strip().lower()[:200], "addr:" + (address or "-")

    def _wait(self, key: str, limit: int, now: float) -> float:
        times = self._failures.get(key)
        if not times:
            return 0.0
        while times and now - times[0] >= self.window_s:
            times.popleft()
        if len(times) < limit:
            return 0.0
        return self.window_s - (now - times[-limit])

    def retry_after(self, name: str, address: str) -> tuple[float, str]:
        """``(seconds to wait, "user" | "address")``; ``(0, "")`` when a try is allowed."""
        user_key, addr_key = self._keys(name, address)
        now = self.clock()
        with self._lock:
            for key, limit, which in ((addr_key, self.per_address, "address"),
                                      (user_key, self.per_user, "user")):
                wait = self._wait(key, limit, now)
                if wait > 0:
                    return wait, which
        return 0.0, ""

    def failed(self, name: str, address: str) -> None:
        now = self.clock()
        with self._lock:
            for key in self._keys(name, address):
                self._failures.setdefault(key, deque(maxlen=max(self.per_user,
                                                                self.per_address))).append(now)
                self._failures.move_to_end(key)
            while len(self._failures) > self.max_keys:
                self._failures.popitem(last=False)

    def succeeded(self, name: str) -> None:
        with self._lock:
            self._failures.pop(self._keys(name, "")[0], None)


def ensure_demo_users(users_path: str | Path) -> list[tuple[str, str, str | None]]:
    """Create the demo accounts (one per role) missing from ``users_path``; never change one.

    Returns ``(name, role, password)`` per demo account; for an account that already
    existed, its role, and the password only if it still is the demo one (else None).
    """
    existing = load_users(users_path)
    accounts = []
    for name, role in DEMO_USERS:
        password = f"{name}-demo-only"
        if name not in existing:
            add_user(users_path, name, role, password)
            accounts.append((name, role, password))
        else:
            role_now = existing[name]["role"]
            works = check_user(users_path, name, password) == role_now
            accounts.append((name, role_now, password if works else None))
    return accounts


def parse_secret_key(hex_text: str, source: str) -> bytes:
    """The signing key written as hex in ``source``; at least 32 bytes, else ValueError."""
    try:
        key = bytes.fromhex(hex_text.strip())
    except ValueError:
        raise ValueError(f"{source}: the secret key must be hexadecimal; make one with "
                         f"{MAKE_KEY_HINT}") from None
    if len(key) < MIN_SECRET_KEY_BYTES:
        raise ValueError(f"{source}: the secret key has {len(key)} bytes, at least "
                         f"{MIN_SECRET_KEY_BYTES} are needed; make one with {MAKE_KEY_HINT}")
    return key


def load_secret_key(path: str | Path) -> bytes:
    """The session-signing key stored in ``path``; generated (32 random bytes, 0600) if absent.

    A key file others may read is made 0600 again, with a warning in the log.
    """
    path = Path(path)
    text = read_private(path, "secret key file")
    if text is not None:
        return parse_secret_key(text, f"{path} (delete the file to have a new key made, "
                                      "or write one)")
    key = secrets.token_bytes(MIN_SECRET_KEY_BYTES)
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


def require_role_for(component_id: str) -> None:
    """Stop a callback (HTTP 403) unless the signed-in role may update ``component_id``.

    Called first thing by callbacks not open to every role, in addition to the guard in
    front of all callback requests (:mod:`dashboards.app`).
    """
    if not role_allowed_for_id(current_role(), component_id):
        from flask import abort

        abort(403)


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
