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
    # post_migrate is sent once for each app, each time creating that app's
    # permissions: the roles are synced once, after the last app's (every flush of
    # a test database sends it too, and syncing at each app's cost 0.6 s a flush).
    from django.apps import apps

    from accounts.services import roles_sync

    with_models = [config for config in apps.get_app_configs() if config.models_module]
    if sender is with_models[-1]:
        roles_sync(using=kwargs.get("using", "default"))
