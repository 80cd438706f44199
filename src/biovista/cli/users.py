"""``biovista user`` and ``biovista token``: manage accounts and API tokens on this server."""

from __future__ import annotations

import sys

import typer
from rich.table import Table

from biovista.cli.common import console, print_json, user_errors
from biovista.config import get_settings

user_app = typer.Typer(
    help="Manage user accounts (on the server's own database).", no_args_is_help=True
)
token_app = typer.Typer(help="Manage personal API tokens.", no_args_is_help=True)


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    value: str = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    return value


@user_app.command("create")
def create(
    email: str = typer.Argument(..., help="The user's e-mail address (their login)."),
    role: str = typer.Option("user", help="admin or user."),
    name: str = typer.Option("", help="Display name."),
    password_stdin: bool = typer.Option(
        False, "--password-stdin", help="Read the password from standard input."
    ),
) -> None:
    """Create an account; the password is asked for (or read from stdin), never an argument."""
    from biovista.db.migrate import ensure_schema
    from biovista.db.session import session_scope
    from biovista.services.accounts.users import create_user

    settings = get_settings()
    password = _password(password_stdin)
    with user_errors():
        ensure_schema(settings.resolved_database_url)
        with session_scope(settings.resolved_database_url) as session:
            user = create_user(session, email, password, role=role, display_name=name)
            console.print(f"created {user.role} {user.email}", highlight=False)


@user_app.command("list")
def list_command(as_json: bool = typer.Option(False, "--json")) -> None:
    """Every account with its role and state."""
    from biovista.db.migrate import ensure_schema
    from biovista.db.session import session_scope
    from biovista.services.accounts.users import list_users

    settings = get_settings()
    with user_errors():
        ensure_schema(settings.resolved_database_url)
        with session_scope(settings.resolved_database_url) as session:
            rows = [
                {"email": u.email, "role": u.role, "disabled": u.disabled, "name": u.display_name}
                for u in list_users(session)
            ]
    if as_json:
        print_json(rows)
        return
    table = Table("e-mail", "role", "state", "name")
    for row in rows:
        state = "disabled" if row["disabled"] else "active"
        table.add_row(str(row["email"]), str(row["role"]), state, str(row["name"]))
    console.print(table)


@user_app.command("set-role")
def set_role_command(email: str, role: str) -> None:
    """Make a user an admin, or a plain user."""
    from biovista.db.session import session_scope
    from biovista.services.accounts.users import set_role

    settings = get_settings()
    with user_errors(), session_scope(settings.resolved_database_url) as session:
        user = set_role(session, email, role)
        console.print(f"{user.email} is now {user.role}", highlight=False)


@user_app.command("disable")
def disable_command(email: str) -> None:
    """Disable an account and end its sessions."""
    from biovista.db.session import session_scope
    from biovista.services.accounts.users import disable_user

    settings = get_settings()
    with user_errors(), session_scope(settings.resolved_database_url) as session:
        user = disable_user(session, email)
        console.print(f"{user.email} is disabled; its sessions are closed", highlight=False)


@token_app.command("create")
def token_create(
    user: str = typer.Option(..., "--user", help="E-mail of the token's owner."),
    name: str = typer.Option("cli", help="A name to recognise the token by."),
    scope: str = typer.Option("read", help="read, write or admin."),
    expires: str = typer.Option("90d", help="Lifetime, e.g. 90d, 12h; 'never' for none."),
) -> None:
    """Create a token on this server's database and print it once."""
    from biovista.db.migrate import ensure_schema
    from biovista.db.session import session_scope
    from biovista.services.accounts.api_tokens import create_token, parse_duration
    from biovista.services.accounts.users import get_user_by_email

    settings = get_settings()
    with user_errors():
        ensure_schema(settings.resolved_database_url)
        lifetime = None if expires == "never" else parse_duration(expires)
        with session_scope(settings.resolved_database_url) as session:
            owner = get_user_by_email(session, user)
            created = create_token(session, owner, name, scope, lifetime)
    console.print("This token is shown only once; keep it secret:", highlight=False)
    print(created.secret)


keys_app = typer.Typer(help="Manage the keys that sign access tokens.", no_args_is_help=True)


@keys_app.command("rotate")
def rotate_keys() -> None:
    """Sign new tokens with a fresh key; tokens signed before stay valid until they expire."""
    from biovista.auth.keys import KEEP, KeyRing

    ring = KeyRing(get_settings().data_dir / "keys")
    key = ring.rotate()
    console.print(
        f"new signing key {key.kid}: running servers sign with it from now on; "
        f"the {KEEP - 1} previous key(s) still verify tokens they signed.",
        highlight=False,
    )


def register(app: typer.Typer) -> None:
    app.add_typer(user_app, name="user")
    app.add_typer(token_app, name="token")
    app.add_typer(keys_app, name="keys")
