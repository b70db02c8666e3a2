"""The compliance grid's month cells, written in Python: a page of the grid is 50 branches × 12
months, and the template engine spent most of the page's time on them (bench_render)."""

from django import template
from django.utils.html import format_html_join

from activities.compliance import Cell

register = template.Library()

WITHOUT_FIGURES = ("none", "future")  # no requirement that month, or the month is ahead


@register.filter
def month_cells(cells: list[Cell]) -> str:
    """One `<td>` a month: its state as a class, what is missing as its title, done/expected."""
    return format_html_join(
        "",
        '<td class="portal-cell-{}" title="{}">{}</td>',
        (
            (
                cell.state,
                ", ".join(str(requirement.label) for requirement in cell.missing),
                "·" if cell.state in WITHOUT_FIGURES else f"{cell.done}/{cell.expected}",
            )
            for cell in cells
        ),
    )
