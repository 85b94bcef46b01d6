"""Who may read the security log: the one authorisation rule of this app."""

from __future__ import annotations

from decisions.policy import is_records_manager

# The role another part of issue 11 adds (people and rules are managed by it); named
# here so that the page opens to it as soon as the group exists.
USER_ADMINISTRATOR_GROUP = "User administrator"


def can_view_security_log(user) -> bool:
    """Superusers, user administrators and records managers; nobody else (deny by
    default: anonymous and inactive users are refused)."""
    if not (user.is_authenticated and user.is_active):
        return False
    return (
        user.is_superuser
        or user.groups.filter(name=USER_ADMINISTRATOR_GROUP).exists()
        or is_records_manager(user)
    )
