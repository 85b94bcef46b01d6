"""The links in alert emails: signed (SECRET_KEY), naming the subscription and its
random key. A confirmation link expires; an unsubscribe link works as long as the
subscription exists (a deleted one's key is gone with it)."""

from __future__ import annotations

import datetime as dt

from django.core import signing

from alerts.models import Subscription

# How long a visitor has to confirm; unconfirmed requests are deleted after it.
CONFIRM_WITHIN = dt.timedelta(hours=48)
_CONFIRM_SALT = "alerts.confirm"
_UNSUBSCRIBE_SALT = "alerts.unsubscribe"


def confirm_token(subscription: Subscription) -> str:
    return signing.dumps([subscription.pk, subscription.key], salt=_CONFIRM_SALT, compress=True)


def unsubscribe_token(subscription: Subscription) -> str:
    return signing.dumps([subscription.pk, subscription.key], salt=_UNSUBSCRIBE_SALT, compress=True)


def _read(token: str, *, salt: str, max_age: dt.timedelta | None) -> tuple[int, str] | None:
    try:
        pk, key = signing.loads(token, salt=salt, max_age=max_age)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(pk, int) or not isinstance(key, str):
        return None
    return pk, key


def read_confirm_token(token: str) -> tuple[int, str] | None:
    """(subscription id, key) of a valid, unexpired confirmation link, else None."""
    return _read(token, salt=_CONFIRM_SALT, max_age=CONFIRM_WITHIN)


def read_unsubscribe_token(token: str) -> tuple[int, str] | None:
    return _read(token, salt=_UNSUBSCRIBE_SALT, max_age=None)
