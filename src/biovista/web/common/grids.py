"""Keep server-paged tables loading when they are created by a callback.

A grid on the infinite row model asks for its first rows as soon as it is ready; when it is
created inside a callback's output, that first request can arrive before Dash has wired the
new grid to the rows callback, and the grid then waits forever with no rows. After each
render, a grid that still holds no row data purges its cache, which asks again."""

from __future__ import annotations

from dash import ALL, Dash, Input, Output

KICK = """
function(_children) {
    const grids = document.querySelectorAll('div[id^="{"][id*="\\\\"kind\\\\":\\\\"grid\\\\""]');
    grids.forEach(function(element) {
        const ident = JSON.parse(element.id);
        let tries = 0;
        const check = function() {
            dash_ag_grid.getApiAsync(ident).then(function(api) {
                let loaded = api.isLastRowIndexKnown && api.isLastRowIndexKnown();
                api.forEachNode(function(node) { if (node.data) { loaded = true; } });
                if (!loaded && tries < 5) {
                    tries += 1;
                    api.purgeInfiniteCache();
                    setTimeout(check, 400 * tries);
                }
            }).catch(function() {});
        };
        setTimeout(check, 400);
    });
    return window.dash_clientside.no_update;
}
"""


def register_grid_kick(app: Dash) -> None:
    app.clientside_callback(  # type: ignore[no-untyped-call]
        KICK,
        Output("grid-kick", "data"),
        Input({"kind": "table", "cid": ALL}, "children"),
        prevent_initial_call=True,
    )
