"""The demo data: PCD 1406 and PCD 1620 as the seed form describes them, and a decision
at each stage of the workflow so that every demo login has work."""

import re
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from accounts.roles import Role
from core.text import plain_text
from decisions.models import Decision, DecisionEvent, DecisionLink
from demo import pcd_1620
from funding.models import BudgetLine
from funding.selectors import decision_budget_table, line_committed_pence
from tests.helpers import page_text, run_tasks, squash
from transparency.models import Checkpoint

SEED = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "pcd-1620.txt"


def _counts():
    return (
        User.objects.count(),
        Decision.objects.count(),
        DecisionEvent.objects.count(),
        BudgetLine.objects.count(),
        Decision.history.count(),
        BudgetLine.history.count(),
    )


def test_load_demo_is_idempotent(db, settings, capsys):
    settings.DEBUG = True
    call_command("load_demo")
    first = _counts()
    # It ends with a checkpoint of everything it loaded (its approvals' queued
    # checkpoint tasks find nothing new, as does loading again).
    [checkpoint] = Checkpoint.objects.all()
    assert checkpoint.events_count == DecisionEvent.objects.count()
    assert checkpoint.decisions_size == Decision.objects.published().count()
    run_tasks()
    call_command("load_demo")
    assert _counts() == first
    assert Checkpoint.objects.count() == 1
    output = capsys.readouterr().out
    for line in (
        "Officer: officer / officer-demo-2026",
        "Head of Service: head / head-demo-2026",
        "Chief Executive: ceo / ceo-demo-2026",
        "DMPC: dmpc / dmpc-demo-2026",
        "Records manager: records / records-demo-2026",
    ):
        assert line in output.splitlines()
    # PCD 1406, PCD 1620, CEOD 1, and the stage decision whose publication is deferred.
    approved = Decision.objects.filter(state="approved")
    assert approved.count() == 4
    assert approved.filter(deferred=True).count() == 1


def test_load_demo_refuses_without_debug(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("load_demo")
    assert not User.objects.exists()


def test_pcd_1620_holds_every_part_of_the_form(pcd_1620):
    assert pcd_1620.reference == "PCD 1620"
    assert pcd_1620.state == "approved"
    assert [r.text for r in pcd_1620.recommendations.all()] == pcd_1620_data().RECOMMENDATIONS
    counts = {s.kind: s.paragraphs.count() for s in pcd_1620.sections.all()}
    assert counts == {1: 5, 2: 8, 3: 3, 4: 5, 5: 2, 6: 2, 7: 1, 8: 10, 9: 0}
    assert [a.title for a in pcd_1620.appendices.all()] == pcd_1620_data().APPENDICES
    assert pcd_1620.deferred is False and pcd_1620.has_part2 is False
    declarations = list(pcd_1620.declarations.all())
    assert [d.heading for d in declarations] == [
        "Financial Advice",
        "Legal Advice",
        "Equalities Advice",
        "Public Health Approach",
        "Commercial Issues",
        "GDPR/Data Privacy",
        "Drafting Officer",
        "Director/Head of Service",
    ]
    assert all(d.is_confirmed for d in declarations)
    assert declarations[6].statement.startswith("Violet Alvarez has drafted this report")
    sign_offs = {s.role: s for s in pcd_1620.sign_offs.all()}
    assert sign_offs["chief_executive"].signed_at.date().isoformat() == "2024-02-27"
    assert sign_offs["dmpc"].signed_at.date().isoformat() == "2024-03-01"
    assert sign_offs["dmpc"].statement.startswith("I confirm I have considered whether or not")
    link = DecisionLink.objects.get(source=pcd_1620)
    assert (link.kind, link.target.reference) == ("amends", "PCD 1406")


def pcd_1620_data():
    return pcd_1620


def test_pcd_1620_moves_money_out_of_pcd_1406(pcd_1406, pcd_1620):
    envelope = pcd_1406.budget_envelope
    lines = {line.route: line for line in envelope.lines.all()}
    assert envelope.total_pence == 17_200_000_00
    assert lines["open_procurement"].amount_pence == 15_400_000_00
    assert lines["open_procurement"].set_by == pcd_1406
    direct = lines["direct_award_reg_12_7"]
    assert (direct.amount_pence, direct.set_by, direct.active) == (1_800_000_00, pcd_1620, True)
    assert {a.financial_year_label: a.amount_pence for a in direct.allocations.all()} == {
        "2024/25": 450_000_00,
        "2025/26": 600_000_00,
        "2026/27": 600_000_00,
        "2027/28": 150_000_00,
    }
    assert sum(line.amount_pence for line in envelope.lines.active()) == envelope.total_pence
    assert line_committed_pence(lines["open_procurement"]) == 16_000_000_00
    # The source line's history tells who moved the money.
    last = lines["open_procurement"].history.first()
    assert last.history_change_reason == "£1,800,000 moved by PCD 1620"


def test_pcd_1620_budget_table_comes_from_allocations(pcd_1620):
    table = decision_budget_table(pcd_1620)
    assert table.years == ["2024/25", "2025/26", "2026/27", "2027/28"]
    assert table.rows[0].amounts == [450_000_00, 600_000_00, 600_000_00, 150_000_00]
    assert table.total == 1_800_000_00


def test_signed_digests_match_the_content_after_the_money_moved(pcd_1406, pcd_1620):
    from decisions.digest import decision_content_digest

    for decision in (pcd_1406, pcd_1620):
        for sign_off in decision.sign_offs.all():
            assert sign_off.content_digest == decision_content_digest(decision)
        assert decision.events.last().content_digest == decision_content_digest(decision)


def test_public_page_shows_every_paragraph_and_the_budget_table(client, pcd_1620):
    response = client.get("/decisions/pcd-1620/")
    assert response.status_code == 200
    text = page_text(response)
    for kind, paragraphs in pcd_1620_data().SECTIONS.items():
        for position, paragraph in enumerate(paragraphs, start=1):
            assert f"{kind}.{position}." in text
            assert squash(plain_text(paragraph)) in text, (kind, position)
    for recommendation in pcd_1620_data().RECOMMENDATIONS:
        assert squash(recommendation) in text
    assert (
        "Proposed Expenditure 2024/25 2025/26 2026/27 2027/28 Total "
        "Amount £450,000 £600,000 £600,000 £150,000 £1,800,000"
    ) in text
    for phrase in (
        "Reference code PCD 1620",
        "Date signed 1 March 2024",
        "Decision by Dee Morgan, Deputy Mayor for Policing and Crime",
        "Amends PCD 1406",
        "Is there a Part 2 form? No",
        "Is the publication of Part 1 of this approval to be deferred? No",
        "Appendix 4 - Equality Impact Assessment",
        "(c) the participating contracting authorities perform on the open market less than 20%",
        "A transparency notice will be published in accordance with best practice.",
    ):
        assert phrase in text, phrase


@pytest.mark.skipif(not SEED.exists(), reason="the shared seed is not beside this checkout")
def test_public_page_carries_every_numbered_paragraph_of_the_seed(client, pcd_1620):
    text = page_text(client.get("/decisions/pcd-1620/"))
    seed = SEED.read_text()
    numbered = re.findall(r"^(?:- )?(\d\.\d{1,2})\. (.{1,40})", seed, flags=re.M)
    assert len(numbered) == 36
    for number, opening in numbered:
        assert f"{number}. {squash(opening)}" in text, number


def test_amended_decision_shows_amended_by(client, pcd_1406):
    text = page_text(client.get("/decisions/pcd-1406/"))
    assert "Amended by PCD 1620" in text
    assert "£17,200,000" in text


def test_every_demo_login_has_work_waiting(client, demo_stages):
    """After `make run`: the Head of Service, the Chief Executive and the Deputy Mayor
    each have one decision waiting, whose draft PDF opens for them; the officer has
    decisions in every group."""
    from decisions.selectors import decisions_for_home
    from demo.stage_data import STAGE_DECISIONS

    by_stage = {spec.stage: Decision.objects.get(title=spec.title) for spec in STAGE_DECISIONS}
    expected = {
        Role.HEAD_OF_SERVICE: by_stage["submitted"],
        Role.CHIEF_EXECUTIVE: by_stage["cleared"],
        Role.DMPC: by_stage["awaiting_approval"],
    }
    for role, decision in expected.items():
        user = demo_stages[role]
        assert decisions_for_home(user).waiting_for_me == [decision], role
        client.force_login(user)
        response = client.get(f"/work/decisions/{decision.pk}/preview.pdf")
        assert response.status_code == 200, role
        assert response["Content-Type"] == "application/pdf", role

    returned = by_stage["returned"]
    assert returned.events.last().action == "return" and returned.events.last().comment
    assert by_stage["deferred"].state == "approved" and by_stage["deferred"].deferred
    groups = decisions_for_home(demo_stages[Role.OFFICER]).officer_groups
    assert all(group.rows for group in groups), [g.heading for g in groups if not g.rows]
    assert len(groups) == 8  # one per place, a single approver title among them
    # None of them is public: the deferred one's date has not come.
    client.logout()
    public = page_text(client.get("/decisions/")) + client.get("/decisions/feed/").content.decode()
    for spec in STAGE_DECISIONS:
        assert spec.title not in public, spec.stage
