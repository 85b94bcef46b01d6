"""The first two user administrators, given at the server by whoever runs it.

Every later change of roles goes through the two-person flow, which needs two user
administrators to exist: this command makes them, and only while there are fewer
than two (after that it refuses, so it is no way round the flow)."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import User
from accounts.roles import Role
from core.security_log import security_event
from governance.policy import holds_decision_role

NEEDED = 2


class Command(BaseCommand):
    help = "Give the user administrator role to a person while fewer than two hold it."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")

    @transaction.atomic
    def handle(self, *args, username: str, **options) -> None:
        group = Group.objects.select_for_update().get(name=Role.USER_ADMIN.label)
        holders = group.user_set.filter(is_active=True)
        if holders.count() >= NEEDED:
            raise CommandError(
                "There are already two user administrators: ask one of them to request the "
                "change and the other to confirm it."
            )
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"There is no active user with the sign-in name {username}.")
        if holds_decision_role(user):
            raise CommandError(
                f"{username} holds a decision role: a user administrator cannot hold one."
            )
        if user.is_superuser:
            raise CommandError(f"{username} is a superuser: choose a person without powers.")
        user.groups.add(group)
        security_event(
            "role_grant", outcome="success", user=None, subject=username, via="bootstrap"
        )
        self.stdout.write(f"{username} is now a user administrator.")
