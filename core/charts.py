"""Charts rendered on the server (PNG) for documents: periodic reports in PDF and .docx.

Pages draw their charts in the browser with ECharts; a document cannot, so the same figures are drawn
here with matplotlib (Agg, no display) in the CJK font the PDFs embed, so Chinese labels render anywhere.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from functools import cache

COLOURS = ["#1565c0", "#2e7d32", "#ef6c00", "#d32f2f", "#6a1b9a", "#00838f"]


@cache
def _font_name() -> str:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager

    from core.pdf import font_path

    font_manager.fontManager.addfont(str(font_path()))
    return font_manager.FontProperties(fname=str(font_path())).get_name()


def bar_chart(
    title: str, categories: Sequence[str], series: Sequence[tuple[str, Sequence[float]]], *, line=False
) -> bytes:
    """A grouped bar chart (or a line chart) as PNG bytes: one group per category, one bar per series."""
    font = _font_name()
    from matplotlib.figure import Figure

    figure = Figure(figsize=(7.5, 3.2), dpi=130)
    axes = figure.subplots()
    count = max(len(series), 1)
    width = 0.8 / count
    positions = range(len(categories))
    for index, (name, values) in enumerate(series):
        colour = COLOURS[index % len(COLOURS)]
        if line:
            axes.plot(list(positions), list(values), marker="o", label=name, color=colour)
        else:
            offsets = [p - 0.4 + width * (index + 0.5) for p in positions]
            axes.bar(offsets, list(values), width=width, label=name, color=colour)
    axes.set_xticks(list(positions))
    axes.set_xticklabels(list(categories), fontname=font, fontsize=8)
    axes.set_title(title, fontname=font, fontsize=11)
    axes.yaxis.get_major_locator().set_params(integer=True)
    axes.spines[["top", "right"]].set_visible(False)
    if len(series) > 1:
        axes.legend(prop={"family": font, "size": 8}, frameon=False)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
