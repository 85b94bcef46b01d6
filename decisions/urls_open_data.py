"""Open data URLs, included at the root (`path("", include("decisions.urls_open_data"))`).

Include it before `decisions/` in config/urls.py: `decisions/<slug>/` would otherwise
answer /decisions/feed/ (with a 404, as "feed" is no decision's reference).
"""

from django.urls import path
from django.views.decorators.http import require_safe

from decisions.views import exports
from decisions.views import open_data as views

app_name = "open_data"
urlpatterns = [
    path("decisions/feed/", require_safe(views.PublishedDecisionsFeed()), name="feed"),
    path("decisions/export/decisions.csv", exports.decisions_csv, name="decisions_csv"),
    path("decisions/export/allocations.csv", exports.allocations_csv, name="allocations_csv"),
    path("api/decisions/", views.api_decision_list, name="api_list"),
    path("api/decisions/<slug:slug>/", views.api_decision_detail, name="api_detail"),
    path("api/openapi.json", views.openapi_document, name="openapi"),
    path("sitemap.xml", exports.sitemap, name="sitemap"),
    path("open-data/", exports.open_data_index, name="index"),
    path("accessibility/", exports.accessibility, name="accessibility"),
]
