"""The production settings with STATIC_ROOT taken from the environment, for the
gunicorn that tests/test_nginx.py starts: collectstatic writes to a temporary
directory instead of the checkout, copying plainly (hashing and compressing every
file takes 20 s on a busy machine, and is not what the test is about)."""

import os
from pathlib import Path

from config.settings import *  # noqa: F403
from config.settings import STORAGES

STATIC_ROOT = Path(os.environ["STATIC_ROOT"])
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
