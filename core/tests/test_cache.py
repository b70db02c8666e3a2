"""core.cache.ProcessCache: Django's local-memory cache, keeping the objects themselves."""

import time

import pytest
from django.core.cache import caches

from core.cache import ProcessCache


@pytest.fixture
def store():
    store = ProcessCache("test-process-cache", {})
    yield store
    store.clear()


def test_the_portal_uses_it():
    assert isinstance(caches["default"], ProcessCache)


def test_a_value_is_read_back_as_the_same_object_until_it_expires(store, monkeypatch):
    figures = {"rows": [object()]}
    store.set("figures", figures, 60)
    assert store.get("figures") is figures
    assert store.get("missing", "default") == "default"
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + 61)
    assert store.get("figures") is None
    assert not store.has_key("figures")


def test_add_incr_delete_and_clear_as_django_documents_them(store):
    assert store.add("count", 5, 60)
    assert not store.add("count", 9, 60)
    assert store.incr("count", 2) == 7
    assert store.get("count") == 7
    with pytest.raises(ValueError):
        store.incr("nothing")
    assert store.delete("count")
    store.set_many({"a": 1, "b": [2]})
    assert store.get_many(["a", "b", "c"]) == {"a": 1, "b": [2]}
    store.clear()
    assert store.get("a") is None


def test_values_that_cannot_be_pickled_are_kept_too(store):
    value = lambda: "kept"  # noqa: E731 (Django's local-memory cache refuses a lambda)
    store.set("callable", value)
    assert store.get("callable")() == "kept"
