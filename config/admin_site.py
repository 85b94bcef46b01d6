"""The back office: Django's admin, branded as this product's, whose index page
starts with the records manager's work (the same lists as their work area home)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest, HttpResponse

from decisions.selectors.records_work import records_groups

BACK_OFFICE = "Decision records — back office"


class BackOfficeSite(admin.AdminSite):
    site_header = BACK_OFFICE
    site_title = BACK_OFFICE
    index_title = BACK_OFFICE

    def index(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        context = {"records_work": records_groups(request.user), **(extra_context or {})}
        return super().index(request, extra_context=context)
