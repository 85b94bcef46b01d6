"""Tests marked ``storage`` run twice in `make test` (tests/backends.py): on the
defaults and on S3 and Redis; each run really is on the backends its name says."""

import pytest
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.core.cache.backends.redis import RedisCache
from django.core.files.storage import FileSystemStorage, default_storage


@pytest.mark.storage
def test_a_marked_test_runs_on_the_backends_its_mode_names(request, backends_mode):
    default_storage.exists("probe")  # the lazy storage made, to ask its class
    on_disk = isinstance(default_storage._wrapped, FileSystemStorage)
    on_redis = {isinstance(caches[name], RedisCache) for name in ("default", "pages")}
    on_database = {isinstance(caches[name], DatabaseCache) for name in ("default", "pages")}
    if backends_mode == "environment":  # TEST_STORAGE / TEST_CACHE: one run, as they say
        return
    assert request.node.name.endswith(f"[{backends_mode}]")
    if backends_mode == "s3-redis":
        assert not on_disk and on_redis == {True}
    else:
        assert on_disk and on_database == {True}
