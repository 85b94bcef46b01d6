"""The decision PDF, in the layout of the DMPC form, rendered with WeasyPrint.

PDF/UA-1 (tagged, titled, language set, fonts embedded). The renderer may load
nothing but the project's own static files: decision text is officers' input
and must never make the server fetch a URL or read a local file.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from core.collector import collector_paused
from decisions import (  # noqa: F401  (what each changes in WeasyPrint and pydyf: see there)
    pdf_glyphs,
    pdf_pydyf,
)
from decisions.selectors import DecisionPage

logger = logging.getLogger(__name__)

PDF_STATIC_DIR = Path(settings.BASE_DIR) / "static"
PDF_STYLESHEET = PDF_STATIC_DIR / "pdf" / "decision.css"


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


class _Renderer(threading.local):
    """What every render shares: the stylesheet, parsed once (again only when the
    file changes), and a font configuration, whose Pango font map keeps the fonts
    it has loaded. Per thread: Pango's font map is not safe to use from two
    threads at once. The PDF bytes are the same as with fresh ones each time.
    """

    font_config: FontConfiguration | None = None
    stylesheet: CSS | None = None
    stylesheet_version: int | None = None

    def stylesheets(self) -> list[CSS]:
        version = PDF_STYLESHEET.stat().st_mtime_ns
        if self.font_config is None:
            self.font_config = FontConfiguration()
        if self.stylesheet is None or self.stylesheet_version != version:
            self.stylesheet = CSS(
                filename=str(PDF_STYLESHEET),
                url_fetcher=StaticOnlyURLFetcher(),
                font_config=self.font_config,
            )
            self.stylesheet_version = version
        return [self.stylesheet]


_renderer = _Renderer()


def html_to_pdf(html: str) -> bytes:
    """PDF/UA-1 bytes from the decision HTML, styled by static/pdf/decision.css and
    fetching only our own static files."""
    stylesheets = _renderer.stylesheets()
    # A render allocates tens of thousands of objects a page (boxes, styles, Pango
    # layouts), all in reference cycles, that live until the document is written:
    # with the collector running, its collections during the render walked the
    # document laid out so far, more of them the longer the document (the part of a
    # long decision's render that made each of its pages cost more than a short
    # one's, bench/pdf_render.py).
    with collector_paused():
        document = HTML(
            string=html,
            base_url=PDF_STATIC_DIR.resolve().as_uri() + "/",
            url_fetcher=StaticOnlyURLFetcher(),
        )
        return document.write_pdf(
            pdf_variant="pdf/ua-1", stylesheets=stylesheets, font_config=_renderer.font_config
        )


def decision_pdf_html(page: DecisionPage, *, draft: bool) -> str:
    """The HTML the PDF is rendered from: the same HTML always gives the same bytes."""
    return render_to_string(
        "decisions/pdf/decision.html",
        {
            "page": page,
            "decision": page.decision,
            "draft": draft,
            "title": decision_pdf_title(page),
        },
    )


def render_decision_pdf(page: DecisionPage, *, draft: bool) -> bytes:
    """The decision as a PDF; `draft` adds the DRAFT watermark on every page."""
    return html_to_pdf(decision_pdf_html(page, draft=draft))


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
