from core.text import clean_source, plain_text, render_markdown


def test_lettered_lists_render_as_a_list_with_their_letters():
    html = render_markdown("Conditions:\n\n(a) first;\n(b) second; and\n(c) third.\n\nAfter.")
    assert '<ol class="dr-alpha-list">' in html
    assert '<span class="dr-alpha-list__marker">(b)</span> second; and' in html
    assert html.endswith('<p class="govuk-body">After.</p>\n')


def test_emphasis_links_lists_and_tables():
    html = render_markdown(
        "*a* **b** [MOPAC](https://www.london.gov.uk/)\n\n- one\n- two\n\n"
        "| A | B |\n|---|---|\n| 1 | 2 |"
    )
    assert "<em>a</em> <strong>b</strong>" in html
    assert (
        'href="https://www.london.gov.uk/"' in html and 'rel="noopener noreferrer nofollow"' in html
    )
    assert '<ul class="govuk-list govuk-list--bullet">' in html
    assert '<table class="govuk-table">' in html


def test_raw_html_and_script_urls_never_survive():
    html = render_markdown(
        '<script>alert(1)</script><iframe src="x"></iframe>[x](javascript:alert(1)) '
        '<a href="https://evil.example" onclick="x()">y</a>'
    )
    assert "<script" not in html and "<iframe" not in html
    assert "javascript:" not in html.replace("[x](javascript:alert(1))", "")
    assert "onclick" not in html
    assert 'href="javascript' not in html


def test_pasted_word_text_keeps_its_paragraphs():
    assert clean_source("One\r\n\r\n\r\n\r\nTwo\u2028Three\x0b") == "One\n\nTwo\nThree"


def test_plain_text_separates_blocks():
    assert plain_text("A *b*\n\n(a) c\n(b) d") == "A b\n(a) c\n(b) d"


def test_markdown_officers_do_not_mean_renders_as_paragraphs():
    """Headings, a heading underlined with dashes, indented lines (pasted from Word),
    quotes, rules and fenced blocks: every word kept, each block a paragraph (their
    own tags are not allowed, and left bare text that no page or PDF styles)."""
    import re

    html = render_markdown(
        "# Title words\n\nBackground\n----------\nThe plan.\n\n"
        "    indented line\n    and another\n\n"
        "> quoted words\n\n---\n\n```\nfenced words\n```\n\nEnd."
    )
    blocks = re.findall(r'<p class="govuk-body">(.*?)</p>', html, re.S)
    assert blocks == [
        "Title words",
        "Background",
        "The plan.",
        "indented line\nand another",
        "quoted words",
        "fenced words",
        "End.",
    ]
    # Nothing outside a paragraph but the line breaks between them.
    assert re.sub(r'<p class="govuk-body">.*?</p>', "", html, flags=re.S).strip() == ""
