"""The compliance grid's month cells: state, what is missing (escaped) and done/expected."""

import datetime
from types import SimpleNamespace

from activities.compliance import Cell, Requirement
from activities.templatetags.compliance_tags import month_cells


def requirement(name: str, done: bool, group: str | None = None) -> Requirement:
    return Requirement(
        kind=SimpleNamespace(name=name),
        group=SimpleNamespace(name=group) if group else None,
        done=done,
        due_on=datetime.date(2026, 3, 31),
    )


def test_each_month_is_one_cell_with_its_state_missing_items_and_figures():
    cells = [
        Cell(1, "done", [requirement("支部委员会", True)]),
        Cell(2, "missing", [requirement("党课", True), requirement("党小组会", False, "钢筋<组>")]),
        Cell(3, "none"),
        Cell(4, "future", [requirement("党课", False)]),
    ]
    html = month_cells(cells)
    assert html == (
        '<td class="portal-cell-done" title="">1/1</td>'
        '<td class="portal-cell-missing" title="党小组会 · 钢筋&lt;组&gt;">1/2</td>'
        '<td class="portal-cell-none" title="">·</td>'
        '<td class="portal-cell-future" title="党课">·</td>'
    )
