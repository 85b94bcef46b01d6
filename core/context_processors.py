"""What every page's header, footer and title need: the settings that name the
organisation and its contacts, and the public site's sections."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

# The header's sections: (text, address, the paths that belong to the section).
SECTIONS = (
    ("Decisions", "/decisions/", ("/decisions/",)),
    ("Spending", "/reports/financial-years/", ("/reports/",)),
    ("Open data", "/open-data/", ("/open-data/",)),
)


def site(request: HttpRequest | None) -> dict[str, object]:
    contact = settings.CONTACT_URL or (
        f"mailto:{settings.CONTACT_EMAIL}" if settings.CONTACT_EMAIL else ""
    )
    path = getattr(request, "path", "")
    return {
        "ORGANISATION_NAME": settings.ORGANISATION_NAME,
        "CONTACT_HREF": contact,
        "ACCESSIBILITY_CONTACT": settings.ACCESSIBILITY_CONTACT,
        "PUBLIC_NAVIGATION": [
            {"text": text, "href": href, "active": path.startswith(prefixes)}
            for text, href, prefixes in SECTIONS
        ],
    }
