"""The arithmetic, on hand-computed cases."""

from decimal import Decimal

from assessments.scoring import Node, Weights, bundle, node_score, ranks

W = Weights(Decimal(60), Decimal(40), Decimal(90), Decimal(80), Decimal(60))
D = Decimal


def tree():
    party = Node(1, "party", D(100), children=[Node(11, "party", D(60)), Node(12, "party", D(40))])
    construction = Node(2, "construction", D(50), children=[Node(21, "construction", D(50))])
    bonus = Node(
        3,
        "bonus",
        D(10),
        highest_only=True,
        children=[Node(31, "bonus", D(3)), Node(32, "bonus", D(5)), Node(33, "bonus", D(8))],
    )
    penalty = Node(4, "penalty", D(5), children=[Node(41, "penalty", D(5))])
    veto = Node(5, "veto", D(1), children=[Node(51, "veto", D(1))])
    return [party, construction, bonus, penalty, veto]


def test_weights_bonus_and_penalty():
    values = {11: D(54), 12: D(30), 21: D(45), 31: D(3), 33: D(8), 41: D(2)}
    totals = bundle(tree(), values, W)
    # Party 84/100 = 84%, construction 45/50 = 90%: 84*0.6 + 90*0.4 = 50.4 + 36 = 86.4;
    # bonus: only the highest (8), not 3+8; penalty 2. 86.4 + 8 - 2 = 92.4.
    assert (totals.party, totals.construction, totals.bonus, totals.penalty) == (
        D("84.00"),
        D("90.00"),
        D("8.00"),
        D("2.00"),
    )
    assert totals.total == D("92.40")
    assert totals.grade == "excellent"


def test_a_leaf_never_goes_below_zero_nor_above_its_maximum():
    leaf = Node(1, "party", D(10))
    assert node_score(leaf, {1: D(-3)}) == 0
    assert node_score(leaf, {1: D(12)}) == D(10)
    group = Node(2, "party", D(15), children=[Node(3, "party", D(10)), Node(4, "party", D(10))])
    assert node_score(group, {3: D(10), 4: D(10)}) == D(15)


def test_a_veto_fails_whatever_the_total():
    values = {11: D(60), 12: D(40), 21: D(50), 51: D(1)}
    totals = bundle(tree(), values, W)
    assert totals.total == D("100.00")
    assert totals.vetoed and totals.grade == "fail"


def test_grade_boundaries():
    roots = [
        Node(1, "party", D(100), children=[Node(11, "party", D(100))]),
        Node(2, "construction", D(100), children=[Node(21, "construction", D(100))]),
    ]

    def grade(party_points):
        # construction full (40 of the total), party moves it: total = p * 0.6 + 40
        return bundle(roots, {11: D(party_points), 21: D(100)}, W)

    assert grade(D("83.34")).total == D("90.00") and grade(D("83.34")).grade == "excellent"
    assert grade(D("83.32")).grade == "good"  # 89.99
    assert grade(D("33.34")).grade == "pass"  # 60.00
    assert grade(D("33.32")).grade == "fail"  # 59.99


def test_total_never_below_zero():
    totals = bundle(tree(), {41: D(5)}, W)
    assert totals.total == 0


def test_ties_share_a_rank():
    assert ranks([D(90), D(95), D(90), D(80)]) == [2, 1, 2, 4]
