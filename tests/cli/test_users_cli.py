"""``biovista user`` and ``biovista token`` on the server's own database."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from biovista.cli.main import app
from biovista.config import get_settings
from biovista.db.session import session_scope
from biovista.services.accounts.api_tokens import authenticate_token

runner = CliRunner()
PASSWORD = "a long enough password\n"


def test_user_lifecycle() -> None:
    created = runner.invoke(
        app,
        ["user", "create", "Ada@Example.org", "--role", "admin", "--password-stdin"],
        input=PASSWORD,
    )
    assert created.exit_code == 0, created.output
    assert "created admin ada@example.org" in created.stdout
    runner.invoke(app, ["user", "create", "bob@example.org", "--password-stdin"], input=PASSWORD)

    listed = json.loads(runner.invoke(app, ["user", "list", "--json"]).stdout)
    assert [(u["email"], u["role"], u["disabled"]) for u in listed] == [
        ("ada@example.org", "admin", False),
        ("bob@example.org", "user", False),
    ]

    last_admin = runner.invoke(app, ["user", "disable", "ada@example.org"])
    assert last_admin.exit_code == 2
    assert "last active admin" in last_admin.stderr

    assert runner.invoke(app, ["user", "set-role", "bob@example.org", "admin"]).exit_code == 0
    assert runner.invoke(app, ["user", "disable", "ada@example.org"]).exit_code == 0
    listed = json.loads(runner.invoke(app, ["user", "list", "--json"]).stdout)
    assert listed[0]["disabled"] is True


def test_weak_password_and_duplicate_are_refused() -> None:
    weak = runner.invoke(
        app, ["user", "create", "c@example.org", "--password-stdin"], input="short\n"
    )
    assert weak.exit_code == 2
    assert "at least 12 characters" in weak.stderr
    runner.invoke(app, ["user", "create", "c@example.org", "--password-stdin"], input=PASSWORD)
    again = runner.invoke(
        app, ["user", "create", "C@example.org", "--password-stdin"], input=PASSWORD
    )
    assert again.exit_code == 2
    assert "already exists" in again.stderr


def test_token_create_prints_a_working_token_once() -> None:
    runner.invoke(app, ["user", "create", "d@example.org", "--password-stdin"], input=PASSWORD)
    result = runner.invoke(
        app, ["token", "create", "--user", "d@example.org", "--scope", "write", "--expires", "30d"]
    )
    assert result.exit_code == 0, result.output
    secret = result.stdout.strip().splitlines()[-1]
    assert secret.startswith("bv_")
    with session_scope(get_settings().resolved_database_url) as session:
        user, scope = authenticate_token(session, secret)
        assert (user.email, scope) == ("d@example.org", "write")
    bad = runner.invoke(app, ["token", "create", "--user", "d@example.org", "--expires", "soon"])
    assert bad.exit_code == 2
    assert "not a duration" in bad.stderr


def test_keys_rotate_adds_a_published_key() -> None:
    from biovista.auth.keys import KeyRing

    ring = KeyRing(get_settings().data_dir / "keys")
    first = ring.active().kid
    result = runner.invoke(app, ["keys", "rotate"])
    assert result.exit_code == 0, result.output
    assert ring.active().kid != first
    assert [k["kid"] for k in ring.jwks()["keys"]][1] == first
