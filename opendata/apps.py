from django.apps import AppConfig


class OpenDataConfig(AppConfig):
    """The open data surface: JSON API and its OpenAPI document, Atom feed, CSV
    downloads, sitemap. It reads both `decisions` and `funding`, so it sits above
    both (decisions never imports funding)."""

    name = "opendata"
    verbose_name = "Open data"
