"""Warming the render caches after a start: every dashboard rendered once, unfiltered.

The render itself (:func:`biovista.query.render.render`) belongs to the query layer; this
is the use case that opens every dashboard for the server's own use.
"""

from __future__ import annotations

import logging

from biovista.config import Settings
from biovista.errors import BiovistaError
from biovista.models.dashboard import FilterState
from biovista.query.render import render
from biovista.query.shared import SharedReads
from biovista.services.dashboards.open import open_every_dashboard

_LOG = logging.getLogger(__name__)


def warm(settings: Settings, reads: SharedReads) -> int:
    """Render every dashboard unfiltered, so that the first viewers after a start find the
    tables in memory, the results cached and the partials and orders being built. Returns
    how many dashboards were warmed; a dashboard that fails is skipped (its viewers will see
    the error)."""
    warmed = 0
    for opened in open_every_dashboard(settings):
        try:
            render(settings, reads, opened, FilterState())
        except BiovistaError:
            _LOG.warning("could not warm dashboard %s", opened.id, exc_info=True)
            continue
        warmed += 1
    return warmed
