from django.contrib.auth.models import AbstractUser
from django.db import models

from accounts.roles import Role
from core.history import ChainedHistoricalRecords

# The longest name display_name gives: first name, a space, last name (150 each in
# AbstractUser). Records that copy a person's name hold this many characters.
PERSON_NAME_MAX_LENGTH = 150 + 1 + 150


class User(AbstractUser):
    """A person who signs in. Their job title is copied onto what they sign."""

    job_title = models.CharField(max_length=200, blank=True)
    team = models.CharField(max_length=200, blank=True)

    history = ChainedHistoricalRecords(excluded_fields=["password", "last_login"])

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username

    def has_role(self, role: Role) -> bool:
        return self.groups.filter(name=role.label).exists()
