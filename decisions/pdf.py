"""The decision PDF, in the layout of the DMPC form, rendered with WeasyPrint.

PDF/UA-1 (tagged, titled, language set, fonts embedded). The renderer may load
nothing but the project's own static files: decision text is officers' input
and must never make the server fetch a URL or read a local file.
"""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from decisions.selectors import DecisionPage

logger = logging.getLogger(__name__)

PDF_STATIC_DIR = Path(settings.BASE_DIR) / "static"


class StaticOnlyURLFetcher(URLFetcher):
    """Serves `file://` URLs inside the project's static directory; refuses the rest."""

    def __init__(self, root: Path = PDF_STATIC_DIR) -> None:
        super().__init__(allowed_protocols={"file"}, allow_redirects=False)
        self.root = root.resolve()

    def fetch(self, url: str, headers=None):
        parts = urlsplit(url)
        path = Path(unquote(parts.path)).resolve() if parts.scheme == "file" else None
        if (
            path is None
            or parts.netloc not in ("", "localhost")
            or not path.is_relative_to(self.root)
        ):
            logger.warning("PDF renderer refused to fetch %s", url.split("?")[0][:200])
            raise ValueError("The PDF renderer only loads the project's own static files.")
        return super().fetch(path.as_uri(), headers)


def decision_pdf_title(page: DecisionPage) -> str:
    decision = page.decision
    label = decision.reference or "Draft decision"
    return f"{decision.decision_type.name} – {label}: {decision.title}"


def html_to_pdf(html: str) -> bytes:
    """PDF/UA-1 bytes from the decision HTML, fetching only our own static files."""
    document = HTML(
        string=html,
        base_url=PDF_STATIC_DIR.resolve().as_uri() + "/",
        url_fetcher=StaticOnlyURLFetcher(),
    )
    return document.write_pdf(pdf_variant="pdf/ua-1")


def render_decision_pdf(page: DecisionPage, *, draft: bool) -> bytes:
    """The decision as a PDF; `draft` adds the DRAFT watermark on every page."""
    html = render_to_string(
        "decisions/pdf/decision.html",
        {
            "page": page,
            "decision": page.decision,
            "draft": draft,
            "title": decision_pdf_title(page),
        },
    )
    return html_to_pdf(html)


def decision_pdf_filename(page: DecisionPage, *, draft: bool) -> str:
    decision = page.decision
    stem = decision.reference.replace(" ", "-") if decision.reference else f"decision-{decision.pk}"
    return f"{'DRAFT-' if draft else ''}{stem}.pdf"


def decision_pdf_response(page: DecisionPage, *, draft: bool) -> HttpResponse:
    response = HttpResponse(render_decision_pdf(page, draft=draft), content_type="application/pdf")
    filename = decision_pdf_filename(page, draft=draft)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store" if draft else "public, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response
