import html
import re


def page_text(response_or_html) -> str:
    """The visible text of a page, tags removed and whitespace collapsed."""
    content = getattr(response_or_html, "content", response_or_html)
    if isinstance(content, bytes):
        content = content.decode()
    content = re.sub(r"<(script|style)\b.*?</\1>", " ", content, flags=re.S)
    text = html.unescape(re.sub(r"<[^>]+>", " ", content))
    return re.sub(r"\s+", " ", text).strip()


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()
