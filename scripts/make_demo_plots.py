"""Draw the penguins demo's image collection: a few PNG plots per run, from its own data.

Each run folder of the demo gets ``plots/*.png`` and a ``plots.csv`` listing them (``image``,
``title``, ``made_on``, ``log_scale``), so the demo gallery shows real plots and its
date-range and switch filters work on real columns. The output depends only on the data, so
running this again after changing the data replaces the plots with the same names and dates.

Run from the repository root:  .venv/bin/python scripts/make_demo_plots.py
It draws with plotly and kaleido (a dev dependency), which uses the machine's Chrome or Chromium.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import plotly.graph_objects as go
import polars as pl

DEMO = Path(__file__).resolve().parents[1] / "src" / "biovista" / "demo" / "data" / "penguins"
WIDTH, HEIGHT = 640, 420

RUN_DATES = {
    "run_1_adelie": date(2023, 11, 6),
    "run_2_chinstrap": date(2023, 11, 20),
    "run_3_gentoo": date(2023, 12, 4),
}
"""The day each run's plots were made; the log-scale plot follows a day later."""

COLOURS = {"run_1_adelie": "#e8772e", "run_2_chinstrap": "#9b59b6", "run_3_gentoo": "#2a9d8f"}


@dataclass(frozen=True)
class Plot:
    file: str
    title: str
    log_scale: bool
    draw: Callable[[pl.DataFrame, str], go.Figure]


def _histogram(
    column: str, axis: str, log_y: bool = False
) -> Callable[[pl.DataFrame, str], go.Figure]:
    def draw(frame: pl.DataFrame, colour: str) -> go.Figure:
        figure = go.Figure(go.Histogram(x=frame[column].to_list(), marker_color=colour, nbinsx=20))
        figure.update_xaxes(title_text=axis)
        figure.update_yaxes(title_text="penguins", type="log" if log_y else "linear")
        return figure

    return draw


def _bill_scatter(frame: pl.DataFrame, colour: str) -> go.Figure:
    figure = go.Figure(
        go.Scatter(
            x=frame["bill_length_mm"].to_list(),
            y=frame["bill_depth_mm"].to_list(),
            mode="markers",
            marker={"color": colour, "size": 6, "opacity": 0.8},
        )
    )
    figure.update_xaxes(title_text="bill length (mm)")
    figure.update_yaxes(title_text="bill depth (mm)")
    return figure


PLOTS = (
    Plot("plots/mass.png", "Body mass", False, _histogram("body_mass_g", "body mass (g)")),
    Plot("plots/bill.png", "Bill length vs depth", False, _bill_scatter),
    Plot(
        "plots/flipper.png",
        "Flipper length",
        False,
        _histogram("flipper_length_mm", "flipper length (mm)"),
    ),
    Plot(
        "plots/mass_log.png",
        "Body mass (log count)",
        True,
        _histogram("body_mass_g", "body mass (g)", log_y=True),
    ),
)


def make_run(run: Path) -> None:
    """Draw every plot of one run folder and list them in its ``plots.csv``."""
    frame = pl.read_csv(run / "physical_features.csv")
    species = run.name.split("_", 2)[-1].capitalize()
    made_on = RUN_DATES[run.name]
    (run / "plots").mkdir(exist_ok=True)
    rows = []
    for plot in PLOTS:
        title = f"{species}: {plot.title}"
        figure = plot.draw(frame, COLOURS[run.name])
        figure.update_layout(
            title_text=title, template="plotly_white", margin={"l": 60, "r": 20, "t": 50, "b": 50}
        )
        figure.write_image(run / plot.file, width=WIDTH, height=HEIGHT, scale=1)
        day = made_on + timedelta(days=1) if plot.log_scale else made_on
        rows.append([plot.file, title, day.isoformat(), str(plot.log_scale).lower()])
    with (run / "plots.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["image", "title", "made_on", "log_scale"])
        writer.writerows(rows)


def main() -> None:
    for run in sorted(DEMO.glob("run_*")):
        make_run(run)
        print(f"{run.name}: {len(PLOTS)} plots")


if __name__ == "__main__":
    main()
