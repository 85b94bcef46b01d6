"""Markdown-light text: what officers type, and the safe HTML the public sees.

Officers write plain paragraphs with emphasis, links, bullet and numbered lists,
simple tables and lettered lists written as "(a) ...", "(b) ..." lines (the
form's own style). Raw HTML never survives: it is stripped when text is saved and
escaped, then sanitised again with nh3, when it is rendered.
"""

from __future__ import annotations

import functools
import html
import re
import unicodedata

import nh3
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_markdown.enable("table")


# Markdown that officers do not mean but type or paste (a "# " line, a heading
# underlined with dashes, a line indented four spaces, "> " quotes, a "---" rule)
# renders here as what the form has: paragraphs. The tags it would make otherwise are
# not allowed (ALLOWED_TAGS) and were stripped to bare text beside the paragraphs,
# which the PDF cannot place in a paragraph's column (it has no box around a
# paragraph's text: static/pdf/decision.css).
def _paragraph_open(self, tokens, idx, options, env) -> str:
    return "<p>"


def _paragraph_close(self, tokens, idx, options, env) -> str:
    return "</p>\n"


def _code_as_paragraph(self, tokens, idx, options, env) -> str:
    lines = [escapeHtml(line.strip()) for line in tokens[idx].content.strip("\n").split("\n")]
    return "<p>" + "\n".join(lines) + "</p>\n"


def _nothing(self, tokens, idx, options, env) -> str:
    return ""


for _rule, _render in {
    "heading_open": _paragraph_open,
    "heading_close": _paragraph_close,
    "code_block": _code_as_paragraph,
    "fence": _code_as_paragraph,
    "blockquote_open": _nothing,
    "blockquote_close": _nothing,
    "hr": _nothing,
}.items():
    _markdown.add_render_rule(_rule, _render)
_inline_markdown = MarkdownIt("commonmark", {"html": False})

ALLOWED_TAGS = {
    "p", "em", "strong", "a", "ul", "ol", "li", "br", "span",
    "table", "thead", "tbody", "tr", "th", "td", "code",
}  # fmt: skip
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    "a": {"href", "title", "class"},
    "tr": {"class"},
    "ol": {"class", "start"},
    "ul": {"class"},
    "li": {"class"},
    "span": {"class"},
    "table": {"class"},
    # No style: the Content-Security-Policy blocks inline styles anyway.
    "th": {"class", "scope"},
    "td": {"class"},
    "p": {"class"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}

# GOV.UK typography for what markdown-it emits (it never emits attributes on these).
_GOVUK_CLASSES = {
    "<p>": '<p class="govuk-body">',
    "<ul>": '<ul class="govuk-list govuk-list--bullet">',
    "<ol>": '<ol class="govuk-list govuk-list--number">',
    "<table>": '<table class="govuk-table">',
    "<th>": '<th class="govuk-table__header">',
    "<td>": '<td class="govuk-table__cell">',
    "<tr>": '<tr class="govuk-table__row">',
    "<a href=": '<a class="govuk-link" href=',
}
_LETTERED_ITEM = re.compile(r"^\s*\(([a-z]{1,4})\)\s+(.*)$")
_BLOCK_END = re.compile(r"</(?:p|li|ol|ul|tr|th|td|table)>")
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


# An HTML element tag (<script>, </b>, <img src=…>), not a Markdown autolink (<https://…>).
_HTML_TAG = re.compile(r"<\s*/?\s*([a-zA-Z][a-zA-Z0-9-]*)(\s[^<>]*)?/?\s*>")


_SCRIPT_OR_STYLE = re.compile(r"<(script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)


def html_tag_in(text: str) -> str | None:
    """The first HTML tag in what was typed, as written, or None."""
    match = _HTML_TAG.search(text or "")
    return match.group(0)[:40] if match else None


def clean_source(text: str) -> str:
    """Normalise what was typed or pasted, dropping any HTML tags it carries.

    Pasted Word text keeps its paragraphs: line endings are normalised and runs
    of blank lines collapse to one paragraph break.
    """
    text = unicodedata.normalize("NFC", text or "")
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n")
    text = _CONTROL_CHARACTERS.sub("", text)
    # Drop any HTML elements (with the contents of script and style), keeping the
    # rest as typed: "&", "<" in "a < b" and Markdown autolinks like <https://…>.
    text = _SCRIPT_OR_STYLE.sub("", text)
    text = _HTML_TAG.sub("", text)
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()


def _lettered_list_html(items: list[tuple[str, str]]) -> str:
    rendered = []
    for marker, body in items:
        inline = _inline_markdown.renderInline(body)
        rendered.append(f'<li><span class="dr-alpha-list__marker">({marker})</span> {inline}</li>')
    return '<ol class="dr-alpha-list">' + "".join(rendered) + "</ol>"


def _blocks(text: str) -> list[tuple[str, object]]:
    """Split text into markdown runs and lettered-list runs, in order."""
    blocks: list[tuple[str, object]] = []
    markdown_lines: list[str] = []
    items: list[tuple[str, str]] = []
    for line in text.split("\n"):
        match = _LETTERED_ITEM.match(line)
        if match:
            if markdown_lines:
                blocks.append(("markdown", "\n".join(markdown_lines)))
                markdown_lines = []
            items.append((match.group(1), match.group(2)))
            continue
        if items and line.strip() and line.startswith((" ", "\t")):
            # A wrapped continuation of the previous lettered item.
            marker, body = items[-1]
            items[-1] = (marker, f"{body} {line.strip()}")
            continue
        if items:
            blocks.append(("letters", items))
            items = []
        markdown_lines.append(line)
    if items:
        blocks.append(("letters", items))
    if markdown_lines:
        blocks.append(("markdown", "\n".join(markdown_lines)))
    return blocks


# A pure function of the text, run for every paragraph of a page, its PDF, its search
# entry and its digest: an approval renders the same text before and under its lock.
@functools.lru_cache(maxsize=512)
def render_markdown(text: str) -> str:
    """Render Markdown-light source to sanitised HTML."""
    parts = []
    for kind, content in _blocks(clean_source(text)):
        if kind == "letters":
            parts.append(_lettered_list_html(content))  # type: ignore[arg-type]
        elif str(content).strip():
            parts.append(_markdown.render(str(content)))
    rendered = "".join(parts)
    for bare, styled in _GOVUK_CLASSES.items():
        rendered = rendered.replace(bare, styled)
    return nh3.clean(
        rendered,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )


def plain_text(text: str) -> str:
    """The words of Markdown-light source without markup (for search and digests)."""
    rendered = _BLOCK_END.sub("\n", render_markdown(text))
    text = html.unescape(nh3.clean(rendered, tags=set()))
    return re.sub(r"\n\s*\n+", "\n", text).strip()
