"""The demo's second factor: each demo user who needs one (the Chief Executive, the
DMPC, the records manager, and any user administrator or superuser present) is
enrolled with a fixed key derived from their username, so that anyone running the
demo can compute their codes (`manage.py demo_codes`). Demo only: load_demo and
demo_codes refuse to run with DEBUG off, and a key anyone can derive protects nothing.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from django.db.models import Q
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from accounts.second_factor import (
    SECOND_FACTOR_GROUPS,
    confirmed_device,
    second_factor_device_set,
    second_factor_required,
    secret_for_typing,
)

# Clearly not a secret: the demo's keys are this text and the username, hashed.
DEMO_KEY_SEED = "decision-records DEMO ONLY second factor key for "


def demo_key(username: str) -> str:
    """The demo's fixed key for this username: 20 bytes, hex (as django-otp stores it)."""
    return hashlib.sha1((DEMO_KEY_SEED + username).encode(), usedforsecurity=False).hexdigest()


def demo_second_factors_enrol() -> list[User]:
    """Enrol each user who needs a second factor and has no device yet; a user who
    already has one keeps it. Returns the users enrolled now."""
    enrolled = []
    candidates = User.objects.filter(
        Q(is_superuser=True) | Q(groups__name__in=SECOND_FACTOR_GROUPS)
    ).distinct()
    for user in candidates.order_by("username"):
        if second_factor_required(user) and confirmed_device(user) is None:
            second_factor_device_set(user=user, key=demo_key(user.username))
            enrolled.append(user)
    return enrolled


@dataclass(frozen=True)
class DemoCode:
    username: str
    roles: str
    code: str
    seconds_left: int
    secret: str


def demo_codes(now: float | None = None) -> list[DemoCode]:
    """The current code of every user whose device holds their demo key (never of a
    user who set up their own app)."""
    now = time.time() if now is None else now
    codes = []
    devices = TOTPDevice.objects.filter(confirmed=True).select_related("user")
    for device in devices.order_by("user__username"):
        if device.key != demo_key(device.user.username):
            continue
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        totp.time = now
        roles = ", ".join(device.user.groups.order_by("name").values_list("name", flat=True))
        codes.append(
            DemoCode(
                username=device.user.username,
                roles=roles or ("Superuser" if device.user.is_superuser else ""),
                code=f"{totp.token():0{device.digits}d}",
                seconds_left=device.step - int(now - device.t0) % device.step,
                secret=secret_for_typing(device),
            )
        )
    return codes
