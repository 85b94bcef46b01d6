"""Open data URLs, included at the root (`path("", include("opendata.urls"))`).

Include it before `decisions/` in config/urls.py: `decisions/<slug>/` would otherwise
answer /decisions/feed/ (with a 404, as "feed" is no decision's reference).
"""

from django.contrib.sitemaps import views as sitemaps_views
from django.urls import path
from django.views.decorators.http import require_safe

from opendata import api, api_verify, views
from opendata.sitemaps import SITEMAPS

app_name = "open_data"
XML = "application/xml; charset=utf-8"
urlpatterns = [
    path("decisions/feed/", require_safe(views.PublishedDecisionsFeed()), name="feed"),
    path("decisions/export/decisions.csv", views.decisions_csv, name="decisions_csv"),
    path("decisions/export/allocations.csv", views.allocations_csv, name="allocations_csv"),
    # GET and HEAD only, as every open data URL: anything else is a plain 405.
    path("api/decisions/", require_safe(api.DecisionList.as_view()), name="api_list"),
    path(
        "api/decisions/<slug:slug>/",
        require_safe(api.DecisionDetail.as_view()),
        name="api_detail",
    ),
    # The document check: GET ?sha256= or POST a file (the one open data URL that takes
    # a POST: it changes nothing and keeps nothing).
    path("api/verify/", api_verify.DocumentVerify.as_view(), name="api_verify"),
    path("api/openapi.json", require_safe(api.OpenApiDocument.as_view()), name="openapi"),
    # The entry point for crawlers: an index of the section files below, each at
    # most 50,000 URLs a file (?p=2 and on, as the index lists them).
    path(
        "sitemap.xml",
        require_safe(sitemaps_views.index),
        {
            "sitemaps": SITEMAPS,
            "content_type": XML,
            "sitemap_url_name": "open_data:sitemap_section",
        },
        name="sitemap",
    ),
    path(
        "sitemap-<slug:section>.xml",
        require_safe(sitemaps_views.sitemap),
        {"sitemaps": SITEMAPS, "content_type": XML, "template_name": "open_data/sitemap.xml"},
        name="sitemap_section",
    ),
    path("open-data/", views.open_data_index, name="index"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("privacy/", views.privacy, name="privacy"),
]
