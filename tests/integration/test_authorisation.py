"""Every staff route, as anonymous and as each role, against an explicit table.

The table is written from SPEC section 1 (who does what) and portal/access.py
(the permission each view declares). It lists roles, not permissions, so a
wrong line in access.py is caught here too. The walk goes over app.url_map:
a route added under /staff, /audit or /admin without a line here fails the
test and says which line to add.
"""
from __future__ import annotations

import re

import pytest

from tests.integration._cases import gen_complaint

ROLES = ("officer", "supervisor", "auditor", "admin")
STAFF_PREFIXES = ("/staff", "/audit", "/admin")

PUBLIC = "public"  # anyone, signed in or not
ANY_STAFF = frozenset(ROLES)  # any signed-in staff member

READERS = frozenset({"officer", "supervisor", "auditor"})  # complaints.read, attachments.download
WORKERS = frozenset({"officer", "supervisor"})  # complaints.work
SUPERVISOR = frozenset({"supervisor"})  # complaints.assign, deadlines.extend, dashboard.view
ADMIN = frozenset({"admin"})  # staff.manage, api_keys.manage, profiles.choose
AUDITOR = frozenset({"auditor"})  # audit.run, findings.export
IMPORTERS = frozenset({"auditor", "admin"})  # contacts.import
FINDINGS_READERS = frozenset({"auditor", "officer", "supervisor"})  # findings.read, contacts.read
SCORECARDS = frozenset({"auditor", "supervisor"})  # scorecards.view

# endpoint -> who may use it (every method), or {method: who} where methods differ.
EXPECTED: dict[str, object] = {
    # Sign-in.
    "auth.login": PUBLIC,
    "auth.logout": ANY_STAFF,
    "auth.preferences": ANY_STAFF,  # each staff member's own language and time zone
    # Case management (officers and supervisors work; auditors read; admins do not see complaints).
    "cases.index": ANY_STAFF,  # redirects each role to its own landing page
    "cases.queue": READERS,
    "cases.queue_counts_json": READERS,  # the queue's counts per filter, fetched by the queue page
    "cases.complaint": READERS,
    "cases.attachment": READERS,
    "cases.add_note": WORKERS,
    "cases.acknowledge": WORKERS,
    "cases.reclassify": WORKERS,
    "cases.request_information": WORKERS,
    "cases.respond": WORKERS,
    "cases.close": WORKERS,
    "cases.mark_duplicate": WORKERS,
    "cases.complexity": SUPERVISOR,  # a longer final deadline is an extension: deadlines.extend
    "cases.appraisal": WORKERS,
    "cases.assign": SUPERVISOR,
    "cases.claim": WORKERS,  # complaints.claim: "assign to me" (officers only while unassigned; test_officer_tools)
    "cases.queue_bulk": WORKERS,  # complaints.claim; "assign to…" further needs a supervisor (test_officer_tools)
    "cases.dashboard": SUPERVISOR,
    # Administration.
    "admin.index": ADMIN,
    "admin.staff_list": ADMIN,
    "admin.staff_create": ADMIN,
    "admin.staff_edit": ADMIN,
    "admin.staff_deactivate": ADMIN,
    "admin.staff_reactivate": ADMIN,
    "admin.staff_reset_password": ADMIN,
    "admin.api_keys": ADMIN,
    "admin.api_key_revoke": ADMIN,
    "admin.default_profile": ADMIN,
    "admin.activity": ADMIN,
    # Compliance audits (the endpoints base.html links to; more are added by their owner).
    "audit.findings": FINDINGS_READERS,
    "audit.imports": IMPORTERS,
    "audit.scorecards": SCORECARDS,
    "audit.index": FINDINGS_READERS,
    "audit.finding": FINDINGS_READERS,
    "audit.findings_csv": AUDITOR,
    "audit.run": AUDITOR,
    "audit.import_status": IMPORTERS,
    "audit.import_progress": IMPORTERS,
    "audit.import_rejects": IMPORTERS,
    "audit.import_template": IMPORTERS,  # the template CSV of the upload page
    "audit.contact_log": FINDINGS_READERS,  # contacts.read
    "audit.decide_link": WORKERS,  # complaints.work: linking is case work
    "audit.decide_links": WORKERS,  # complaints.work: several suggestions at once
    "audit.propose_log": AUDITOR,  # links.propose: an auditor proposes, an officer decides
    "audit.propose_finding": AUDITOR,  # links.propose
    "audit.proposals": WORKERS,  # complaints.work: officers confirm several proposals at once
    # Oversight: systemic-issue alerts and regulator reports (supervisors).
    "oversight.alerts": SUPERVISOR,  # alerts.view
    "oversight.alert": SUPERVISOR,
    "oversight.acknowledge_alert": SUPERVISOR,  # alerts.acknowledge
    "oversight.run_alerts": SUPERVISOR,  # alerts.run
    "oversight.reports": SUPERVISOR,  # reports.export
}

# Values for URL variables: ids that exist nowhere (a permitted role then gets
# a 404 from the view, after the permission check) and a real complaint.
MISSING_ID = 999_999


def staff_rules(app):
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)):
        if rule.rule.startswith(STAFF_PREFIXES):
            for method in sorted(rule.methods & {"GET", "POST", "PUT", "PATCH", "DELETE"}):
                yield rule, method


def allowed_roles(endpoint: str, method: str):
    entry = EXPECTED[endpoint]
    if isinstance(entry, dict):
        return entry[method]
    return entry


def build_url(rule, reference: str) -> str:
    from werkzeug.routing import IntegerConverter

    values = {}
    for name in rule.arguments:
        converter = rule._converters[name]
        if name == "reference":
            values[name] = reference
        elif isinstance(converter, IntegerConverter):
            values[name] = MISSING_ID
        else:
            values[name] = "missing"
    from werkzeug.routing import Map

    adapter = Map([rule.empty()]).bind("localhost")
    return adapter.build(rule.endpoint, values)


def test_every_staff_route_has_an_expected_entry(app):
    missing = sorted({rule.endpoint for rule, _ in staff_rules(app) if rule.endpoint not in EXPECTED})
    assert not missing, (
        "Staff routes without a line in EXPECTED (tests/integration/test_authorisation.py): "
        + ", ".join(missing)
        + ". Add each with the roles SPEC section 1 gives it."
    )


def _is_login_redirect(response) -> bool:
    return response.status_code in (301, 302, 303) and response.headers.get("Location", "").split("?")[0].endswith(
        "/staff/login"
    )


def _request(client, method: str, url: str):
    return client.open(url, method=method, data={} if method != "GET" else None, follow_redirects=False)


def test_anonymous_is_sent_to_sign_in(app, client):
    reference = gen_complaint(app)
    problems = []
    for rule, method in staff_rules(app):
        if rule.endpoint not in EXPECTED:
            continue  # reported by the test above
        url = build_url(rule, reference)
        response = _request(client, method, url)
        if allowed_roles(rule.endpoint, method) == PUBLIC:
            if response.status_code >= 500 or response.status_code in (401, 403):
                problems.append(f"{method} {url}: public page answered {response.status_code}")
        elif not _is_login_redirect(response):
            problems.append(f"{method} {url}: expected a redirect to sign-in, got {response.status_code}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_exactly_what_spec_section_1_gives_it(app, client, auth, role):
    reference = gen_complaint(app)
    auth.login(role)
    problems = []
    checked = 0
    for rule, method in staff_rules(app):
        if rule.endpoint not in EXPECTED:
            continue
        url = build_url(rule, reference)
        response = _request(client, method, url)
        allowed = allowed_roles(rule.endpoint, method)
        checked += 1
        if allowed == PUBLIC or role in allowed:
            signed_out = rule.endpoint == "auth.logout" and _is_login_redirect(response)
            if response.status_code == 403 or response.status_code >= 500 or (
                _is_login_redirect(response) and not signed_out
            ):
                problems.append(f"{method} {url}: {role} should be allowed, got {response.status_code}")
        elif response.status_code != 403:
            problems.append(f"{method} {url}: {role} should get 403, got {response.status_code}")
        if rule.endpoint == "auth.logout":
            auth.login(role)  # signed out by the walk: sign in again
    assert checked >= len(EXPECTED) - 3
    assert not problems, "\n".join(problems)


def test_auditor_sees_no_forms_on_a_complaint(app, client, auth):
    reference = gen_complaint(app)
    auth.login("auditor")
    html = client.get(f"/staff/complaints/{reference}").get_data(as_text=True)
    actions = re.findall(r'<form[^>]*method="post"[^>]*action="([^"]+)"', html)
    assert actions == ["/staff/logout"], actions
    assert "Read-only" in html


def test_officer_sees_the_work_forms_but_not_assignment(app, client, auth):
    reference = gen_complaint(app)
    auth.login("officer")
    html = client.get(f"/staff/complaints/{reference}").get_data(as_text=True)
    actions = set(re.findall(r'<form[^>]*method="post"[^>]*action="([^"]+)"', html))
    assert f"/staff/complaints/{reference}/respond" in actions
    assert f"/staff/complaints/{reference}/assign" not in actions
