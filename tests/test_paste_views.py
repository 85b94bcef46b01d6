"""The "paste or type the whole section" journey: the box, the check page, saving
in one service call (audited, versioned), and who may use it."""

from pathlib import Path

import pytest
from django.urls import reverse

from core.errors import DomainError, Messages
from decisions.models import Decision, Paragraph, Recommendation
from decisions.models.decision import TEXT_MAX_LENGTH
from decisions.selectors.versions import items_version
from decisions.services import (
    paragraph_add,
    paragraph_update,
    recommendation_add,
    recommendations_replace,
    section_paragraphs_replace,
)
from demo import pcd_1620
from tests.factories import approved_decision, draft_decision
from tests.helpers import page_text

SAMPLES = Path(__file__).resolve().parent / "data" / "pcd-1620-paste"


def sample(name: str) -> str:
    return (SAMPLES / f"{name}.txt").read_text(encoding="utf-8")


def paste_url(decision, kind=2):
    return reverse("drafting:section_paste", kwargs={"pk": decision.pk, "kind": kind})


def texts(decision, kind=2) -> list[str]:
    return list(decision.sections.get(kind=kind).paragraphs.values_list("text", flat=True))


@pytest.fixture
def draft(officer):
    return draft_decision(user=officer, title="Youth violence services")


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


def opened(client, url) -> dict:
    """The box as a tab opened now: its text and the version it carries."""
    form = client.get(url).context["form"]
    return {"text": form["text"].value(), "version": form["version"].value()}


def post(client, url, *, text, version, action, **extra):
    return client.post(url, {"text": text, "version": version, "action": action, **extra})


# --- The box and the check page ---------------------------------------------------------


def test_the_section_page_links_to_the_box(officer_client, draft):
    response = officer_client.get(reverse("drafting:section", args=[draft.pk, 2]))
    assert f'href="{paste_url(draft)}"' in response.content.decode()
    assert "Paste or type the whole section" in page_text(response)


def test_continue_shows_the_split_numbered_as_saved_and_saves_nothing(officer_client, draft):
    url = paste_url(draft)
    box = opened(officer_client, url)
    assert box["text"] == ""
    response = post(officer_client, url, text=sample("section-2"), version=box["version"],
                    action="continue")  # fmt: skip
    assert response.status_code == 200
    text = page_text(response)
    assert "Check how the text was split" in text
    assert "8 paragraphs, numbered 2.1 to 2.8." in text
    rows = response.context["rows"]
    assert [row["number"] for row in rows] == [f"2.{n}" for n in range(1, 9)]
    assert [row["text"] for row in rows] == pcd_1620.SECTIONS[2]
    assert "Save these 8 paragraphs" in text and "Change the text" in text
    assert "This replaces" not in text
    assert texts(draft) == []


def test_saving_makes_the_section_those_paragraphs_with_history(officer_client, officer, draft):
    url = paste_url(draft)
    box = opened(officer_client, url)
    version_before = Decision.objects.get(pk=draft.pk).version
    response = post(officer_client, url, text=sample("section-2"), version=box["version"],
                    action="save")  # fmt: skip
    assert response.status_code == 302
    assert response.url == reverse("drafting:section", args=[draft.pk, 2])
    assert texts(draft) == pcd_1620.SECTIONS[2]
    section = draft.sections.get(kind=2)
    reasons = set(
        Paragraph.history.filter(section_id=section.pk).values_list(
            "history_change_reason", flat=True
        )
    )
    assert reasons == {f"Section 2 pasted: paragraph 2.{n} added" for n in range(1, 9)}
    assert set(
        Paragraph.history.filter(section_id=section.pk).values_list("history_user", flat=True)
    ) == {officer.pk}
    decision = Decision.objects.get(pk=draft.pk)
    assert decision.version == version_before + 1
    assert decision.history.first().history_change_reason == "Section 2 pasted (8 added)"
    followed = officer_client.get(response.url)
    assert "Saved section 2: 8 paragraphs." in page_text(followed)
    history = page_text(officer_client.get(reverse("drafting:history", args=[draft.pk])))
    assert "Section 2 pasted" in history


def test_change_the_text_returns_to_the_box_with_the_text_exactly_as_sent(officer_client, draft):
    url = paste_url(draft)
    box = opened(officer_client, url)
    typed = "2.1\tFirst, as “typed”.\r\n\r\n\r\n•\tone\r\n2.2  Second\u00a0one."
    response = post(officer_client, url, text=typed, version=box["version"], action="change")
    assert response.status_code == 200
    assert response.context["form"]["text"].value() == typed
    assert response.context["form"]["version"].value() == box["version"]
    assert not response.context["form"].errors
    assert texts(draft) == []


def test_the_check_page_carries_the_text_unchanged(officer_client, draft):
    url = paste_url(draft)
    box = opened(officer_client, url)
    typed = '2.1 A "quoted" <word & more.\n2.2 Next.'
    response = post(officer_client, url, text=typed, version=box["version"], action="continue")
    html = response.content.decode()
    assert 'name="text" value="2.1 A &quot;quoted&quot; &lt;word &amp; more.\n2.2 Next."' in html


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Enter or paste the text of section 2."),
        ("  \r\n\t\r\n", "Enter or paste the text of section 2."),
        (
            "2.1 A <script>alert(1)</script> paragraph.",
            "The text cannot contain HTML such as <script>",
        ),
        ("2.1 " + "word " * (TEXT_MAX_LENGTH // 5 + 1), "Paragraph 2.1 is 20,0"),
    ],
)
def test_bad_text_is_refused_beside_the_box_and_kept(officer_client, draft, text, message):
    url = paste_url(draft)
    box = opened(officer_client, url)
    for action in ("continue", "save"):
        response = post(officer_client, url, text=text, version=box["version"], action=action)
        assert response.status_code == 200
        form = response.context["form"]
        assert message in " ".join(form.errors["text"])
        assert form["text"].value() == text
        assert "govuk-error-summary" in response.content.decode()
    assert texts(draft) == []


def test_too_many_paragraphs_are_refused(officer_client, draft):
    url = paste_url(draft)
    box = opened(officer_client, url)
    text = "\n\n".join(f"Paragraph {n}." for n in range(201))
    response = post(officer_client, url, text=text, version=box["version"], action="continue")
    assert "Section 2 can have at most 200 paragraphs: this text has 201." in page_text(response)


# --- Replacing what the section has ------------------------------------------------------


def test_the_box_holds_the_section_as_it_is_and_saving_replaces_it(officer_client, officer, draft):
    for text in ("First.", "Second.", "Third."):
        paragraph_add(user=officer, decision=draft, section_kind=2, text=text)
    url = paste_url(draft)
    box = opened(officer_client, url)
    assert box["text"] == "2.1. First.\n\n2.2. Second.\n\n2.3. Third."
    text = "2.1. First.\n\n2.2. Second, changed."
    response = post(officer_client, url, text=text, version=box["version"], action="continue")
    page = page_text(response)
    assert "This replaces the 3 paragraphs already in this section." in page
    assert [row["status"] for row in response.context["rows"]] == ["Unchanged", "Changed"]
    assert "Paragraph 2.3 is removed." in page
    assert "Save these 2 paragraphs" in page
    post(officer_client, url, text=text, version=box["version"], action="save")
    paragraphs = list(draft.sections.get(kind=2).paragraphs.order_by("position"))
    assert [(p.text, p.version) for p in paragraphs] == [("First.", 1), ("Second, changed.", 2)]
    first = paragraphs[0]
    # The unchanged paragraph was not written again.
    assert Paragraph.history.filter(id=first.pk).count() == 1
    assert Paragraph.history.filter(history_change_reason="Section 2 pasted: paragraph 2.3 removed",
                                    history_type="-").count() == 1  # fmt: skip


def test_saving_the_box_unchanged_writes_nothing(officer_client, officer, draft):
    for text in pcd_1620.SECTIONS[5]:
        paragraph_add(user=officer, decision=draft, section_kind=5, text=text)
    url = paste_url(draft, 5)
    box = opened(officer_client, url)
    version = Decision.objects.get(pk=draft.pk).version
    response = post(officer_client, url, action="continue", **box)
    assert [row["status"] for row in response.context["rows"]] == ["Unchanged", "Unchanged"]
    post(officer_client, url, action="save", **box)
    assert Decision.objects.get(pk=draft.pk).version == version
    assert texts(draft, 5) == pcd_1620.SECTIONS[5]


def test_a_paragraph_can_still_be_edited_on_its_own(officer_client, officer, draft):
    section_paragraphs_replace(user=officer, decision=draft, section_kind=2,
                               text="2.1 One.\n2.2 Two.", expected_version=None)  # fmt: skip
    paragraph = draft.sections.get(kind=2).paragraphs.get(position=2)
    response = officer_client.post(
        reverse("drafting:paragraph", args=[draft.pk, paragraph.pk]),
        {"text": "Two, edited.", "version": paragraph.version},
    )
    assert response.status_code == 302
    assert texts(draft) == ["One.", "Two, edited."]


# --- Conflicts -------------------------------------------------------------------------------


def test_a_section_changed_meanwhile_gives_the_conflict_page_with_the_text_kept(
    client, officer, other_officer, draft
):
    draft.shared_with.add(other_officer)
    paragraph = paragraph_add(user=officer, decision=draft, section_kind=2, text="Original.")
    client.force_login(officer)
    url = paste_url(draft)
    box = opened(client, url)
    paragraph_update(user=other_officer, paragraph=paragraph, text="Theirs.", expected_version=1)
    mine = "2.1 Mine.\n2.2 Also mine."
    response = post(client, url, text=mine, version=box["version"], action="save")
    assert response.status_code == 409
    page = page_text(response)
    assert "Section 2 (Issues for consideration) changed after you opened this page." in page
    assert "Oscar Other saved a different version" in page
    assert "Theirs." in page
    form = response.context["form"]
    assert form["text"].value() == mine
    assert texts(draft) == ["Theirs."]
    # Continuing from the conflict page saves on top of the version shown there.
    assert form["version"].value() == items_version(draft.sections.get(kind=2).paragraphs.all())
    post(client, url, text=mine, version=form["version"].value(), action="save")
    assert texts(draft) == ["Mine.", "Also mine."]


@pytest.mark.parametrize("change", ["add", "remove_recommendation"])
def test_recommendations_changed_meanwhile_conflict(officer, draft, change):
    first = recommendation_add(user=officer, decision=draft, text="Agree it.")
    version = items_version(draft.recommendations.all())
    if change == "add":
        recommendation_add(user=officer, decision=draft, text="Another.")
    else:
        first.delete()
    with pytest.raises(DomainError) as error:
        recommendations_replace(
            user=officer, decision=draft, text="1. Mine.", expected_version=version
        )
    assert error.value.template == Messages.ITEM_CONFLICT


# --- The budget table in the financial comments ------------------------------------------------


def test_the_budget_table_stays_where_it_was_unless_moved(officer_client, officer, draft):
    paragraph_add(user=officer, decision=draft, section_kind=3, text="Total.")
    paragraph_add(user=officer, decision=draft, section_kind=3, text="Table below:",
                  budget_table_follows=True)  # fmt: skip
    url = paste_url(draft, 3)
    box = opened(officer_client, url)
    text = box["text"] + "\n\n3.3. After the table."
    response = post(officer_client, url, text=text, version=box["version"], action="continue")
    assert response.context["budget_form"]["budget_table_after"].value() == "2"
    page = page_text(response)
    assert "Where should the budget table go?" in page
    assert "After paragraph 3.2" in page and "At the end of the section" in page
    response = post(officer_client, url, text=text, version=box["version"], action="save")
    assert response.status_code == 200  # no place chosen: asked again, nothing saved
    assert "Choose where the budget table goes" in page_text(response)
    assert len(texts(draft, 3)) == 2
    post(officer_client, url, text=text, version=box["version"], action="save",
         budget_table_after="2")  # fmt: skip
    flags = list(
        draft.sections.get(kind=3).paragraphs.values_list("budget_table_follows", flat=True)
    )
    assert flags == [False, True, False]


def test_the_budget_table_can_go_to_the_end_of_the_section(officer, draft):
    paragraph_add(user=officer, decision=draft, section_kind=3, text="Table below:",
                  budget_table_follows=True)  # fmt: skip
    text = "3.1 Table below:\n3.2 More."
    section_paragraphs_replace(user=officer, decision=draft, section_kind=3, text=text,
                               expected_version=None)  # fmt: skip
    flags = list(
        draft.sections.get(kind=3).paragraphs.values_list("budget_table_follows", flat=True)
    )
    assert flags == [False, False]


def test_a_budget_place_beyond_the_paragraphs_is_refused(officer, draft):
    with pytest.raises(DomainError) as error:
        section_paragraphs_replace(user=officer, decision=draft, section_kind=3, text="3.1 One.",
                                   expected_version=None, budget_table_after=2)  # fmt: skip
    assert error.value.template == Messages.PASTE_BUDGET_PLACE


def test_other_sections_never_carry_the_budget_table(officer, draft):
    section_paragraphs_replace(user=officer, decision=draft, section_kind=2, text="2.1 One.",
                               expected_version=None, budget_table_after=1)  # fmt: skip
    assert not draft.sections.get(kind=2).paragraphs.get().budget_table_follows


def test_a_pasted_budget_table_is_pointed_out(officer_client, draft):
    url = paste_url(draft, 3)
    box = opened(officer_client, url)
    response = post(officer_client, url, text=sample("section-3"), version=box["version"],
                    action="continue")  # fmt: skip
    assert "Paragraph 3.2 has a table pasted from Word." in page_text(response)


# --- Recommendations --------------------------------------------------------------------


def test_recommendations_pasted_from_the_seed(officer_client, draft):
    url = reverse("drafting:recommendations_paste", args=[draft.pk])
    box = opened(officer_client, url)
    response = post(officer_client, url, text=sample("recommendations"), version=box["version"],
                    action="continue")  # fmt: skip
    assert "Save these 2 recommendations" in page_text(response)
    post(officer_client, url, text=sample("recommendations"), version=box["version"], action="save")
    assert list(draft.recommendations.values_list("text", flat=True)) == pcd_1620.RECOMMENDATIONS
    assert set(Recommendation.history.values_list("history_change_reason", flat=True)) == {
        "Recommendations pasted: recommendation 1 added",
        "Recommendations pasted: recommendation 2 added",
    }


def test_words_before_the_numbered_recommendations_are_pointed_out(officer_client, draft):
    url = reverse("drafting:recommendations_paste", args=[draft.pk])
    box = opened(officer_client, url)
    text = "The Deputy Mayor for Policing and Crime is recommended to:\n\n" + sample(
        "recommendations"
    )
    response = post(officer_client, url, text=text, version=box["version"], action="continue")
    page = page_text(response)
    assert "Recommendation 1 had no number in your text, unlike the rest." in page
    assert "Typed as 1." in page and "Typed as 2." in page
    response = post(officer_client, url, text=sample("recommendations"), version=box["version"],
                    action="continue")  # fmt: skip
    assert "had no number" not in page_text(response)


# --- Who may use it ----------------------------------------------------------------------------


def test_only_the_drafts_officers_may_paste(client, officer, other_officer, draft, reviewers):
    url = paste_url(draft)
    version = items_version(draft.sections.get(kind=2).paragraphs.all())
    data = {"text": "2.1 Sneaky.", "version": version, "action": "save"}
    assert client.get(url).status_code == 302  # sign in first
    client.force_login(other_officer)
    assert client.get(url).status_code == 404
    assert client.post(url, data).status_code == 404
    client.force_login(reviewers.head)
    assert client.post(url, data).status_code == 403
    with pytest.raises(DomainError) as error:
        section_paragraphs_replace(user=other_officer, decision=draft, section_kind=2,
                                   text="2.1 Sneaky.", expected_version=None)  # fmt: skip
    assert error.value.template == Messages.NOT_YOUR_DRAFT
    assert texts(draft) == []


def test_a_decision_no_longer_a_draft_cannot_be_pasted_into(client, officer):
    decision = approved_decision(user=officer)
    client.force_login(officer)
    assert client.get(paste_url(decision)).status_code == 403
    url = reverse("drafting:recommendations_paste", args=[decision.pk])
    assert client.post(url, {"text": "1. x", "version": "x", "action": "save"}).status_code == 403
