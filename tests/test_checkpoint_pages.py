"""The transparency pages: /transparency/ and /transparency.json list every checkpoint,
paged; a proof asked for wrongly is answered with a sentence, never a 500."""

import pytest

from tests.helpers import page_text
from tests.test_checkpoints import imported, owner_sql
from transparency.models import RecordCheck
from transparency.services import RecordBroken, checkpoint_publish, record_check


def test_the_transparency_page_and_json_list_every_checkpoint(officer, records_manager, client):
    imported(officer, records_manager, 1201)
    checkpoints = [checkpoint_publish() for _ in range(3)]
    html = client.get("/transparency/").content.decode()
    assert "Checkpoints of the record" in html
    assert checkpoints[-1].hash in html
    for checkpoint in checkpoints:
        assert f'href="/transparency/checkpoints/{checkpoint.sequence}.json"' in html
    # On a phone the table scrolls in its own labelled region, not past the column.
    region = html.index('class="dr-table-wrapper" role="region" aria-label="Checkpoints')
    assert region < html.index("<caption") < html.index("</table>") < html.index("</div>", region)
    data = client.get("/transparency.json").json()
    assert data["latest"]["statement"]["sequence"] == 3
    assert [c["statement"]["sequence"] for c in data["checkpoints"]] == [3, 2, 1]
    assert data["pages"] == 1 and data["next"] is None
    assert "canonical JSON" in data["about"]["signed_bytes"]
    # Each checkpoint checked the record first: the last check, intact, is shown.
    check = RecordCheck.objects.latest("pk")
    text = page_text(html)
    assert (
        f"we recomputed the fingerprints of all {check.events_count:,} entries of the audit "
        f"log and all {check.decisions_size:,} published decisions from the record itself, "
        "and found them as our checkpoints state"
    ) in text
    assert data["last_check"]["intact"] is True


def test_a_broken_record_is_shown_on_the_transparency_page(officer, records_manager, client):
    imported(officer, records_manager, 1211)
    checkpoint_publish()
    owner_sql(
        "transparency_decisionleaf",
        "UPDATE transparency_decisionleaf SET reference = 'PCD 2' WHERE index = 0",
    )
    with pytest.raises(RecordBroken):
        record_check()
    text = page_text(client.get("/transparency/").content.decode())
    assert (
        "our check found that the log of published decisions no longer matches what our "
        "checkpoints state" in text
    )
    last = client.get("/transparency.json").json()["last_check"]
    assert last["intact"] is False and last["decisions"]["broken_at"] == 0
    assert last["broken"] == ["log of published decisions"]


def test_the_json_pages_past_fifty_checkpoints(officer, records_manager, client, monkeypatch):
    from transparency import selectors

    monkeypatch.setattr(selectors, "PER_PAGE", 2)
    imported(officer, records_manager, 1301)
    for _ in range(5):
        checkpoint_publish()
    first = client.get("/transparency.json").json()
    assert first["pages"] == 3 and first["next"].endswith("/transparency.json?page=2")
    last = client.get("/transparency.json?page=3").json()
    assert [c["statement"]["sequence"] for c in last["checkpoints"]] == [1]
    assert "page 3 of 3" in client.get("/transparency/?page=3").content.decode()


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ("", 400, "Give the checkpoint to prove from as a number"),
        ("?from=x", 400, "Give the checkpoint to prove from as a number"),
        ("?from=1&to=y", 400, "Give the checkpoint to prove to as a number"),
        ("?from=2&to=1", 400, "must not be later"),
        ("?from=9", 404, "There is no checkpoint 9"),
        ("?from=1&to=9", 404, "There is no checkpoint 9"),
    ],
)
def test_bad_proof_requests_are_answered_clearly(
    officer, records_manager, client, query, status, message
):
    imported(officer, records_manager, 1401)
    checkpoint_publish()
    checkpoint_publish()
    response = client.get(f"/transparency/proof.json{query}")
    assert response.status_code == status
    assert message in response.json()["error"]


def test_no_checkpoint_yet(client, db):
    html = client.get("/transparency/").content.decode()
    assert "No checkpoint has been published yet" in html
    assert "The record has not been checked yet" in html
    assert client.get("/transparency.json").json()["latest"] is None
    assert client.get("/transparency/checkpoints/1.json").status_code == 404
    assert client.get("/transparency/proof.json?from=1").status_code == 404
