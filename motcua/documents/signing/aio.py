"""pyHanko's asynchronous API from synchronous code.

pyHanko's own synchronous wrappers call `asyncio.run`, which fails in a thread whose event loop
is already running (an ASGI server, a test driving a browser through Playwright's sync API).
`run` starts a fresh loop in that case in a short-lived thread of its own; the coroutine must
not use the database (a thread has its own connection)."""

import asyncio
import concurrent.futures
from collections.abc import Coroutine
from typing import Any, TypeVar

from django.utils import translation

T = TypeVar("T")


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    """The result of `coroutine`, run to completion on a loop of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    language = translation.get_language()  # the messages in the caller's language

    def in_thread() -> T:
        with translation.override(language):
            return asyncio.run(coroutine)

    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(in_thread).result()
