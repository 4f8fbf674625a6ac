"""The papers-per-year chart of a section: a small inline SVG bar chart, drawn here so the page needs
no charting script.

Every chart of a page spans the same years (the whole list's), so charts compare at a glance; the
bars scale to the section's busiest year.  Colours come from the page's CSS (``.bar``, ``.axis``), so
the chart follows light and dark mode.

>>> svg = year_chart({2023: 2, 2024: 5}, (2022, 2024), "Quantization")
>>> 'aria-label="Papers per year in Quantization: 2023: 2, 2024: 5"' in svg
True
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape

WIDTH = 168
BAR_AREA = 30  # height of the tallest bar
LABEL_LINE = 11  # room below the bars for the first and last year


def year_chart(counts: Mapping[int, int], span: tuple[int, int], name: str, undated: int = 0) -> str:
    """An ``<svg role="img">`` with one bar per year of ``span`` (inclusive); its label reads out the
    counts, each bar's ``<title>`` shows its own on hover."""
    first, last = span
    years = list(range(first, last + 1))
    tallest = max(counts.values(), default=0) or 1
    step = WIDTH / len(years)
    gap = min(2.0, step / 4)
    told = ", ".join(f"{year}: {counts[year]}" for year in years if counts.get(year))
    label = f"Papers per year in {name}: {told or 'none dated'}"
    if undated:
        label += f"; {undated} without a year"
    height = BAR_AREA + LABEL_LINE
    parts = [
        f'<svg class="chart" role="img" aria-label="{escape(label)}" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" xmlns="http://www.w3.org/2000/svg">',
        f'<line class="axis" x1="0" y1="{BAR_AREA + 0.5}" x2="{WIDTH}" y2="{BAR_AREA + 0.5}"/>',
    ]
    for index, year in enumerate(years):
        count = counts.get(year, 0)
        if not count:
            continue
        bar = BAR_AREA * count / tallest
        parts.append(
            f'<rect class="bar" x="{_number(index * step + gap / 2)}" y="{_number(BAR_AREA - bar)}" '
            f'width="{_number(step - gap)}" height="{_number(bar)}">'
            f"<title>{year}: {count} paper{'s' * (count != 1)}</title></rect>"
        )
    baseline = height - 1
    parts.append(f'<text class="axis" x="0" y="{baseline}">{first}</text>')
    if last != first:
        parts.append(f'<text class="axis" x="{WIDTH}" y="{baseline}" text-anchor="end">{last}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _number(value: float) -> str:
    """Two decimals at most, no trailing zeros: short, and the same on every run."""
    return f"{value:.2f}".rstrip("0").rstrip(".")
