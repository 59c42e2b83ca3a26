"""Every in-process cache of the app, in one registry (STYLE.md §1.9).

Some things are worth computing once per process because they never change once
made: a published instrument version's definition, a published protocol's
versions, the items of a published questionnaire page. Each such cache is made with
:func:`process_cache`, under a name of its own and with a maximum size; once full,
the entry used longest ago goes (LRU). :func:`clear_all` empties every one of them:
tests call it when a test database reuses primary keys for other content.

These are per process and never shared: anything that must be the same for every
server (rate limits, cached reports) belongs in Django's cache framework instead.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class ProcessCache(Generic[K, V]):
    """A bounded, thread-safe mapping that forgets its least recently used entry."""

    def __init__(self, name: str, *, maxsize: int) -> None:
        if maxsize < 1:
            raise ValueError("a process cache holds at least one entry")
        self.name = name
        self.maxsize = maxsize
        self._entries: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: K) -> V | None:
        """The value cached under ``key``, or None (so None is never cached)."""
        with self._lock:
            value = self._entries.get(key)
            if value is not None:
                self._entries.move_to_end(key)
            return value

    def set(self, key: K, value: V) -> None:
        """Cache ``value`` under ``key``, forgetting the oldest entry when full."""
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.maxsize:
                self._entries.popitem(last=False)

    def get_or_set(self, key: K, make: Callable[[], V]) -> V:
        """The value under ``key``, made by ``make()`` and cached if missing.

        ``make`` runs outside the lock: two threads may both make a missing value,
        and the last one is kept (the values are equal, so either will do).
        """
        value = self.get(key)
        if value is None:
            value = make()
            self.set(key, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


_registry: dict[str, ProcessCache[Any, Any]] = {}


def process_cache(name: str, *, maxsize: int) -> ProcessCache[K, V]:
    """A new cache registered under ``name`` (each name once per process)."""
    if name in _registry:
        raise ValueError(f"process cache {name!r} is already registered")
    created: ProcessCache[K, V] = ProcessCache(name, maxsize=maxsize)
    _registry[name] = created
    return created


def registered() -> dict[str, ProcessCache[Any, Any]]:
    """The caches by name (for tests and for looking inside)."""
    return dict(_registry)


def clear_all() -> None:
    """Empty every process cache (tests whose database reuses primary keys)."""
    for cache in _registry.values():
        cache.clear()
