"""Markdown text: nothing to compute, so the render path passes it by."""

from __future__ import annotations

from biovista.models.dashboard import TextComponent
from biovista.query.kinds.base import ComponentKind

KIND = ComponentKind(TextComponent)
