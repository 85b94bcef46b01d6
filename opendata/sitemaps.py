"""The sitemap (/sitemap.xml) on django.contrib.sitemaps: the list page, every
published decision (with the date it was published as its lastmod), and the open
data and accessibility pages."""

from __future__ import annotations

from datetime import date

from django.contrib.sitemaps import Sitemap
from django.db.models import QuerySet
from django.urls import reverse

from decisions.models import Decision
from decisions.selectors import published_decisions


class PagesSitemap(Sitemap):
    def __init__(self, *names: str) -> None:
        self.names = list(names)

    def items(self) -> list[str]:
        return self.names

    def location(self, item: str) -> str:
        return reverse(item)


class PublishedDecisionsSitemap(Sitemap):
    def items(self) -> QuerySet[Decision]:
        return published_decisions()

    def lastmod(self, item: Decision) -> date:
        return item.published_on


# In this order in the sitemap.
SITEMAPS = {
    "list": PagesSitemap("decisions:list"),
    "decisions": PublishedDecisionsSitemap(),
    "pages": PagesSitemap("open_data:index", "open_data:accessibility"),
}
