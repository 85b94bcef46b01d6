from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo data of `make run` (PCD 1406, PCD 1620 and a CEOD): it builds on
    both decisions and funding, so it is an app of its own above them."""

    name = "demo"
    verbose_name = "Demo data"
