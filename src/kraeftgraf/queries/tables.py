"""Plain-text tables for the terminal."""

import shutil
import textwrap
from collections.abc import Sequence


def text_table(rows: Sequence[Sequence[str]], *, max_width: int | None = None) -> str:
    """Rows as an aligned table; the first row is the header. Long cells are wrapped to fit the terminal."""
    if not rows:
        return ""
    width = max_width or shutil.get_terminal_size((160, 24)).columns
    columns = len(rows[0])
    natural = [max(len(str(row[i])) for row in rows) for i in range(columns)]
    budget = max(width - 3 * (columns - 1), columns * 8)
    widths = _fit(natural, budget)
    lines = []
    for index, row in enumerate(rows):
        wrapped = [textwrap.wrap(str(cell), widths[i]) or [""] for i, cell in enumerate(row)]
        for line_no in range(max(len(cell) for cell in wrapped)):
            parts = [(cell[line_no] if line_no < len(cell) else "").ljust(widths[i]) for i, cell in enumerate(wrapped)]
            lines.append(" | ".join(parts).rstrip())
        if index == 0:
            lines.append("-+-".join("-" * w for w in widths))
    return "\n".join(lines)


def _fit(natural: list[int], budget: int) -> list[int]:
    """Shrink the widest columns first until the table fits the budget."""
    widths = list(natural)
    while sum(widths) > budget:
        widest = max(range(len(widths)), key=lambda i: widths[i])
        if widths[widest] <= 8:
            break
        widths[widest] -= 1
    return widths
