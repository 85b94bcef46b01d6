"""core.forms.GovukDateField and the GOV.UK form includes that render bound fields.

No database: plain forms rendered through Django's template engine.
"""

import datetime
from html.parser import HTMLParser

import pytest
from django import forms
from django.template.loader import render_to_string

from core.forms import GovukDateField, GovukDateWidget

LABEL = "The date until which it is deferred"


class DeferForm(forms.Form):
    until = GovukDateField(label=LABEL, required=False)


class RequiredDateForm(forms.Form):
    until = GovukDateField(label=LABEL)


def typed(day="", month="", year="", name="until"):
    return {f"{name}_day": day, f"{name}_month": month, f"{name}_year": year}


def errors(form_class, data):
    form = form_class(data=data)
    assert not form.is_valid()
    return form.errors["until"]


# --- Cleaning -------------------------------------------------------------------


def test_valid_date():
    form = DeferForm(data=typed("1", "3", "2024"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["until"] == datetime.date(2024, 3, 1)


def test_leading_zeros_and_spaces_are_accepted():
    form = RequiredDateForm(data=typed(" 01 ", "03", "2024 "))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["until"] == datetime.date(2024, 3, 1)


def test_empty_optional_date_is_none():
    form = DeferForm(data=typed())
    assert form.is_valid(), form.errors
    assert form.cleaned_data["until"] is None


def test_missing_keys_count_as_empty():
    form = DeferForm(data={})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["until"] is None


def test_empty_required_date():
    assert errors(RequiredDateForm, typed()) == ["Enter the date until which it is deferred"]
    assert errors(RequiredDateForm, typed(" ", "", "")) == [
        "Enter the date until which it is deferred"
    ]


@pytest.mark.parametrize(
    ("data", "missing"),
    [
        (typed("", "3", "2024"), "a day"),
        (typed("1", "", "2024"), "a month"),
        (typed("1", "3", ""), "a year"),
        (typed("1", "", ""), "a month and year"),
        (typed("", "", "2024"), "a day and month"),
    ],
)
def test_partial_date(data, missing):
    assert errors(DeferForm, data) == [f"{LABEL} must include {missing}"]


@pytest.mark.parametrize(
    "data",
    [
        typed("31", "2", "2024"),
        typed("29", "2", "2023"),
        typed("1", "13", "2024"),
        typed("0", "3", "2024"),
        typed("1st", "3", "2024"),
        typed("1", "March", "2024"),
        typed("-1", "3", "2024"),
        typed("١", "3", "2024"),  # non-ASCII digit
    ],
)
def test_impossible_or_non_numeric_date(data):
    assert errors(DeferForm, data) == [f"{LABEL} must be a real date"]


def test_leap_day_is_real():
    form = DeferForm(data=typed("29", "2", "2024"))
    assert form.is_valid(), form.errors


@pytest.mark.parametrize("year", ["24", "202", "20245"])
def test_year_must_have_four_digits(year):
    assert errors(DeferForm, typed("1", "3", year)) == ["Year must include 4 numbers"]


def test_acronym_at_start_of_label_is_not_lowercased():
    class Form(forms.Form):
        until = GovukDateField(label="DMPC approval date")

    assert errors(Form, typed()) == ["Enter DMPC approval date"]
    assert errors(Form, typed("1")) == ["DMPC approval date must include a month and year"]


def test_error_messages_can_be_overridden():
    class Form(forms.Form):
        until = GovukDateField(
            label=LABEL, error_messages={"required": "Enter the date the deferral ends"}
        )

    assert errors(Form, typed()) == ["Enter the date the deferral ends"]


# --- Values for the template ----------------------------------------------------


def test_typed_parts_are_kept_after_an_invalid_submit():
    form = DeferForm(data=typed("31", "2", "2024 "))
    assert not form.is_valid()
    assert form["until"].value() == ("31", "2", "2024 ")


def test_typed_text_is_kept_even_when_not_a_number():
    form = DeferForm(data=typed("1st", "", "twenty"))
    assert not form.is_valid()
    assert form["until"].value() == ("1st", "", "twenty")


def test_initial_date_becomes_string_parts():
    form = DeferForm(initial={"until": datetime.date(2024, 3, 1)})
    assert form["until"].value() == ("1", "3", "2024")


def test_no_initial_gives_empty_parts():
    assert DeferForm()["until"].value() == ("", "", "")


def test_widget_decompress_and_format_value():
    widget = GovukDateWidget()
    assert widget.decompress(datetime.date(2024, 3, 1)) == ("1", "3", "2024")
    assert widget.format_value(datetime.date(2024, 12, 25)) == ("25", "12", "2024")
    assert widget.decompress(None) == ("", "", "")
    assert widget.value_from_datadict(typed("1", "2", "3", name="d"), {}, "d") == ("1", "2", "3")
    assert widget.value_omitted_from_data({}, {}, "d")
    assert not widget.value_omitted_from_data({"d_year": ""}, {}, "d")


def test_has_changed():
    initial = {"until": datetime.date(2024, 3, 1)}
    assert not DeferForm(initial=initial, data=typed("01", "03", "2024")).has_changed()
    assert DeferForm(initial=initial, data=typed("2", "3", "2024")).has_changed()
    assert DeferForm(initial=initial, data=typed("31", "2", "2024")).has_changed()
    assert not DeferForm(data=typed()).has_changed()


def test_id_for_label_is_the_day_input():
    form = DeferForm(prefix="deferral")
    assert form["until"].id_for_label == "id_deferral-until"
    html = str(form["until"])  # Django's own widget rendering agrees
    assert 'id="id_deferral-until"' in html
    assert 'id="id_deferral-until_month"' in html
    assert 'name="deferral-until_year"' in html


# --- Rendering ------------------------------------------------------------------


class _Elements(HTMLParser):
    """Every start tag's attributes, in order."""

    def __init__(self, html):
        super().__init__()
        self.elements = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def by_id(self, id_):
        matches = [attrs for _, attrs in self.elements if attrs.get("id") == id_]
        assert len(matches) == 1, f"{len(matches)} elements with id {id_!r}"
        return matches[0]

    def ids(self):
        return [attrs["id"] for _, attrs in self.elements if "id" in attrs]


def render(template, **context):
    html = render_to_string(f"includes/{template}", context)
    ids = _Elements(html).ids()
    assert len(ids) == len(set(ids)), f"duplicate ids in {ids}"
    return html


def test_date_include_shows_typed_values_and_error():
    form = DeferForm(data=typed("31", "2", "2024"))
    assert not form.is_valid()
    html = render("field_date.html", field=form["until"], hint="For example, 27 3 2025")
    page = _Elements(html)

    assert "govuk-form-group--error" in html
    assert f"{LABEL} must be a real date" in html
    fieldset = next(attrs for tag, attrs in page.elements if tag == "fieldset")
    assert fieldset["role"] == "group"
    assert fieldset["aria-describedby"] == "id_until-hint id_until-error"

    day, month, year = (page.by_id(i) for i in ("id_until", "id_until_month", "id_until_year"))
    assert (day["name"], month["name"], year["name"]) == ("until_day", "until_month", "until_year")
    assert (day["value"], month["value"], year["value"]) == ("31", "2", "2024")
    assert "govuk-input--width-2" in day["class"] and "govuk-input--width-2" in month["class"]
    assert "govuk-input--width-4" in year["class"]
    for attrs in (day, month, year):
        assert "govuk-input--error" in attrs["class"]
        assert attrs["inputmode"] == "numeric"
        assert attrs["type"] == "text"
    assert html.count('<label class="govuk-label govuk-date-input__label"') == 3


def test_date_include_escapes_typed_text():
    form = DeferForm(data=typed('"><script>', "3", "2024"))
    assert not form.is_valid()
    html = render("field_date.html", field=form["until"])
    assert "<script>" not in html
    assert _Elements(html).by_id("id_until")["value"] == '"><script>'


def test_date_include_without_errors_or_hint():
    form = DeferForm(initial={"until": datetime.date(2024, 3, 1)})
    html = render(
        "field_date.html", field=form["until"], legend_classes="govuk-fieldset__legend--m"
    )
    page = _Elements(html)
    assert "govuk-form-group--error" not in html
    assert "govuk-input--error" not in html
    assert "aria-describedby" not in html
    assert "govuk-fieldset__legend--m" in html
    assert LABEL in html
    assert page.by_id("id_until_month")["value"] == "3"


def test_error_summary_links_to_the_day_input():
    form = RequiredDateForm(data=typed())
    assert not form.is_valid()
    html = render_to_string("includes/error_summary.html", {"form": form})
    assert '<a href="#id_until">Enter the date until which it is deferred</a>' in html


# --- The other GOV.UK form includes ---------------------------------------------


class ChoicesForm(forms.Form):
    deferred = forms.TypedChoiceField(
        label="Is it deferred?", choices=[("yes", "Yes"), ("no", "No")], required=True
    )
    status = forms.ChoiceField(
        label="Status", choices=[("", "---------"), ("draft", "Draft"), ("final", "Final")]
    )
    level = forms.TypedChoiceField(label="Level", coerce=int, choices=[(1, "One"), (2, "Two")])
    confirm = forms.BooleanField(label="I confirm", required=True)
    attachment = forms.FileField(label="Upload the signed form")


def test_radios_keep_the_choice_and_number_the_ids():
    form = ChoicesForm(data={"deferred": "no", "status": "final", "level": "2"})
    form.is_valid()
    html = render("field_radios.html", field=form["deferred"], inline=True)
    page = _Elements(html)
    assert page.by_id("id_deferred")["value"] == "yes"
    assert "checked" not in page.by_id("id_deferred")
    assert "checked" in page.by_id("id_deferred-2")
    assert "govuk-radios--inline" in html
    assert "govuk-fieldset__legend--s" in html


def test_radios_skip_the_blank_choice():
    form = ChoicesForm(data={"status": "draft"})
    form.is_valid()
    html = render("field_radios.html", field=form["status"])
    page = _Elements(html)
    assert "---------" not in html
    assert page.by_id("id_status")["value"] == "draft"
    assert "checked" in page.by_id("id_status")
    assert page.by_id("id_status-2")["value"] == "final"
    assert 'for="id_status-2"' in html


def test_radios_with_integer_choices_and_initial():
    form = ChoicesForm(initial={"level": 2})
    page = _Elements(render("field_radios.html", field=form["level"]))
    assert "checked" in page.by_id("id_level-2")
    assert "checked" not in page.by_id("id_level")


def test_radios_error():
    form = ChoicesForm(data={})
    form.is_valid()
    html = render("field_radios.html", field=form["deferred"], hint="Choose one")
    assert 'aria-describedby="id_deferred-hint id_deferred-error"' in html
    assert '<p id="id_deferred-error" class="govuk-error-message">' in html
    assert "checked" not in html


def test_checkbox():
    form = ChoicesForm(data={"confirm": "on"})
    form.is_valid()
    page = _Elements(render("field_checkbox.html", field=form["confirm"], small=True))
    assert page.by_id("id_confirm")["value"] == "on"
    assert "checked" in page.by_id("id_confirm")

    form = ChoicesForm(data={})
    form.is_valid()
    html = render("field_checkbox.html", field=form["confirm"], hint="You must tick this")
    page = _Elements(html)
    assert "checked" not in page.by_id("id_confirm")
    assert page.by_id("id_confirm")["aria-describedby"] == "id_confirm-error id_confirm-hint"
    assert "govuk-checkboxes--small" not in html


def test_select_keeps_the_choice():
    form = ChoicesForm(data={"status": "final"})
    form.is_valid()
    html = render("field_select.html", field=form["status"])
    assert '<option value="final" selected>Final</option>' in html
    assert '<option value="">---------</option>' in html


def test_file_upload():
    form = ChoicesForm(data={})
    form.is_valid()
    html = render("field_file.html", field=form["attachment"], accept="application/pdf")
    attrs = _Elements(html).by_id("id_attachment")
    assert attrs["type"] == "file"
    assert attrs["accept"] == "application/pdf"
    assert "govuk-file-upload--error" in attrs["class"]
    assert attrs["aria-describedby"] == "id_attachment-error"


def test_task_list():
    items = [
        {"title": "Summary", "href": "/s/", "status": "Completed"},
        {"title": "Financial", "href": "/f/", "hint": "Costs", "status": "Incomplete"},
        {"title": "Sign-off", "href": "/x/", "status": "Cannot start yet"},
    ]
    html = render("task_list.html", items=items)
    page = _Elements(html)
    assert 'aria-describedby="task-list-1-status"' in html
    assert 'aria-describedby="task-list-2-hint task-list-2-status"' in html
    assert page.by_id("task-list-2-hint")["class"] == "govuk-task-list__hint"
    assert '<strong class="govuk-tag govuk-tag--blue">' in html
    assert "govuk-task-list__status--cannot-start-yet" in html
    assert 'href="/x/"' not in html


def test_buttons():
    html = render(
        "button.html", text="Save", name="action", value="save", prevent_double_click=True
    )
    assert '<button type="submit" name="action" value="save"' in html
    assert 'data-prevent-double-click="true"' in html
    html = render("button.html", text="Cancel", href="/back/", classes="govuk-button--secondary")
    assert 'role="button" draggable="false"' in html
    assert 'class="govuk-button govuk-button--secondary"' in html
