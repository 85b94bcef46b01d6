from django.apps import AppConfig


class FundingConfig(AppConfig):
    name = "funding"
    verbose_name = "Funding"

    def ready(self) -> None:
        # Funding builds on decisions: it plugs its money into every decision here.
        from decisions.extensions import register
        from funding.extension import FundingExtension

        register(FundingExtension())
