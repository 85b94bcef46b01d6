from django.apps import AppConfig


class SecurityConfig(AppConfig):
    """The security log's store and page, and the sign-in events that feed it."""

    name = "security"
    verbose_name = "Security log"

    def ready(self) -> None:
        from security import signals

        signals.connect()
