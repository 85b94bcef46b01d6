"""Template filters shared by every page and the PDF: money, years, text."""

from django import template
from django.utils.safestring import SafeString, mark_safe

from core.financial_years import format_financial_year
from core.money import format_money
from core.text import render_markdown

register = template.Library()


@register.filter
def money(pence: int | None) -> str:
    return format_money(pence)


@register.filter
def financial_year(start_year: int) -> str:
    return format_financial_year(start_year)


@register.filter
def markdown(text: str) -> SafeString:
    # render_markdown escapes all raw HTML and sanitises the result with nh3.
    return mark_safe(render_markdown(text))  # noqa: S308


@register.filter
def get_amount(amounts: dict, key: int) -> int | None:
    """Look up a decision's amount in a {decision_pk: pence} mapping."""
    return amounts.get(key)


@register.filter
def sum_pence(values) -> int:
    return sum(value or 0 for value in values)


@register.filter
def elided_pages(page_obj) -> list[int | None]:
    """The page numbers a pagination bar shows: first and last, the current page and
    one either side, None where pages are left out (GOV.UK's ellipsis). Django builds
    it without walking every page, so a list of 5,000 pages costs what one of 5 does."""
    pages = page_obj.paginator.get_elided_page_range(page_obj.number, on_each_side=1, on_ends=1)
    return [None if page == page_obj.paginator.ELLIPSIS else page for page in pages]
