"""The production settings (DEBUG off; database, Redis and S3 from the environment)
for the gunicorn instances of tests/test_two_instances.py, less what needs HTTPS or
collectstatic: cookies go over plain HTTP on loopback, static files are not served
(no page of the test needs them), and emails are written to EMAIL_FILE_PATH."""

import os

from config.settings import *  # noqa: F403
from config.settings import STORAGES

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", "")
