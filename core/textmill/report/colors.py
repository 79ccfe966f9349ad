"""Colours for entity labels: fixed hues for spaCy's labels, a stable hash for others."""

from __future__ import annotations

import colorsys
import hashlib
from html import escape

#: Hues (degrees) chosen so the common news labels are far apart on the wheel.
HUES = {"PERSON": 28, "ORG": 212, "GPE": 135, "NORP": 280, "LOC": 172, "FAC": 52,
        "EVENT": 330, "PRODUCT": 0, "WORK_OF_ART": 248, "LAW": 95, "LANGUAGE": 190}


def _hex(hue: float, lightness: float, saturation: float) -> str:
    r, g, b = colorsys.hls_to_rgb(hue / 360, lightness, saturation)
    return f"#{round(r * 255):02x}{round(g * 255):02x}{round(b * 255):02x}"


class LabelColors:
    """Background and accent colour per label, assigned on first use."""

    def __init__(self) -> None:
        self.table: dict[str, dict[str, str]] = {}

    def get(self, label: str) -> dict[str, str]:
        """{"bg": light fill, "fg": accent} for ``label``."""
        if label not in self.table:
            hue = HUES.get(label)
            if hue is None:
                hue = int(hashlib.sha1(label.encode("utf-8", "replace")).hexdigest()[:4], 16) % 360
            self.table[label] = {"bg": _hex(hue, 0.86, 0.75), "fg": _hex(hue, 0.36, 0.6)}
        return self.table[label]

    def chip(self, label: str) -> str:
        """A small label badge as HTML."""
        c = self.get(label)
        return (f'<span class="chip" style="background:{c["bg"]};color:{c["fg"]}">'
                f"{escape(label, quote=True)}</span>")
