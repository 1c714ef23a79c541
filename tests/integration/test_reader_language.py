"""What a reader sees in their own language: status names, mask markers and values on the case page."""
from __future__ import annotations

import sqlalchemy as sa

from portal.extensions import db
from portal.models import Complaint
from tests.integration._cases import gen_complaint

from .intake_helpers import submit


def test_the_status_received_reads_as_already_received_not_as_the_date_heading(app, client, auth):
    _response, reference, code = submit(client, lang="zh_Hans")
    client.post("/track?lang=zh_Hans", data={"reference": reference, "access_code": code})
    tracking = client.get("/track?lang=zh_Hans").get_data(as_text=True)
    assert "已收到" in tracking and "收到日期" not in tracking

    client.post("/track/leave")
    auth.login("officer")
    queue = client.get("/staff/queue?lang=zh_Hans").get_data(as_text=True)
    assert "已收到" in queue and "收到日期" not in queue
    case = client.get(f"/staff/complaints/{reference}?lang=zh_Hans").get_data(as_text=True)
    assert "已收到" in case and "收到日期" not in case

    # Where "Received" heads the date column it still means the date.
    with app.test_request_context("/?lang=zh_Hans"):
        from flask_babel import gettext, refresh

        refresh()
        assert gettext("Received") == "收到日期"
