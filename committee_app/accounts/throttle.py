"""Login throttling with Flask-Limiter's storage (memory by default, Redis when configured).

Three sets of limits, each a ``limits`` string in the config, each counted atomically *before*
the password is checked (so 40 parallel tries cannot check more guesses than allowed):

- per client address (``LOGIN_LIMITS_PER_IP``): one password sprayed across many user names
  is slowed like many passwords against one;
- per account and address (``LOGIN_LIMITS_PER_ACCOUNT_IP``): stacked windows make the wait
  grow with the failures (5 a minute, then 10 in 10 minutes, then 20 an hour…). An attacker
  guessing from their address slows only themselves: the street officer logging in from the
  office is not locked out;
- per account from anywhere (``LOGIN_LIMITS_PER_ACCOUNT``): a ceiling for guesses spread over
  many addresses.

A successful login clears the account's counters (a user who mistyped is not held back).
Storage: ``RATELIMIT_STORAGE_URI`` or ``REDIS_URL`` (shared by every gunicorn worker), else
``memory://`` (per process).
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass

from flask import current_app
from limits import RateLimitItem, parse_many

from ..extensions import limiter


@dataclass(frozen=True)
class Refusal:
    retry_after: int  # seconds until the next try is allowed


def _limits(config_key: str) -> list[RateLimitItem]:
    return parse_many(current_app.config[config_key])


def _keys(username: str, remote_addr: str | None) -> list[tuple[str, tuple[str, ...]]]:
    name = username.strip().lower()
    addr = remote_addr or "unknown"
    return [
        ("LOGIN_LIMITS_PER_IP", ("login-ip", addr)),
        ("LOGIN_LIMITS_PER_ACCOUNT_IP", ("login-account-ip", name, addr)),
        ("LOGIN_LIMITS_PER_ACCOUNT", ("login-account", name)),
    ]


def take_attempt(username: str, remote_addr: str | None) -> Refusal | None:
    """Count one login attempt; a :class:`Refusal` (with the wait) when a limit is reached."""
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return None
    strategy = limiter.limiter
    for config_key, identifiers in _keys(username, remote_addr):
        for item in _limits(config_key):
            if not strategy.hit(item, *identifiers):
                reset_at = strategy.get_window_stats(item, *identifiers).reset_time
                return Refusal(max(1, math.ceil(reset_at - time.time())))
    return None


def forget_failures(username: str, remote_addr: str | None) -> None:
    """After a successful login: the account's counters start again (the address's stay)."""
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return
    strategy = limiter.limiter
    for config_key, identifiers in _keys(username, remote_addr)[1:]:
        for item in _limits(config_key):
            strategy.clear(item, *identifiers)
