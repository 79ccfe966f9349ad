"""The visual report: one self-contained HTML page of entities, quotes, numbers and stances."""

from __future__ import annotations

from .build import build_data, embed_json, render_report

__all__ = ["build_data", "embed_json", "render_report"]
