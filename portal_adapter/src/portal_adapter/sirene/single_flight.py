"""Concurrent calls for the same key share one execution (in this process)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class _Call(Generic[T]):
    def __init__(self) -> None:
        self.done = threading.Event()
        self.result: T | None = None
        self.error: BaseException | None = None


class SingleFlight(Generic[T]):
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._calls: dict[str, _Call[T]] = {}

    def do(self, key: str, fn: Callable[[], T]) -> T:
        with self._lock:
            call = self._calls.get(key)
            leader = call is None
            if leader:
                call = self._calls[key] = _Call()
        if not leader:
            call.done.wait()
        else:
            try:
                call.result = fn()
            except BaseException as error:  # noqa: BLE001 - re-raised to every waiter
                call.error = error
            finally:
                with self._lock:
                    del self._calls[key]
                call.done.set()
        if call.error is not None:
            raise call.error
        return call.result
