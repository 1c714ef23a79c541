"""No full card number (or resident ID number) is ever stored (SPEC section 7).

Complaints are filed through the web form and through the filing service with
numbers in every free-text field; then every text column of every table is
read back and searched.
"""
from __future__ import annotations

import re
from decimal import Decimal

import sqlalchemy as sa

from portal.extensions import db
from portal.filing import ComplaintDraft, file_complaint, looks_like_card_number
from portal.models import Complaint

from .intake_helpers import PNG, STEPS, multipart, submit

CARDS = {
    "4111111111111111": "4111 1111 1111 1111",
    "5500005555555559": "5500-0055-5555-5559",
    "378282246310005": "3782 822463 10005",
    "6011000990139424": "６０１１０００９９０１３９４２４",  # full-width digits
}
RESIDENT_ID = "11010519491231002X"
_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


def all_stored_text() -> list[tuple[str, str, str]]:
    """(table, column, text) for every String, Text and JSON value in the database."""
    found = []
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, (sa.String, sa.Text, sa.JSON))]
        if not columns:
            continue
        for row in db.session.execute(sa.select(*columns)).mappings():
            for column in columns:
                value = row[column.name]
                if value is not None:
                    found.append((table.name, column.name, value if isinstance(value, str) else repr(value)))
    return found


def leaks(stored) -> list[tuple[str, str, str]]:
    out = []
    for table, column, text in stored:
        compact = re.sub(r"[\s\-\u3000]", "", text.translate(_DIGITS))
        for digits in [*CARDS, RESIDENT_ID]:
            if digits in compact:
                out.append((table, column, digits))
    return out


def test_no_card_number_is_stored_anywhere(app, client):
    numbers = " and ".join(CARDS.values())
    # A card number in a one-line answer (a name) is a slip: refused with a
    # message, never shown back nor stored; the rest of the answer is kept.
    for slug, data in (("who", {"agency": f"Collector for card {CARDS['4111111111111111']}",
                                 "agent_name": f"Agent {CARDS['5500005555555559']}"}),
                       ("details", {"name": f"Jane {CARDS['6011000990139424']} Doe", "account_ref": "1111"})):
        refused = client.post(f"/complaint/{slug}", data={**STEPS[slug], **data, "action": "continue"})
        assert refused.status_code == 422
        page = refused.get_data(as_text=True)
        assert "We removed what looked like a card or ID number" in page
        assert not any(d in page or f in page for d, f in CARDS.items())
        with app.app_context():
            assert leaks(all_stored_text()) == []
    assert 'value="Collector for card"' in client.get("/complaint/who").get_data(as_text=True)
    _response, reference, code = submit(
        client,
        {
            "what": {"narrative": f"They read out my cards {numbers} and my ID {RESIDENT_ID} on the phone."},
            "wish": {"desired_resolution": f"Close card {CARDS['378282246310005']} account"},
            "details": {"name": "Jane Doe", "account_ref": "1111"},
        },
    )
    # The evidence file's name, tracking additions and answers are free text too.
    client.post("/track", data={"reference": reference, "access_code": code})
    body, content_type = multipart(
        {"body": f"Another call about {CARDS['4111111111111111']} today, ID {RESIDENT_ID}"},
        [("files", "card 4111111111111111.png", PNG)],
    )
    assert client.post("/track/add", data=body, content_type=content_type).status_code == 302

    with app.app_context():
        complaint = db.session.scalar(sa.select(Complaint).where(Complaint.reference == reference))
        assert "[card •••• 1111]" in complaint.narrative
        assert "[ID •••• 002X]" in complaint.narrative
        assert complaint.name == "Jane Doe"
        # What was filed (every card and the ID in the narrative, one card in
        # the wish) and added while tracking (a card and the ID).
        assert complaint.redacted_count == len(CARDS) + 2 + 2
        stored = all_stored_text()
        assert any(t == "complaint" and c == "narrative" for t, c, _ in stored)  # the scan sees it
        assert leaks(stored) == []
    page = client.get("/track").get_data(as_text=True)
    assert not any(d in page for d in CARDS) and "4111 1111 1111 1111" not in page


def test_an_unfinished_draft_stores_no_card_number(app, client):
    client.post("/complaint/what", data={"narrative": f"My card {CARDS['4111111111111111']} was charged twice."})
    client.post("/complaint/who", data={"agency": CARDS["5500005555555559"]})
    with app.app_context():
        assert leaks(all_stored_text()) == []
    assert "[card •••• 1111]" in client.get("/complaint/what").get_data(as_text=True)


def test_the_filing_service_masks_every_field_whoever_calls_it(app):
    with app.test_request_context():
        filed = file_complaint(
            ComplaintDraft(
                narrative=f"Called about {CARDS['4111111111111111']} nine times.",
                agency=CARDS["5500005555555559"],
                agent_name=f"Bob {CARDS['378282246310005']}",
                desired_resolution=CARDS["6011000990139424"],
                name=f"Li {RESIDENT_ID}",
                email="li@example.com",
                phone="+86 138 0013 8000",
                account_ref="4111-1111-1111-1112",  # card-like but not Luhn-valid
                contact_numbers=[CARDS["4111111111111111"], "+86 10 6552 9988"],
                amount_demanded=Decimal("100"),
                currency="cny",
                jurisdiction="cn-nfra",
                language="zh_Hans",
                consent=True,
            ),
            source="api",
        )
        db.session.commit()
        complaint = filed.complaint
        assert complaint.account_ref == "[card •••• 1112]"
        assert complaint.contact_numbers == ["[card •••• 1111]", "+86 10 6552 9988"]
        assert complaint.currency == "CNY"
        assert complaint.redacted_count == 7
        assert leaks(all_stored_text()) == []
        assert "41111111111111" not in "".join(t for _a, _b, t in all_stored_text())


def test_account_reference_that_is_a_card_number():
    assert looks_like_card_number("4111 1111 1111 1111")
    assert looks_like_card_number("4111-1111-1111-1112")
    assert not looks_like_card_number("1111")
    assert not looks_like_card_number("ACC-2024-778812")
