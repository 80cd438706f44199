"""``biovista serve`` and ``biovista demo``: run the server (after seeding the demo)."""

from __future__ import annotations

import typer

from biovista.cli.common import console, err_console, user_errors
from biovista.config import Settings, get_settings
from biovista.models.statuses import IngestionStatus


def serve(
    host: str | None = typer.Option(None, help="Address to listen on (default from settings)."),
    port: int | None = typer.Option(None, help="Port to listen on (default 8000)."),
) -> None:
    """Serve the API and the web app on one port. In the background, every dashboard is
    rendered once, so that the first viewers find its data in memory and cached (the app's
    lifespan does it, as under any ASGI server)."""
    serve_with(get_settings(), host, port)


def serve_with(settings: Settings, host: str | None, port: int | None) -> None:
    """``serve`` with these settings (the demo's are the environment's, in single-user
    mode: passed down, never written back into ``os.environ``)."""
    import uvicorn

    from biovista.api.app import create_app

    with user_errors():
        app = create_app(settings)
    address = f"http://{host or settings.host}:{port or settings.port}"
    if settings.single_user:
        console.print("[bold yellow]single-user mode:[/] no login; every visitor acts as admin")
    elif app.state.setup_token:
        console.print(
            "No user exists yet. Create the first admin once, with this setup token:\n"
            f"  curl -X POST {address}/api/v1/auth/setup -H 'content-type: application/json' "
            f'-d \'{{"token": "{app.state.setup_token}", "email": "you@example.org", '
            f'"password": "..."}}\'\n'
            "or run 'biovista user create EMAIL --role admin', or set BIOVISTA_ADMIN_EMAIL "
            "and BIOVISTA_ADMIN_PASSWORD before starting."
        )
    advice = app.state.runtime.reads.cache.policy_problem()
    if advice:
        err_console.print(f"[yellow]Redis:[/] {advice}")
    proxies = settings.trusted_proxy_list
    uvicorn.run(
        app,
        host=host or settings.host,
        port=port or settings.port,
        log_level="info",
        # Who the client is (login limits, logs): the peer, or the rightmost address in
        # X-Forwarded-For not in ``trusted_proxies`` when the peer is one of them.
        proxy_headers=bool(proxies),
        forwarded_allow_ips=proxies,
    )


def demo(
    host: str | None = typer.Option(None, help="Address to listen on."),
    port: int | None = typer.Option(None, help="Port to listen on (default 8000)."),
    no_serve: bool = typer.Option(False, "--no-serve", help="Seed and ingest, then exit."),
) -> None:
    """Create the demo projects from bundled real data, ingest them, and serve them in
    single-user mode (no login: for trying biovista on your own machine only)."""
    from biovista.cli.ingest import run_ingest
    from biovista.services.demo import prepare_demo, seed_demo_dashboards

    settings = get_settings().model_copy(update={"single_user": True})
    with user_errors():
        projects = prepare_demo(settings)
        for loaded in projects:
            report = run_ingest(loaded, settings, full=False, quiet=False)
            if report.status != IngestionStatus.SUCCEEDED:
                err_console.print(f"[red]demo project {loaded.config.name} did not ingest cleanly")
                raise typer.Exit(1)
        seeded = seed_demo_dashboards(settings)
    if seeded:
        console.print(f"Created {seeded} demo dashboards")
    if no_serve:
        return
    shown_port = port or settings.port
    console.print(
        f"Demo ready: http://{host or settings.host}:{shown_port}/ "
        f"(API: /api/v1/projects, API docs: /api/docs)"
    )
    serve_with(settings, host, port)


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
    app.command("demo")(demo)
