from django.apps import AppConfig


class DecisionsConfig(AppConfig):
    name = "decisions"
    verbose_name = "Decisions"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        # Reference series are set-up data every database needs (also after a
        # test flush), so they are ensured after each migrate, like the roles.
        post_migrate.connect(_ensure_reference_data, sender=self, dispatch_uid="decisions.types")


def _ensure_reference_data(sender, **kwargs) -> None:
    from decisions.services.setup import decision_types_ensure

    decision_types_ensure(using=kwargs.get("using", "default"))
