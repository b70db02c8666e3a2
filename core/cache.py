"""The portal's cache: Django's local-memory cache without the pickling.

What the portal keeps is small in number and read-only once computed: the totals of long lists
(core/pagination.py) and the workbench's figures (home/dashboard.py, api/selectors.py). Django's
`LocMemCache` pickles each value on the way in and out so that a caller may change what it
read; the workbench's figures at city scale are a quarter of a megabyte of rows, and unpickling
them took 10 ms of every request of the workbench. This one keeps the objects themselves: every
request of the process reads the same objects, so whoever reads from it must not change them.
Like Django's, it is one store per process (each server worker computes its own figures)."""

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache


class ProcessCache(LocMemCache):
    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            if self._has_expired(key):
                self._set(key, value, timeout)
                return True
            return False

    def get(self, key, default=None, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            if self._has_expired(key):
                self._delete(key)
                return default
            value = self._cache[key]
            self._cache.move_to_end(key, last=False)
        return value

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            self._set(key, value, timeout)

    def incr(self, key, delta=1, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            if self._has_expired(key):
                self._delete(key)
                raise ValueError(f"Key '{key}' not found")
            value = self._cache[key] + delta
            self._cache[key] = value
            self._cache.move_to_end(key, last=False)
        return value
