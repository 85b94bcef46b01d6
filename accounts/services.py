from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from accounts.roles import ROLE_PERMISSIONS, Role


@transaction.atomic
def roles_sync(*, using: str = "default") -> None:
    """Make sure each role's group exists with exactly its permissions."""
    for role in Role:
        group, _ = Group.objects.using(using).get_or_create(name=role.label)
        codenames = ROLE_PERMISSIONS[role]
        permissions = Permission.objects.using(using).filter(
            content_type__app_label="decisions", codename__in=codenames
        )
        if permissions.count() == len(codenames):
            group.permissions.set(permissions)
