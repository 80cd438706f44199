"""Who may open a dashboard for editing, and what a viewer's reads are limited to: the
saved components, and for a table its shown columns (also for sorting and filtering)."""

from __future__ import annotations

import uuid
from dataclasses import replace

import pytest

from biovista.auth.policy import LOCAL_ADMIN, ForbiddenError, Principal
from biovista.config import Settings
from biovista.db.session import session_scope
from biovista.errors import InvalidInputError, NotFoundError
from biovista.models.dashboard import FigureComponent, FilterState, MetricComponent
from biovista.models.loader import load_project
from biovista.query.dashboard import DashboardData
from biovista.query.shared import SharedReads
from biovista.services.accounts import grants as access
from biovista.services.accounts.users import create_user
from biovista.services.dashboards import documents as dashboards
from biovista.services.dashboards.open import open_dashboard, require_editor
from biovista.services.ingest.run import ingest_project
from tests.penguins import make_project

SPEC = {
    "tabs": [
        {
            "name": "t",
            "components": [
                {"type": "metric", "id": "birds", "collection": "physical", "agg": "count"},
                {
                    "type": "table",
                    "id": "narrow",
                    "collection": "physical",
                    "columns": ["species", "bill_length_mm"],
                },
                {"type": "table", "id": "wide", "collection": "physical"},
            ],
        }
    ]
}
PASSWORD = "a long enough password"


@pytest.fixture(scope="module")
def world(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Settings, uuid.UUID, dict[str, Principal]]:
    root = tmp_path_factory.mktemp("view")
    settings = Settings(data_dir=root / "data", database_url=f"sqlite:///{root / 'db.sqlite'}")
    ingest_project(load_project(make_project(root / "penguins")), settings)
    people: dict[str, Principal] = {}
    with session_scope(settings.resolved_database_url) as session:
        for role in ("owner", "editor", "viewer", "nobody"):
            user = create_user(session, f"{role}@example.org", PASSWORD)
            people[role] = Principal(user.id, "user", "write")
            if role != "nobody":
                access.grant_role(session, LOCAL_ADMIN, "penguins", role, f"{role}@example.org")
        made = dashboards.create_dashboard(session, LOCAL_ADMIN, "penguins", "d", SPEC)
        dashboards.set_public(session, LOCAL_ADMIN, made.id, True)
        return settings, made.id, people


def test_only_editors_open_a_dashboard_for_editing(
    world: tuple[Settings, uuid.UUID, dict[str, Principal]],
) -> None:
    settings, board, people = world
    assert require_editor(settings, people["owner"], board).can_edit
    assert require_editor(settings, people["editor"], board).can_edit
    assert require_editor(settings, LOCAL_ADMIN, board).can_edit
    with pytest.raises(ForbiddenError):
        require_editor(settings, people["viewer"], board)
    with pytest.raises(ForbiddenError):  # a read-only token of an editor
        require_editor(settings, replace(people["editor"], scope="read"), board)
    with pytest.raises(NotFoundError):  # public, but that opens the viewer only
        require_editor(settings, people["nobody"], board)
    with pytest.raises(NotFoundError):
        require_editor(settings, None, board)
    with pytest.raises(NotFoundError):
        require_editor(settings, people["editor"], uuid.uuid4())


def test_the_viewer_offers_editing_and_sharing_as_the_policy_allows(
    world: tuple[Settings, uuid.UUID, dict[str, Principal]],
) -> None:
    """A read-only token opens the dashboard read-only, whatever the role (admins too)."""
    settings, board, people = world

    def offered(principal: Principal | None) -> tuple[bool, bool]:
        opened = open_dashboard(settings, principal, board)
        return opened.can_edit, opened.can_share

    assert offered(people["owner"]) == (True, True)
    assert offered(people["editor"]) == (True, False)
    assert offered(people["viewer"]) == (False, False)
    assert offered(people["nobody"]) == (False, False)  # public: they see it, read-only
    assert offered(None) == (False, False)
    assert offered(LOCAL_ADMIN) == (True, True)
    assert offered(replace(people["owner"], scope="read")) == (False, False)
    assert offered(replace(LOCAL_ADMIN, scope="read")) == (False, False)


def test_viewers_read_saved_components_only(
    world: tuple[Settings, uuid.UUID, dict[str, Principal]],
) -> None:
    settings, board, people = world
    public = DashboardData(
        settings, open_dashboard(settings, None, board), SharedReads.for_settings(settings)
    )
    saved = public.opened.spec.component("birds")
    assert public.metric_for(saved, FilterState()) is not None
    unsaved = MetricComponent(id="birds", collection="demographics", agg="count")
    with pytest.raises(ForbiddenError):
        public.metric_for(unsaved, FilterState())
    with pytest.raises(ForbiddenError):
        public.figure_for(
            FigureComponent(id="x", collection="demographics", kind="bar", x="sex"), FilterState()
        )
    with pytest.raises(ForbiddenError):
        public.sample_rows("demographics", [], 5)
    editor = DashboardData(
        settings,
        require_editor(settings, people["editor"], board),
        SharedReads.for_settings(settings),
    )
    assert editor.metric_for(unsaved, FilterState()) is not None
    assert editor.sample_rows("demographics", [], 5).height == 5


def test_tables_sort_and_filter_by_shown_columns_only(
    world: tuple[Settings, uuid.UUID, dict[str, Principal]],
) -> None:
    settings, board, _ = world
    data = DashboardData(
        settings, open_dashboard(settings, None, board), SharedReads.for_settings(settings)
    )
    page, _ = data.table("narrow", FilterState(), 0, 5, [("species", True)], None)
    assert page.columns == ["species", "bill_length_mm"]
    with pytest.raises(InvalidInputError, match="does not show 'body_mass_g'"):
        data.table("narrow", FilterState(), 0, 5, [("body_mass_g", False)], None)
    hidden = {"body_mass_g": {"filterType": "number", "type": "greaterThan", "filter": 1}}
    with pytest.raises(InvalidInputError, match="does not show"):
        data.table("narrow", FilterState(), 0, 5, [], hidden)
    # A table that lists no columns shows them all, so any of them sorts and filters it.
    _, total = data.table("wide", FilterState(), 0, 5, [("body_mass_g", False)], hidden)
    assert total > 0
