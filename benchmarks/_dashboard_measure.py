"""biovista's side: render the whole dashboard in-process, as the viewer does.

A render is what a viewer waits for: open the dashboard with the caller's credential (the
access check, the spec and the project's tables), then
:func:`biovista.query.render.render` computes all 30 components concurrently
over shared filtered frames, with the result cache and the in-memory columns a running
server has. Per component, the seconds from its start to its result are reported. Building
the Plotly figures from those results is timed apart, as the web layer's share."""

from __future__ import annotations

import resource
import sys
import uuid
from pathlib import Path
from typing import Any

from _dashboard_setup import Setup
from _dashboard_spec import Stopwatch, frame_print, load, middle, plain, rounds, timing
from biovista.models.dashboard import FilterState
from biovista.query import Reduced
from biovista.query.codec import Metric, Page
from biovista.query.dashboard import DashboardData
from biovista.query.render import render as render_all
from biovista.query.shared import SharedReads
from biovista.services.dashboards.open import open_dashboard
from biovista.web.common.figures import build_figure

WARM_OPENS = 3


def peak_rss_mb() -> float:
    """This process's peak resident memory (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def print_of(result: Any) -> Any:
    """A result as the floor's result is compared with it (see ``same``); not timed."""
    if isinstance(result, Reduced):
        return plain([frame_print(result.frame), result.total])
    if isinstance(result, Page):
        return plain([frame_print(result.frame), result.total])
    if isinstance(result, Metric):
        return plain([result.value, result.unfiltered])
    return plain(result)


def render(
    setup: Setup, reads: SharedReads, values: dict[str, Any], plotly: bool = False
) -> dict[str, Any]:
    """Every component for one filter state: seconds in all and per component, the prints.
    ``reads`` are this process's, as a server's runtime keeps them between requests."""
    settings = setup.settings
    clock = Stopwatch()
    opened = open_dashboard(settings, setup.viewer, uuid.UUID(setup.dashboard_id))
    open_seconds, _ = clock.read()
    data = DashboardData(settings, opened, reads)
    rendered = render_all(settings, reads, opened, FilterState(values=values), data=data)
    total, cpu = clock.read()
    results = rendered.results
    outcome = {
        "seconds": total,
        "cpu_seconds": cpu,
        "load": load(),
        "open_seconds": open_seconds,
        "components": {cid: r.seconds for cid, r in results.items()},
        "cached": sorted(cid for cid, r in results.items() if r.cached),
        "prints": {cid: print_of(r.value) for cid, r in results.items() if r.error is None},
        "errors": {cid: r.error for cid, r in results.items() if r.error is not None},
    }
    if plotly:
        outcome["plotly"] = plotly_seconds(data, {c: r.value for c, r in results.items()})
    return outcome


def plotly_seconds(data: DashboardData, results: dict[str, Any]) -> dict[str, float]:
    """The web layer's share: building each figure from its (already computed) result."""
    built: dict[str, float] = {}
    for component in data.opened.spec.components():
        if component.type == "figure" and component.id in results:
            clock = Stopwatch()
            build_figure(data.figure_spec(component.id), results[component.id])
            built[component.id] = clock.read()[0]
    return built


def note(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def measure(setup: Setup, count: int, profile_to: str | None) -> dict[str, Any]:
    """Cold open (this fresh process's first render), warm opens, then ``count`` filter rounds."""
    baseline = peak_rss_mb()
    reads = SharedReads.for_settings(setup.settings)
    cold = render(setup, reads, {})
    note(f"  cold open {timing(cold)}")
    warm = [render(setup, reads, {}) for _ in range(WARM_OPENS)]
    note(f"  warm open {timing(middle(warm))} (median of {WARM_OPENS})")
    done = []
    for number, values in enumerate(rounds()[:count], start=1):
        done.append(render(setup, reads, values, plotly=True))
        note(f"  filter round {number:>2}: {timing(done[-1])}")
    figures = {
        "baseline_rss_mb": baseline,
        "peak_rss_mb": peak_rss_mb(),
        "cold": cold,
        "warm": warm,
        "rounds": done,
    }
    if profile_to:
        slowest = max(range(len(done)), key=lambda n: done[n]["cpu_seconds"])
        figures["profile"] = profile(setup, reads, slowest, profile_to)
    return figures


def profile(setup: Setup, reads: SharedReads, index: int, target: str) -> dict[str, Any]:
    """Render round ``index`` again under pyinstrument; write text and HTML reports."""
    try:
        from pyinstrument import Profiler
    except ImportError:
        raise SystemExit("--profile needs pyinstrument: pip install pyinstrument") from None
    profiler = Profiler(interval=0.001)
    profiler.start()
    clock = Stopwatch()
    outcome = render(setup, reads, rounds()[index])
    cpu = clock.read()[1]
    profiler.stop()
    text = profiler.output_text(unicode=True, color=False)
    Path(f"{target}.txt").write_text(text, encoding="utf-8")
    Path(f"{target}.html").write_text(profiler.output_html(), encoding="utf-8")
    return {
        "round": index + 1,
        "seconds": outcome["seconds"],
        "cpu_seconds": cpu,
        "report": f"{target}.txt",
    }
