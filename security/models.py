from django.db import models


class SecurityEvent(models.Model):
    """One line of the security log, kept for the records-integrity page.

    Append-only: a PostgreSQL trigger refuses UPDATE and DELETE (migration 0002).
    The user is the username as text, not a foreign key: the log must outlive the
    account, and it is written on a connection of its own that cannot see rows of
    the transaction being refused (see security/store.py).
    """

    time = models.DateTimeField(db_index=True)
    action = models.CharField(max_length=64)
    outcome = models.CharField(max_length=16)
    user = models.CharField(max_length=200, blank=True)
    address = models.CharField(max_length=64, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-time", "-id"]
        indexes = [
            models.Index(fields=["action", "outcome", "-time"], name="security_action_outcome")
        ]

    def __str__(self) -> str:
        return f"{self.time:%Y-%m-%d %H:%M:%S} {self.action} {self.outcome} {self.user}"
