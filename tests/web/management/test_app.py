"""What a person does on the home and admin pages: share a dashboard, manage users and groups.

Each test makes its own users and groups, and leaves the demo dashboards private as it
found them, so the tests hold in any order and beside the other files' tests."""

from __future__ import annotations

import uuid
from typing import Any

from biovista.auth.policy import LOCAL_ADMIN
from biovista.config import Settings
from biovista.db.session import session_scope
from biovista.services.accounts.users import create_user
from biovista.services.dashboards.documents import list_dashboards
from tests.web.conftest import PASSWORD, choose, sign_in
from tests.web.viewer.test_app import metric


def fresh_user(settings: Settings, role: str = "user") -> str:
    email = f"user-{uuid.uuid4().hex[:10]}@example.org"
    with session_scope(settings.resolved_database_url) as session:
        create_user(session, email, PASSWORD, role=role)
    return email


def demo_dashboard(settings: Settings, project: str) -> tuple[str, str]:
    """The id and title of a demo project's bundled dashboard."""
    with session_scope(settings.resolved_database_url) as session:
        bundled = list_dashboards(session, LOCAL_ADMIN, project)
        board = next(b for b in bundled if b.created_by == str(LOCAL_ADMIN.user_id))
        return str(board.id), board.title


def open_share_dialog(page: Any, base: str, dashboard: str, title: str) -> None:
    page.goto(f"{base}/")
    row = page.locator(f".bv-dashboard[data-dashboard='{dashboard}']")
    row.get_by_role("button", name="Share").click()
    page.locator("#share-title").wait_for()
    assert page.inner_text("#share-title") == title


def share_with(page: Any, who: str, role: str) -> Any:
    """Fill the dialog's form; the role's row once it is listed."""
    page.fill("#share-who", who)
    choose(page, "#share-role", role)
    page.click("#share-add")
    row = page.locator(f".bv-grant[data-who='{who}'][data-role='{role}']")
    row.wait_for()
    assert row.locator("input").first.input_value() == role
    return row


def choose_role(row: Any, page: Any, role: str) -> None:
    """Change a listed role with its own menu; wait until the list shows it."""
    who = row.get_attribute("data-who")
    row.locator("input").first.click()
    page.get_by_role("option", name=role, exact=True).click()
    page.locator(f".bv-grant[data-who='{who}'][data-role='{role}']").wait_for()


def set_public(page: Any, public: bool) -> None:
    switch = page.locator("#share-public")
    if switch.is_checked() != public:
        page.locator("label[for='share-public']").click()
    expected = "Anyone with the dashboard's address" if public else "Only the roles above"
    page.locator("#share-public-state", has_text=expected).wait_for()


def test_an_owner_shares_a_dashboard_with_a_user_and_takes_it_back(
    server: tuple[str, Settings], browser: Any
) -> None:
    base, settings = server
    dashboard, title = demo_dashboard(settings, "penguins")
    reader = fresh_user(settings)
    owner = browser.new_context()
    page = owner.new_page()
    sign_in(page, base, "owner@example.org")
    open_share_dialog(page, base, dashboard, title)

    page.fill("#share-who", "nobody-at-all@example.org")
    page.click("#share-add")
    page.locator("#share-error").wait_for()
    assert page.inner_text("#share-error") == "no user with e-mail nobody-at-all@example.org"
    row = share_with(page, reader, "viewer")
    assert "from project penguins" in row.inner_text()
    assert page.locator("#share-error").count() == 0
    set_public(page, False)  # another test may have published it; then it stays readable

    guest = browser.new_context()
    other = guest.new_page()
    sign_in(other, base, reader)
    link = other.locator(".bv-dashboard-link", has_text=title)
    link.wait_for()
    assert other.locator(".bv-project").get_attribute("data-project") == "penguins"
    assert other.get_by_role("button", name="Share").count() == 0  # viewers do not share
    link.click()
    other.locator("#read-only").wait_for()
    assert other.locator("#edit-link").count() == 0
    assert metric(other, "birds") == "342"

    choose_role(row, page, "editor")
    other.goto(f"{base}/dashboard-edit/{dashboard}")
    other.locator("#add-component").wait_for()  # editors edit

    row = page.locator(f".bv-grant[data-who='{reader}']")
    row.get_by_role("button", name="Remove").click()
    row.wait_for(state="detached")
    other.goto(f"{base}/dashboard/{dashboard}")
    other.locator("#not-found").wait_for()
    other.goto(f"{base}/")
    other.get_by_text("No project is visible to you yet.").wait_for()
    guest.close()
    owner.close()


def test_the_dialog_publishes_makes_a_share_link_and_explains_mistakes(
    server: tuple[str, Settings], browser: Any
) -> None:
    base, settings = server
    dashboard, title = demo_dashboard(settings, "penguins")
    owner = browser.new_context()
    page = owner.new_page()
    sign_in(page, base, "owner@example.org")
    open_share_dialog(page, base, dashboard, title)
    page.fill("#share-who", "no-such-group")
    page.click("#share-add")
    page.locator("#share-error").wait_for()
    assert page.inner_text("#share-error") == "no group named 'no-such-group'"
    assert page.input_value("#share-who") == "no-such-group"  # kept, to correct it

    stranger = browser.new_context()
    reader = stranger.new_page()
    set_public(page, True)
    reader.goto(f"{base}/dashboard/{dashboard}")
    assert metric(reader, "birds") == "342"
    set_public(page, False)
    reader.goto(f"{base}/dashboard/{dashboard}")
    reader.locator("#not-found").wait_for()

    page.click("#share-make-link")
    address = page.locator("#share-link-address")
    address.wait_for()
    shared = address.inner_text()
    assert shared.startswith("/dashboard/shared/")
    reader.goto(f"{base}{shared}")
    assert metric(reader, "birds") == "342"
    stranger.close()
    owner.close()


def test_admin_shares_a_project_with_a_group_whose_member_then_edits(
    server: tuple[str, Settings], browser: Any
) -> None:
    base, settings = server
    dashboard, title = demo_dashboard(settings, "ampliseq-qc")
    member = fresh_user(settings)
    group = f"lab-{uuid.uuid4().hex[:8]}"
    admin = browser.new_context()
    page = admin.new_page()
    sign_in(page, base, "owner@example.org")
    page.goto(f"{base}/admin")
    page.fill("#admin-group-name", group)
    page.fill("#admin-group-description", "the sequencing lab")
    page.click("#admin-create-group")
    row = page.locator(f".bv-group[data-group='{group}']")
    row.wait_for()
    assert "1 member" in row.inner_text()  # its creator, as its admin
    choose(page, "#admin-member-group", group)
    page.fill("#admin-member-email", member)
    page.click("#admin-add-member")
    row.locator(".bv-invited", has_text=member).wait_for()  # invited, not yet a member
    assert "1 member" in row.inner_text()

    colleague = browser.new_context()
    other = colleague.new_page()
    sign_in(other, base, member)
    other.get_by_role("link", name="Groups").click()  # not a server admin: groups only
    invitation = other.locator(f".bv-invitation[data-group='{group}']")
    assert "from owner@example.org" in invitation.inner_text()
    invitation.get_by_role("button", name="Accept").click()
    other.locator(f".bv-group[data-group='{group}']", has_text="2 members").wait_for()
    assert other.locator(".bv-invitation").count() == 0

    page.goto(f"{base}/admin")
    page.locator(f".bv-group[data-group='{group}']", has_text="2 members").wait_for()
    assert member in row.inner_text()
    assert "owner@example.org · admin" in row.inner_text()
    assert row.locator(".bv-invited").count() == 0

    open_share_dialog(page, base, dashboard, title)
    granted = share_with(page, group, "editor")
    assert "group · 2 members" in granted.inner_text()
    assert "from project ampliseq-qc" in granted.inner_text()

    other.goto(f"{base}/dashboard-edit/{dashboard}")
    other.locator("#add-component").wait_for()
    assert other.locator("#not-found").count() == 0

    page.goto(f"{base}/admin")
    page.locator(f".bv-group[data-group='{group}']").get_by_role("button", name="Delete").click()
    page.locator(f".bv-group[data-group='{group}']").wait_for(state="detached")
    other.goto(f"{base}/dashboard-edit/{dashboard}")
    other.locator("#not-found").wait_for()  # the group's role went with it
    colleague.close()
    admin.close()


def test_admin_creates_promotes_and_disables_a_user(
    server: tuple[str, Settings], browser: Any
) -> None:
    base, _ = server
    email = f"made-{uuid.uuid4().hex[:8]}@example.org"
    admin = browser.new_context()
    page = admin.new_page()
    sign_in(page, base, "owner@example.org")
    page.goto(f"{base}/admin")
    page.fill("#admin-new-email", "not an address")
    page.fill("#admin-new-password", PASSWORD)
    page.click("#admin-create-user")
    page.locator("#admin-users-error").wait_for()
    assert "'not an address' is not an e-mail address" in page.inner_text("#admin-users-error")

    page.fill("#admin-new-email", email)
    page.click("#admin-create-user")
    page.locator("#admin-users-done", has_text=f"Created {email} (user).").wait_for()
    grid_row = page.locator(f"#admin-users .ag-row[row-id='{email}']")
    grid_row.wait_for()
    assert grid_row.inner_text().split() == [email, "user", "active"]

    choose(page, "#admin-pick-user", email)
    choose(page, "#admin-pick-role", "admin")
    page.click("#admin-set-role")
    page.locator("#admin-users-done", has_text=f"{email} is now admin.").wait_for()
    assert grid_row.inner_text().split() == [email, "admin", "active"]
    page.click("#admin-disable")
    page.locator("#admin-users-done", has_text=f"{email} is disabled.").wait_for()
    assert grid_row.inner_text().split() == [email, "admin", "disabled"]

    visitor = browser.new_context()
    other = visitor.new_page()
    other.goto(f"{base}/login")
    other.fill("#login-email", email)
    other.fill("#login-password", PASSWORD)
    other.click("#login-submit")
    other.locator("#login-error", has_text="wrong e-mail or password").wait_for()
    assert other.inner_text("#login-error") == (
        "wrong e-mail or password, or the account is disabled"
    )
    visitor.close()
    admin.close()
