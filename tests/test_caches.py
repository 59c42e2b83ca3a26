"""questionnaires/caches.py: one registry of bounded process caches."""

from __future__ import annotations

import pytest

from questionnaires import caches, selectors
from questionnaires.bank import convert
from questionnaires.views import page_items

CACHING_MODULES = (convert, selectors, page_items)


def test_a_full_cache_forgets_the_entry_used_longest_ago() -> None:
    cache: caches.ProcessCache[str, int] = caches.ProcessCache("t", maxsize=2)
    cache.set("a", 1)
    cache.set("b", 2)
    assert cache.get("a") == 1  # "b" is now the least recently used
    cache.set("c", 3)
    assert (cache.get("a"), cache.get("b"), cache.get("c")) == (1, None, 3)
    assert len(cache) == 2


def test_get_or_set_makes_a_missing_value_once() -> None:
    cache: caches.ProcessCache[str, list[int]] = caches.ProcessCache("t", maxsize=4)
    made: list[int] = []

    def make() -> list[int]:
        made.append(1)
        return [len(made)]

    assert cache.get_or_set("k", make) == [1]
    assert cache.get_or_set("k", make) == [1]
    assert made == [1]


def test_clear_all_empties_every_registered_cache() -> None:
    registered = caches.registered()
    # The app's own caches, registered when their modules are imported.
    assert {
        "published_definitions",
        "published_protocols",
        "published_page_fields",
        "published_item_html",
    } <= set(registered)
    for name, cache in registered.items():
        cache.set(("test", name), object())
    caches.clear_all()
    assert all(len(cache) == 0 for cache in caches.registered().values())


def test_a_name_is_registered_once_and_a_cache_holds_something() -> None:
    with pytest.raises(ValueError, match="already registered"):
        caches.process_cache("published_definitions", maxsize=1)
    with pytest.raises(ValueError, match="at least one"):
        caches.ProcessCache("empty", maxsize=0)
