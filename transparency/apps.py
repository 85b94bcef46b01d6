from django.apps import AppConfig


class TransparencyConfig(AppConfig):
    name = "transparency"
    verbose_name = "Transparency"

    def ready(self) -> None:
        # Transparency builds on decisions: it hears of approvals through the hook
        # decisions offers, so decisions never imports it.
        from decisions.extensions import register
        from transparency.extension import TransparencyExtension

        register(TransparencyExtension())
