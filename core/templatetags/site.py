"""Tags every public page uses: its breadcrumbs."""

from __future__ import annotations

from django import template

register = template.Library()

HOME = {"text": "Home", "href": "/"}


@register.inclusion_tag("includes/breadcrumbs.html")
def breadcrumbs(*trail: str) -> dict[str, list[dict[str, str]]]:
    """``{% breadcrumbs "Decisions" "/decisions/" "PCD 1620" %}``: pairs of text and
    address after Home, then the current page's text (no address)."""
    *pairs, current = trail
    items = [HOME] + [
        {"text": text, "href": href} for text, href in zip(pairs[::2], pairs[1::2], strict=True)
    ]
    return {"items": [*items, {"text": current}]}
