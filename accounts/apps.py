from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Users and roles"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        # Groups need the permissions that exist only after migrate; keeping
        # them in step here means every database has the same roles.
        post_migrate.connect(_sync_roles, dispatch_uid="accounts.sync_roles")
        from django.contrib.auth.signals import user_logged_in

        from core.middleware import session_stamp_sign_in

        user_logged_in.connect(session_stamp_sign_in, dispatch_uid="accounts.session_stamp")


def _sync_roles(sender, **kwargs) -> None:
    # Runs after each app's migrate (idempotent), so it ends with every app's
    # permissions created.
    from accounts.services import roles_sync

    roles_sync(using=kwargs.get("using", "default"))
