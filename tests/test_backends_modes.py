"""Tests marked ``storage`` run twice in `make test` (tests/backends.py): on the
defaults and on S3 and Redis; each run really is on the backends its name says."""

import pytest
from django.core.cache import caches
from django.core.files.storage import FileSystemStorage, default_storage


@pytest.mark.storage
def test_a_marked_test_runs_on_the_backends_its_mode_names(request, backends_mode):
    default_storage.exists("probe")  # the lazy storage made, to ask its class
    on_disk = isinstance(default_storage._wrapped, FileSystemStorage)
    cache_classes = {caches[name].__class__.__name__ for name in ("default", "pages")}
    if backends_mode == "environment":  # TEST_STORAGE / TEST_CACHE: one run, as they say
        return
    assert request.node.name.endswith(f"[{backends_mode}]")
    if backends_mode == "s3-redis":
        assert not on_disk and cache_classes == {"RedisCache"}
    else:
        assert on_disk and cache_classes == {"DatabaseCache"}
