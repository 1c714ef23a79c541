"""Administration pages: who may see them, staff accounts, API keys, the default profile."""
from __future__ import annotations

import hashlib
import re

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.models import ApiKey, Complaint, StaffUser
from tests.conftest import STAFF_PASSWORD

ADMIN_PAGES = ["/admin/", "/admin/staff", "/admin/staff/new", "/admin/api-keys", "/admin/profile", "/admin/activity"]
NARRATIVE = "The collector rang my mother every evening for two weeks about my credit card."


def staff_row(app, email: str) -> StaffUser:
    with app.app_context():
        staff = db.session.scalar(sa.select(StaffUser).where(StaffUser.email == email))
        assert staff is not None
        db.session.expunge(staff)
        return staff


def shown_secret(html: str, pattern: str) -> str:
    found = re.search(r'<code class="reference-box secret">([^<]+)</code>', html)
    assert found, html[:2000]
    assert re.fullmatch(pattern, found.group(1)), found.group(1)
    return found.group(1)


# --- access -----------------------------------------------------------------


@pytest.mark.parametrize("page", ADMIN_PAGES)
def test_anonymous_is_sent_to_sign_in(client, page):
    response = client.get(page)
    assert response.status_code == 302
    assert "/staff/login" in response.headers["Location"]


@pytest.mark.parametrize("role", ["officer", "supervisor", "auditor"])
@pytest.mark.parametrize("page", ADMIN_PAGES)
def test_other_roles_are_refused(client, auth, role, page):
    auth.login(role)
    assert client.get(page).status_code == 403


@pytest.mark.parametrize("role", ["officer", "supervisor", "auditor"])
def test_other_roles_cannot_post_either(app, client, auth, role):
    target = auth.create("officer", email="target@redress.test")
    auth.login(role)
    for url, data in [
        ("/admin/staff/new", {"email": "x@redress.test", "role": "admin"}),
        (f"/admin/staff/{target}/deactivate", {}),
        (f"/admin/staff/{target}/password", {}),
        (f"/admin/staff/{target}", {"role": "admin"}),
        ("/admin/api-keys", {"name": "sneaky"}),
        ("/admin/profile", {"profile": "cn-nfra"}),
    ]:
        assert client.post(url, data=data).status_code == 403, url
    assert staff_row(app, "target@redress.test").active
    assert staff_row(app, "target@redress.test").role == "officer"
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ApiKey)) == 0


@pytest.mark.parametrize("page", ADMIN_PAGES)
def test_admin_sees_every_page(client, auth, page):
    auth.login("admin")
    response = client.get(page, follow_redirects=True)
    assert response.status_code == 200
    assert 'aria-label="Administration"' in response.get_data(as_text=True)


# --- staff accounts ------------------------------------------------------------


def test_staff_list_shows_accounts(client, auth):
    auth.create("officer", email="olive@redress.test")
    auth.login("admin")
    html = client.get("/admin/staff").get_data(as_text=True)
    assert "olive@redress.test" in html and "Complaint officer" in html
    assert "admin@redress.test" in html


def test_create_staff_with_a_chosen_password(app, client, auth):
    auth.login("admin")
    response = client.post(
        "/admin/staff/new",
        data={"email": "New.Officer@Redress.test", "display_name": "Nell", "role": "officer",
              "language": "zh_Hans", "password": "a long enough password", "confirm": "a long enough password"},
    )
    assert response.status_code == 302
    staff = staff_row(app, "new.officer@redress.test")
    assert (staff.role, staff.language, staff.display_name, staff.active) == ("officer", "zh_Hans", "Nell", True)
    assert "a long enough password" not in staff.password_hash

    auth.logout()
    signed_in = client.post("/staff/login", data={"email": "new.officer@redress.test",
                                                  "password": "a long enough password"})
    assert signed_in.status_code == 302


def test_create_staff_with_a_made_password_shown_once(app, client, auth):
    auth.login("admin")
    response = client.post("/admin/staff/new", data={"email": "sup@redress.test", "role": "supervisor"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    password = shown_secret(response.get_data(as_text=True), r"[A-Za-z0-9_-]{16}")
    assert password not in client.get("/admin/staff").get_data(as_text=True)
    auth.logout()
    assert client.post("/staff/login", data={"email": "sup@redress.test", "password": password}).status_code == 302


def test_create_staff_errors(app, client, auth):
    auth.create("officer", email="taken@redress.test")
    auth.login("admin")
    response = client.post(
        "/admin/staff/new",
        data={"email": "not-an-address", "role": "overlord", "password": "short", "confirm": "different"},
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Enter a valid e-mail address." in html
    assert "Not a valid choice" in html
    assert "at least 12 characters" in html
    assert "not the same" in html
    taken = client.post("/admin/staff/new", data={"email": "taken@redress.test", "role": "officer"})
    assert taken.status_code == 400
    assert "already exists" in taken.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(StaffUser)) == 2


def test_deactivate_signs_out_and_blocks_sign_in_then_reactivate(app, client, auth):
    officer_id = auth.create("officer")
    other = app.test_client()
    assert other.post("/staff/login", data={"email": "officer@redress.test", "password": STAFF_PASSWORD}).status_code == 302
    assert other.get("/admin/staff").status_code == 403  # signed in (403, not a redirect)

    auth.login("admin")
    assert client.post(f"/admin/staff/{officer_id}/deactivate").status_code == 302
    assert not staff_row(app, "officer@redress.test").active
    assert other.get("/admin/staff").status_code == 302  # the old session ended
    again = other.post("/staff/login", data={"email": "officer@redress.test", "password": STAFF_PASSWORD})
    assert again.status_code != 302

    assert client.post(f"/admin/staff/{officer_id}/reactivate").status_code == 302
    assert staff_row(app, "officer@redress.test").active
    assert other.post("/staff/login", data={"email": "officer@redress.test", "password": STAFF_PASSWORD}).status_code == 302


def test_admin_cannot_deactivate_or_demote_themselves(app, client, auth):
    auth.login("admin")
    me = staff_row(app, "admin@redress.test")
    response = client.post(f"/admin/staff/{me.id}/deactivate", follow_redirects=True)
    assert "cannot deactivate your own account" in response.get_data(as_text=True)
    demote = client.post(f"/admin/staff/{me.id}", data={"role": "officer", "display_name": "me"})
    assert demote.status_code == 400
    assert staff_row(app, "admin@redress.test").active
    assert staff_row(app, "admin@redress.test").role == "admin"


def test_edit_role_and_language(app, client, auth):
    officer_id = auth.create("officer")
    auth.login("admin")
    assert client.get(f"/admin/staff/{officer_id}").status_code == 200
    response = client.post(f"/admin/staff/{officer_id}",
                           data={"display_name": "Olive", "role": "supervisor", "language": "zh_Hans"})
    assert response.status_code == 302
    staff = staff_row(app, "officer@redress.test")
    assert (staff.role, staff.language, staff.display_name) == ("supervisor", "zh_Hans", "Olive")
    assert client.get("/admin/staff/99999").status_code == 404


def test_reset_password(app, client, auth):
    officer_id = auth.create("officer")
    auth.login("admin")
    response = client.post(f"/admin/staff/{officer_id}/password")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    password = shown_secret(response.get_data(as_text=True), r"[A-Za-z0-9_-]{16}")
    auth.logout()
    assert client.post("/staff/login", data={"email": "officer@redress.test", "password": STAFF_PASSWORD}).status_code != 302
    assert client.post("/staff/login", data={"email": "officer@redress.test", "password": password}).status_code == 302


# --- API keys --------------------------------------------------------------------


def test_api_key_made_shown_once_and_revoked(app, client, auth):
    auth.login("admin")
    response = client.post("/admin/api-keys", data={"name": "Bank CRM"})
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    key = shown_secret(response.get_data(as_text=True), r"rdk_[A-Za-z0-9_-]{43}")
    with app.app_context():
        row = db.session.scalar(sa.select(ApiKey))
        assert row.key_hash == hashlib.sha256(key.encode()).hexdigest()
        key_id = row.id

    listing = client.get("/admin/api-keys").get_data(as_text=True)
    assert "Bank CRM" in listing and key not in listing and key[:12] in listing

    api = app.test_client()
    headers = {"Authorization": f"Bearer {key}"}
    assert api.post("/api/v1/complaints", json={"narrative": NARRATIVE}, headers=headers).status_code == 201

    assert client.post(f"/admin/api-keys/{key_id}/revoke").status_code == 302
    assert api.post("/api/v1/complaints", json={"narrative": NARRATIVE}, headers=headers).status_code == 401
    assert "Revoked" in client.get("/admin/api-keys").get_data(as_text=True)


def test_api_key_needs_a_name(client, auth):
    auth.login("admin")
    response = client.post("/admin/api-keys", data={"name": ""})
    assert response.status_code == 400
    assert "Enter a name" in response.get_data(as_text=True)


# --- the default profile ------------------------------------------------------------


def test_default_profile_choice_applies_to_new_complaints(app, client, auth):
    from portal.api_keys import create_api_key

    auth.login("admin")
    assert client.post("/admin/profile", data={"profile": "atlantis"}).status_code == 400
    assert client.post("/admin/profile", data={"profile": "cn-nfra"}).status_code == 302
    html = client.get("/admin/profile").get_data(as_text=True)
    assert '<option selected value="cn-nfra">' in html

    with app.app_context():
        from portal.site_settings import default_profile_id

        assert default_profile_id() == "cn-nfra"
        key = create_api_key("crm").secret
        db.session.commit()
    body = app.test_client().post("/api/v1/complaints", json={"narrative": NARRATIVE},
                                  headers={"Authorization": f"Bearer {key}"}).json
    assert body["jurisdiction"] == "cn-nfra"
    with app.app_context():
        assert db.session.scalar(sa.select(Complaint.jurisdiction)) == "cn-nfra"


# --- languages and CSRF ------------------------------------------------------------------


def test_admin_page_in_both_languages(client, auth):
    auth.create("officer", email="olive@redress.test")
    auth.login("admin")
    english = client.get("/admin/staff?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in english
    assert "Staff accounts" in english and "Complaint officer" in english and "Deactivate" in english
    chinese = client.get("/admin/staff?lang=zh_Hans").get_data(as_text=True)
    assert '<html lang="zh-Hans">' in chinese
    assert "员工账户" in chinese and "投诉专员" in chinese and "停用" in chinese
    assert "Staff accounts" not in chinese and "Complaint officer" not in chinese
    keys = client.get("/admin/api-keys").get_data(as_text=True)  # the choice sticks
    assert "API 密钥" in keys


def test_forms_need_a_csrf_token(csrf_app, auth):
    client = csrf_app.test_client()
    auth.client = client
    officer_id = auth.create("officer")
    page = client.get("/staff/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert client.post("/staff/login", data={"email": "admin@redress.test", "password": STAFF_PASSWORD,
                                             "csrf_token": token}).status_code in (302, 401)
    auth.create("admin")
    assert client.post("/staff/login", data={"email": "admin@redress.test", "password": STAFF_PASSWORD,
                                             "csrf_token": token}).status_code == 302
    for url, data in [(f"/admin/staff/{officer_id}/deactivate", {}), ("/admin/api-keys", {"name": "x"}),
                      ("/admin/profile", {"profile": "uk-fca"}), ("/admin/staff/new", {"email": "a@b.test", "role": "officer"})]:
        assert client.post(url, data=data).status_code == 400, url
    with csrf_app.app_context():
        assert db.session.get(StaffUser, officer_id).active
    page = client.get("/admin/staff").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert client.post(f"/admin/staff/{officer_id}/deactivate", data={"csrf_token": token}).status_code == 302
    with csrf_app.app_context():
        assert not db.session.get(StaffUser, officer_id).active
