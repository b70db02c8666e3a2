"""The compliance grid's month cells, written in Python: a page of the grid is 50 branches × 12
months, and the template engine spent most of the page's time on them (bench_render)."""

from html import escape

from django import template
from django.utils.safestring import mark_safe

from activities.compliance import Cell

register = template.Library()

WITHOUT_FIGURES = ("none", "future")  # no requirement that month, or the month is ahead


@register.filter
def month_cells(cells: list[Cell]) -> str:
    """One `<td>` a month: its state as a class, what is missing as its title, done/expected.
    Each piece escaped with the function `format_html` uses, without its per-argument detour."""
    return mark_safe(  # noqa: S308 (every piece below is escaped)
        "".join(
            '<td class="portal-cell-{}" title="{}">{}</td>'.format(
                escape(cell.state),
                escape(", ".join(str(requirement.label) for requirement in cell.missing)),
                "·" if cell.state in WITHOUT_FIGURES else f"{cell.done}/{cell.expected}",
            )
            for cell in cells
        )
    )
