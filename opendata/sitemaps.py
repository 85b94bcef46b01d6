"""The sitemap on django.contrib.sitemaps: /sitemap.xml is an index of section files
(/sitemap-list.xml, /sitemap-decisions.xml, /sitemap-pages.xml), each paginated at
`limit` URLs a file (`?p=2`...; the index lists every page). Every published
decision is listed with the date it was published as its lastmod.

At 100,000 decisions the decisions' section reads only what a URL and a lastmod
need (a values() row, not a Decision with its ~40 KB search columns), and its latest
lastmod for the index is one aggregate, not a walk over every row.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Max, QuerySet
from django.urls import reverse

from decisions.selectors import published_decisions
from opendata.selectors import published_on_expression

# URLs in one file. The protocol allows 50,000; rendering a URL costs tens of
# microseconds in a Django template, so 10,000 keeps every file well within a second
# (and crawlers fetch the index's files one by one anyway). settings.SITEMAP_LIMIT,
# if set, changes it (tests prove the pagination with a few decisions), never past
# the protocol's 50,000.
PROTOCOL_LIMIT = 50_000
SITEMAP_LIMIT = 10_000


class LimitedSitemap(Sitemap):
    @property
    def limit(self) -> int:
        return min(getattr(settings, "SITEMAP_LIMIT", SITEMAP_LIMIT), PROTOCOL_LIMIT)


class PagesSitemap(LimitedSitemap):
    def __init__(self, *names: str) -> None:
        self.names = list(names)

    def items(self) -> list[str]:
        return self.names

    def location(self, item: str) -> str:
        return reverse(item)


class PublishedDecisionsSitemap(LimitedSitemap):
    def items(self) -> QuerySet:
        # In the order they were added (primary key): a new decision goes at the end,
        # so earlier files keep their URLs and crawlers see them unchanged.
        return (
            published_decisions()
            .order_by("pk")
            .values_list("decision_type__code", "reference_number")
            .annotate(published_on=published_on_expression())
        )

    def location(self, item: tuple[str, int, dt.date]) -> str:
        code, number, _ = item
        return self._detail_url(f"{code.lower()}-{number}")

    def lastmod(self, item: tuple[str, int, dt.date]) -> dt.date:
        return item[2]

    def get_latest_lastmod(self) -> dt.date | None:
        return published_decisions().aggregate(latest=Max(published_on_expression()))["latest"]

    def _detail_url(self, slug: str) -> str:
        # reverse() once per file, not 50,000 times: the detail URL with a marker slug,
        # split around it (tests compare every location with get_absolute_url()).
        if not hasattr(self, "_url_parts"):
            self._url_parts = reverse("decisions:detail", kwargs={"slug": "x-0"}).split("x-0")
        prefix, suffix = self._url_parts
        return f"{prefix}{slug}{suffix}"


# In this order in the index.
SITEMAPS: dict[str, Any] = {
    "list": PagesSitemap("decisions:list"),
    "decisions": PublishedDecisionsSitemap,
    "pages": PagesSitemap(
        "funding:financial_years",
        "transparency:index",
        "verify",
        "open_data:index",
        "open_data:accessibility",
        "open_data:privacy",
    ),
}
