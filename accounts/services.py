from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q

from accounts.roles import ROLE_PERMISSIONS, Role


@transaction.atomic
def roles_sync(*, using: str = "default") -> None:
    """Make sure each role's group exists with exactly its permissions."""
    for role in Role:
        group, _ = Group.objects.using(using).get_or_create(name=role.label)
        wanted = Q(pk__in=[])
        for name in ROLE_PERMISSIONS[role]:
            app_label, codename = name.split(".")
            wanted |= Q(content_type__app_label=app_label, codename=codename)
        group.permissions.set(Permission.objects.using(using).filter(wanted))
