"""The arithmetic of the bundled assessment, as pure functions (tested on their own).

A leaf's score lies between 0 and its maximum. A parent's score is the sum of its children's
(or, for a bonus group marked so, only the highest of them), never above its own maximum.
The Party-building and construction totals are each taken as a percentage of their maximum and
weighted by the version; bonus points are added and penalty points taken off; any veto item
that is triggered makes the grade 不合格 whatever the total. Ranks are shared on ties."""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal(0)


@dataclass
class Node:
    id: int
    category: str
    max_score: Decimal
    highest_only: bool = False
    children: list["Node"] = field(default_factory=list)

    @property
    def is_leaf(self) -> bool:
        return not self.children

    def leaves(self):
        if self.is_leaf:
            yield self
        for child in self.children:
            yield from child.leaves()


@dataclass(frozen=True)
class Weights:
    party: Decimal
    construction: Decimal
    excellent_from: Decimal
    good_from: Decimal
    pass_from: Decimal


@dataclass(frozen=True)
class Totals:
    party: Decimal  # as a percentage of the Party-building maximum
    construction: Decimal
    bonus: Decimal
    penalty: Decimal
    vetoed: bool
    total: Decimal
    grade: str


def build_tree(rows) -> list[Node]:
    """Nodes from (id, parent_id, category, max_score, highest_only) rows; returns the roots."""
    nodes = {r[0]: Node(r[0], r[2], Decimal(r[3]), r[4]) for r in rows}
    roots = []
    for node_id, parent_id, *_rest in rows:
        (nodes[parent_id].children if parent_id else roots).append(nodes[node_id])
    return roots


def node_score(node: Node, values: dict[int, Decimal]) -> Decimal:
    if node.is_leaf:
        value = values.get(node.id) or ZERO
        return min(max(value, ZERO), node.max_score)
    scores = [node_score(child, values) for child in node.children]
    raw = max(scores, default=ZERO) if node.highest_only else sum(scores, ZERO)
    return min(raw, node.max_score)


def _percent(part: Decimal, whole: Decimal) -> Decimal:
    return (part * 100 / whole) if whole else ZERO


def grade_for(total: Decimal, weights: Weights, vetoed: bool) -> str:
    if vetoed:
        return "fail"
    if total >= weights.excellent_from:
        return "excellent"
    if total >= weights.good_from:
        return "good"
    if total >= weights.pass_from:
        return "pass"
    return "fail"


def bundle(roots: list[Node], values: dict[int, Decimal], weights: Weights) -> Totals:
    by_category: dict[str, Decimal] = {}
    maxima: dict[str, Decimal] = {}
    for root in roots:
        by_category[root.category] = by_category.get(root.category, ZERO) + node_score(root, values)
        maxima[root.category] = maxima.get(root.category, ZERO) + root.max_score
    party = _percent(by_category.get("party", ZERO), maxima.get("party", ZERO))
    construction = _percent(by_category.get("construction", ZERO), maxima.get("construction", ZERO))
    bonus = by_category.get("bonus", ZERO)
    penalty = by_category.get("penalty", ZERO)
    vetoed = any(
        (values.get(leaf.id) or ZERO) > 0
        for root in roots
        if root.category == "veto"
        for leaf in root.leaves()
    )
    total = (
        party * weights.party / 100 + construction * weights.construction / 100 + bonus - penalty
    )
    total = max(total, ZERO).quantize(CENT, rounding=ROUND_HALF_UP)
    return Totals(
        party=party.quantize(CENT, rounding=ROUND_HALF_UP),
        construction=construction.quantize(CENT, rounding=ROUND_HALF_UP),
        bonus=bonus.quantize(CENT),
        penalty=penalty.quantize(CENT),
        vetoed=vetoed,
        total=total,
        grade=grade_for(total, weights, vetoed),
    )


def ranks(totals: list[Decimal]) -> list[int]:
    """Competition ranking: equal totals share a rank, the next rank skips (1, 1, 3)."""
    first_place: dict[Decimal, int] = {}
    for place, total in enumerate(sorted(totals, reverse=True), start=1):
        first_place.setdefault(total, place)
    return [first_place[total] for total in totals]
