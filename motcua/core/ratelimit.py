"""A small rate limiter on Django's cache: at most `count` hits per `seconds` for one key.

Fixed windows aligned on the clock (a window is `seconds` long, numbered from the epoch), one
counter per key and window that expires with it. Simple and cheap; a burst around a window's
edge can reach twice the count, which is acceptable for slowing down guessing.

The counters live in the default cache. With the local-memory cache each server process counts
on its own (several processes multiply the limits); point CACHES at a shared cache (Redis,
Memcached, the database) when the site runs more than one.

    LOOKUPS = RateLimit("lookup-ip", count=20, seconds=600)
    verdict = LOOKUPS.hit(client_ip(request))
    if not verdict.allowed:
        ... 429 with Retry-After: verdict.retry_after
"""

import hashlib
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache as default_cache
from django.core.cache.backends.base import BaseCache
from django.http import HttpRequest


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    count: int  # hits in the current window, this one included when counted
    limit: int
    retry_after: int  # seconds until the window ends (when a refused client may try again)

    @property
    def remaining(self) -> int:
        return max(self.limit - self.count, 0)


@dataclass(frozen=True)
class RateLimit:
    scope: str
    count: int
    seconds: int
    clock: Callable[[], float] = field(default=time.time, compare=False)
    cache: BaseCache | None = field(default=None, compare=False)

    def _window(self) -> tuple[int, int]:
        """The current window's number and the seconds left in it (at least 1)."""
        now = self.clock()
        number = int(now // self.seconds)
        left = math.ceil((number + 1) * self.seconds - now)
        return number, max(left, 1)

    def _key(self, ident: str, number: int) -> str:
        # Hashed: any text may identify a client, cache keys must be short and plain.
        digest = hashlib.sha256(ident.encode("utf-8")).hexdigest()[:32]
        return f"ratelimit:{self.scope}:{digest}:{number}"

    @property
    def _cache(self) -> BaseCache:
        return self.cache if self.cache is not None else default_cache

    def hit(self, ident: str) -> Verdict:
        """Count one hit for `ident`; allowed while the window's hits are at most `count`."""
        number, left = self._window()
        key = self._key(ident, number)
        cache = self._cache
        # add() is atomic where the cache supports it: the first hit of a window creates the
        # counter, the others increment it.
        if cache.add(key, 1, timeout=left + 1):
            count = 1
        else:
            try:
                count = cache.incr(key)
            except ValueError:  # expired between add() and incr()
                cache.set(key, 1, timeout=left + 1)
                count = 1
        return Verdict(count <= self.count, count, self.count, left)

    def peek(self, ident: str) -> Verdict:
        """Whether `ident` may go on, without counting a hit (for limits on failures: look
        first, count only when the attempt fails)."""
        number, left = self._window()
        count = int(self._cache.get(self._key(ident, number)) or 0)
        return Verdict(count < self.count, count, self.count, left)

    def reset(self, ident: str) -> None:
        number, _left = self._window()
        self._cache.delete(self._key(ident, number))


def trusted_proxy_count() -> int:
    """How many reverse proxies in front of the site append to X-Forwarded-For (0: none, the
    client is REMOTE_ADDR). The same number allauth is told (MOTCUA_TRUSTED_PROXY_COUNT)."""
    value: Any = getattr(settings, "MOTCUA_TRUSTED_PROXY_COUNT", None)
    if value is None:
        value = getattr(settings, "ALLAUTH_TRUSTED_PROXY_COUNT", 0)
    return int(value or 0)


def client_ip(request: HttpRequest) -> str:
    """The client's address. Behind N trusted proxies, the N-th address from the right of
    X-Forwarded-For (the one the outermost proxy saw; anything left of it is whatever the
    client sent); otherwise REMOTE_ADDR."""
    proxies = trusted_proxy_count()
    if proxies:
        chain = [
            part.strip()
            for part in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")
            if part.strip()
        ]
        if len(chain) >= proxies:
            return chain[-proxies]
    return str(request.META.get("REMOTE_ADDR", ""))
