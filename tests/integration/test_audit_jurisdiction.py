"""Audits by jurisdiction: the log's own field, its import's option, the profile's zone list.

`flask audit run --profile ID` keeps covering every log; `--own-logs` (and
every audit, findings list and scorecard of the web pages) covers only the
profile's own logs.
"""
from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from portal.contacts.importer import import_rows
from portal.contacts.jurisdiction import jurisdiction_of
from portal.domain.contact_fields import KNOWN_FIELDS
from portal.domain.profiles import ProfileError, parse_profile, zone_jurisdictions
from portal.extensions import db
from portal.models import ContactImport, ContactLog, Finding
from tests.integration.test_api import api_key, bearer  # noqa: F401 - the fixture
from tests.integration.test_audit_cli import gen_log


def night_call(external_id: str, zone: str, offset: str, **overrides) -> dict:
    """A call at 23:30 local time: CN-NIGHT, US-TIME and UK-TIME all flag it."""
    return gen_log(external_id, f"2026-03-02T23:30:00{offset}", consumer_tz=zone,
                   account_ref=f"ACC-{external_id}", **overrides)


def mixed_logs() -> list[dict]:
    return [
        night_call("NY1", "America/New_York", "-05:00"),
        night_call("NY2", "America/Chicago", "-06:00"),
        night_call("SH1", "Asia/Shanghai", "+08:00"),
        night_call("LN1", "Europe/London", "+00:00"),
        night_call("TK1", "Asia/Tokyo", "+09:00"),  # no profile lists Tokyo
    ]


def audit(runner, *args) -> dict:
    result = runner.invoke(args=["audit", "run", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout.strip().splitlines()[-1])


def offending(app, profile: str) -> set[str]:
    with app.app_context():
        return set(db.session.scalars(
            sa.select(ContactLog.external_id).join(Finding, Finding.contact_log_id == ContactLog.id)
            .where(Finding.profile == profile, Finding.rule_id != "LANG-ABUSE")
        ))


def test_each_profile_lists_its_zones_and_no_zone_twice():
    zones = zone_jurisdictions()
    assert zones["America/New_York"] == "us-cfpb" and zones["Pacific/Honolulu"] == "us-cfpb"
    assert zones["Asia/Shanghai"] == "cn-nfra" and zones["Europe/London"] == "uk-fca"
    assert "Asia/Hong_Kong" not in zones and "Asia/Tokyo" not in zones
    assert jurisdiction_of(None, "Asia/Urumqi") == "cn-nfra"
    assert jurisdiction_of("uk-fca", "Asia/Urumqi") == "uk-fca"
    assert jurisdiction_of(None, "Asia/Tokyo") is None


def test_a_profile_zone_must_be_a_real_zone(tmp_path):
    from portal.domain.profiles import read_profile_file

    source = Path(__file__).resolve().parents[2] / "portal" / "profiles" / "uk-fca.toml"
    text = source.read_text(encoding="utf-8").replace('"GB-Eire"]', '"Europe/Atlantis"]')
    bad = tmp_path / "uk-fca.toml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(ProfileError, match="Europe/Atlantis"):
        read_profile_file(bad)


def test_a_zone_listed_by_two_profiles_is_an_error(tmp_path):
    root = Path(__file__).resolve().parents[2] / "portal" / "profiles"
    for name in ("uk-fca", "us-cfpb"):
        (tmp_path / f"{name}.toml").write_text((root / f"{name}.toml").read_text(encoding="utf-8"), encoding="utf-8")
    uk = tmp_path / "uk-fca.toml"
    uk.write_text(uk.read_text(encoding="utf-8").replace('"GB-Eire"]', '"GB-Eire", "America/New_York"]'),
                  encoding="utf-8")
    with pytest.raises(ProfileError, match="America/New_York"):
        zone_jurisdictions(tmp_path)


def test_unscoped_run_still_covers_every_log(app, runner):
    with app.app_context():
        assert import_rows(mixed_logs()).rejected == 0
    report = audit(runner, "--profile", "cn-nfra")
    assert report["logs_checked"] == 5 and report["scope"] == "all"
    # The night ban of the mainland over every consumer, as outside scripts expect.
    assert offending(app, "cn-nfra") == {"NY1", "NY2", "SH1", "LN1", "TK1"}
    exported = runner.invoke(args=["audit", "export", "--profile", "cn-nfra"])
    assert {json.loads(line)["external_id"] for line in exported.stdout.splitlines()} >= {"NY1", "SH1", "TK1"}


def test_own_logs_by_zone_list(app, runner):
    with app.app_context():
        import_rows(mixed_logs())
    report = audit(runner, "--profile", "cn-nfra", "--own-logs")
    assert report["logs_checked"] == 1 and report["scope"] == "own"
    assert offending(app, "cn-nfra") == {"SH1"}
    assert audit(runner, "--profile", "us-cfpb", "--own-logs")["logs_checked"] == 2
    assert offending(app, "us-cfpb") == {"NY1", "NY2"}
    assert audit(runner, "--profile", "uk-fca", "--own-logs")["logs_checked"] == 1
    assert offending(app, "uk-fca") == {"LN1"}


def test_own_logs_by_the_logs_field_over_its_zone(app, runner):
    logs = mixed_logs()
    logs[0]["jurisdiction"] = "cn-nfra"  # a New York consumer of a mainland card issuer
    logs[4]["jurisdiction"] = " uk-fca "
    with app.app_context():
        assert import_rows(logs).rejected == 0
        assert db.session.scalar(sa.select(ContactLog.jurisdiction).where(ContactLog.external_id == "TK1")) == "uk-fca"
    assert audit(runner, "--profile", "cn-nfra", "--own-logs")["logs_checked"] == 2
    assert offending(app, "cn-nfra") == {"NY1", "SH1"}
    audit(runner, "--profile", "us-cfpb", "--own-logs")
    assert offending(app, "us-cfpb") == {"NY2"}
    audit(runner, "--profile", "uk-fca", "--own-logs")
    assert offending(app, "uk-fca") == {"LN1", "TK1"}


def test_an_unknown_jurisdiction_in_a_row_is_a_reject_and_the_rest_stay(app):
    logs = mixed_logs()
    logs[1]["jurisdiction"] = "eu-eba"
    with app.app_context():
        result = import_rows(logs)
        assert (result.imported, result.rejected) == (4, 1)
        assert result.rejects[0].line == 2
        # The reason names the field and the problem, never the value (it may carry personal data).
        assert result.rejects[0].reason.startswith("jurisdiction: the value is not a profile; use one of cn-nfra")
        assert "eu-eba" not in result.rejects[0].reason


def write_csv(path: Path, rows: list[dict]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=list(KNOWN_FIELDS), lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({name: row.get(name, "") for name in KNOWN_FIELDS})
    return path


def test_import_option_assigns_rows_that_name_none(app, runner, tmp_path):
    rows = mixed_logs()
    rows[3]["jurisdiction"] = "uk-fca"  # its own field wins over the option
    path = write_csv(tmp_path / "agency.csv", rows)
    result = runner.invoke(args=["contacts", "import", str(path), "--jurisdiction", "cn-nfra"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"imported": 5, "duplicates": 0, "rejected": 0}
    with app.app_context():
        assert db.session.scalar(sa.select(ContactImport.jurisdiction)) == "cn-nfra"
    assert audit(runner, "--profile", "cn-nfra", "--own-logs")["logs_checked"] == 4
    assert offending(app, "cn-nfra") == {"NY1", "NY2", "SH1", "TK1"}
    assert audit(runner, "--profile", "uk-fca", "--own-logs")["logs_checked"] == 1
    assert audit(runner, "--profile", "us-cfpb", "--own-logs")["logs_checked"] == 0
    # Importing the same file again changes nothing, with or without the option.
    again = runner.invoke(args=["contacts", "import", str(path)])
    assert json.loads(again.stdout) == {"imported": 0, "duplicates": 5, "rejected": 0}


def test_import_option_must_name_a_profile(runner, tmp_path):
    path = write_csv(tmp_path / "agency.csv", mixed_logs())
    result = runner.invoke(args=["contacts", "import", str(path), "--jurisdiction", "mars"])
    assert result.exit_code != 0
    assert "--jurisdiction" in result.output and "mars" in result.output


def test_api_jurisdiction_parameter(app, client, api_key):  # noqa: F811
    response = client.post("/api/v1/contact-logs?jurisdiction=uk-fca", json=mixed_logs()[:2], headers=bearer(api_key))
    assert response.status_code == 200, response.get_json()
    with app.app_context():
        assert set(db.session.scalars(sa.select(ContactLog.jurisdiction))) == {"uk-fca"}
    response = client.post("/api/v1/contact-logs?jurisdiction=nope", json=mixed_logs()[2:], headers=bearer(api_key))
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert [error["field"] for error in errors] == ["jurisdiction"]
    assert "use one of cn-nfra, uk-fca, us-cfpb" in errors[0]["message"]
    assert "nope" not in json.dumps(response.get_json())  # the value is not echoed
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ContactLog)) == 2


def test_upload_form_jurisdiction(app, client, auth, tmp_path):
    import io

    app.config["CONTACT_JOBS_INLINE"] = True
    auth.login("auditor")
    data = write_csv(tmp_path / "x.csv", mixed_logs()).read_bytes()
    response = client.post("/audit/imports", data={"file": (io.BytesIO(data), "x.csv"), "source": "",
                                                   "jurisdiction": "us-cfpb"},
                           content_type="multipart/form-data")
    assert response.status_code == 303
    with app.app_context():
        assert set(db.session.scalars(sa.select(ContactLog.jurisdiction))) == {"us-cfpb"}
    response = client.post("/audit/imports", data={"file": (io.BytesIO(data), "x.csv"), "jurisdiction": "mars"},
                           content_type="multipart/form-data")
    assert response.status_code == 400


def test_findings_and_scorecards_pages_cover_own_logs_after_an_unscoped_run(app, client, runner, auth):
    with app.app_context():
        import_rows(mixed_logs())
    audit(runner, "--profile", "cn-nfra")  # every log: five CN-NIGHT findings stored
    auth.login("auditor")
    page = client.get("/audit/findings?profile=cn-nfra").get_data(as_text=True)
    assert "1 finding" in page and "ACC-SH1" in page and "ACC-NY1" not in page
    page = client.get("/audit/findings").get_data(as_text=True)
    assert "ACC-SH1" in page and "ACC-TK1" not in page
    page = client.get("/audit/scorecards?profile=cn-nfra").get_data(as_text=True)
    # One contact (the Shanghai call), one finding on it: 1,000 per 1,000, not 5,000.
    assert ">1000.0<" in page and ">5000.0<" not in page
    page = client.get("/audit/scorecards?profile=us-cfpb").get_data(as_text=True)
    assert ">2<" in page  # the two US contacts


def test_a_profile_without_a_zones_list_owns_its_time_zone():
    data = {
        "id": "xx-test", "timezone": "Asia/Tokyo", "sources": ["s"], "names": {"en": "X", "zh": "X"},
        "calendar": {"description": "d", "holidays": "JP", "subdivision": "", "weekend": ["Sat", "Sun"],
                     "swapped_workdays": False},
        "deadlines": {"first_response": {"calendar_days": 15}, "final": {"calendar_days": 60}, "pauses": [],
                      "review_window_days": 30, "in_progress_counts_as_first_response": False},
    }
    assert parse_profile(data).zones == ("Asia/Tokyo",)
