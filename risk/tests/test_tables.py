"""The one assessment function pinned to the domain's tables, vectors and band boundaries."""

from decimal import Decimal

import pytest

from core.choices import RiskColour
from risk.choices import ControlLevel, Method
from risk.tables import (
    LEC_C,
    LEC_E,
    LEC_L,
    FactorError,
    assess,
    classify,
    colour_one_higher,
    control_level_is_too_low,
    plain_number,
    required_control_level,
)

RED, ORANGE, YELLOW, BLUE = RiskColour.RED, RiskColour.ORANGE, RiskColour.YELLOW, RiskColour.BLUE


# R-RISK-2 vectors of the domain.
@pytest.mark.parametrize(
    "lk, e, c, score, grade, colour",
    [
        ("6", "6", "15", 540, 1, RED),
        ("3", "6", "15", 270, 2, ORANGE),
        ("3", "6", "7", 126, 3, YELLOW),
        ("1", "6", "7", 42, 4, BLUE),
        ("1", "1", "15", 15, 5, BLUE),
    ],
)
def test_lec_domain_vectors(lk, e, c, score, grade, colour):
    result = assess(Method.LEC, l=lk, e=e, c=c)
    assert result.score == Decimal(score)
    assert (result.grade, result.colour) == (grade, colour)


# R-RISK-2 band boundaries, both sides: D > 320 red; 160 ≤ D ≤ 320 orange; 70 ≤ D < 160 yellow;
# 20 ≤ D < 70 blue/4; D < 20 blue/5.
@pytest.mark.parametrize(
    "score, grade, colour",
    [
        ("320.01", 1, RED),
        ("320", 2, ORANGE),
        ("160", 2, ORANGE),
        ("159.99", 3, YELLOW),
        ("70", 3, YELLOW),
        ("69.99", 4, BLUE),
        ("20", 4, BLUE),
        ("19.99", 5, BLUE),
        ("0.05", 5, BLUE),
        ("10000", 1, RED),
    ],
)
def test_lec_band_boundaries(score, grade, colour):
    result = classify(Method.LEC, Decimal(score))
    assert (result.grade, result.colour) == (grade, colour)


# Boundaries reached by real table values, both sides.
@pytest.mark.parametrize(
    "lk, e, c, score, grade, colour",
    [
        ("10", "6", "7", 420, 1, RED),
        ("1", "3", "100", 300, 2, ORANGE),
        ("10", "6", "3", 180, 2, ORANGE),
        ("1", "1", "100", 100, 3, YELLOW),
        ("1", "10", "7", 70, 3, YELLOW),
        ("1", "6", "15", 90, 3, YELLOW),
        ("10", "2", "3", 60, 4, BLUE),
        ("10", "2", "1", 20, 4, BLUE),
        ("6", "3", "1", 18, 5, BLUE),
        ("0.1", "0.5", "1", "0.05", 5, BLUE),
        ("10", "10", "100", 10000, 1, RED),
    ],
)
def test_lec_table_values_near_the_boundaries(lk, e, c, score, grade, colour):
    result = assess(Method.LEC, l=lk, e=e, c=c)
    assert result.score == Decimal(str(score))
    assert (result.grade, result.colour) == (grade, colour)


def test_every_lec_combination_falls_in_exactly_the_band_of_its_product():
    seen = set()
    for lk, _a in LEC_L:
        for e, _b in LEC_E:
            for c, _c in LEC_C:
                result = assess(Method.LEC, l=lk, e=e, c=c)
                d = lk * e * c
                assert result.score == d
                expected = 1 if d > 320 else 2 if d >= 160 else 3 if d >= 70 else 4 if d >= 20 else 5
                assert result.grade == expected
                seen.add(result.colour)
    assert seen == {RED, ORANGE, YELLOW, BLUE}


# R-RISK-3: every cell of the 5 × 5 matrix, written out (bands 20–25 red, 15–16 orange, 9–12 yellow,
# 1–8 blue).
MATRIX = {
    1: [BLUE, BLUE, BLUE, BLUE, BLUE],
    2: [BLUE, BLUE, BLUE, BLUE, YELLOW],
    3: [BLUE, BLUE, YELLOW, YELLOW, ORANGE],
    4: [BLUE, BLUE, YELLOW, ORANGE, RED],
    5: [BLUE, YELLOW, ORANGE, RED, RED],
}


@pytest.mark.parametrize("lk", range(1, 6))
@pytest.mark.parametrize("s", range(1, 6))
def test_matrix_every_cell(lk, s):
    result = assess(Method.LS, l=lk, s=s)
    assert result.score == lk * s
    assert result.grade is None
    assert result.colour == MATRIX[lk][s - 1]


@pytest.mark.parametrize(
    "score, colour",
    [(25, RED), (20, RED), (16, ORANGE), (15, ORANGE), (12, YELLOW), (9, YELLOW), (8, BLUE), (1, BLUE)],
)
def test_matrix_band_boundaries(score, colour):
    assert classify(Method.LS, Decimal(score)).colour == colour


@pytest.mark.parametrize(
    "method, factors, bad",
    [
        (Method.LEC, {"l": "5", "e": "6", "c": "15"}, {"l"}),
        (Method.LEC, {"l": "6", "e": "7", "c": "15"}, {"e"}),
        (Method.LEC, {"l": "6", "e": "6", "c": "16"}, {"c"}),
        (Method.LEC, {"l": "6", "e": "6"}, {"c"}),
        (Method.LEC, {"l": "abc", "e": "NaN", "c": "Infinity"}, {"l", "e", "c"}),
        (Method.LS, {"l": "6", "s": "0"}, {"l", "s"}),
        (Method.LS, {"l": "2.5", "s": "3"}, {"l"}),
        (Method.LS, {"l": True, "s": "3"}, {"l"}),
    ],
)
def test_out_of_table_values_are_refused(method, factors, bad):
    with pytest.raises(FactorError) as info:
        assess(method, **factors)
    assert set(info.value.errors) == bad


def test_numbers_and_text_of_the_same_table_value_are_equal():
    assert assess(Method.LEC, l=0.5, e="6.0", c=15).score == Decimal("45")
    assert plain_number(Decimal("45.00")) == 45
    assert plain_number(Decimal("0.50")) == 0.5


def test_grading_is_a_setting(settings):
    settings.RISK_GRADING = {
        "ls": {
            "source": "District rule 2026",
            "effective_from": "2026-01-01",
            "bands": [
                ("16", True, None, "red"),
                ("10", True, None, "orange"),
                ("5", True, None, "yellow"),
                ("0", True, None, "blue"),
            ],
        }
    }
    assert assess(Method.LS, l=4, s=4).colour == RED
    assert assess(Method.LEC, l=6, e=6, c=15).colour == RED  # LEC keeps its default


# R-RISK-4: red → company; orange → company or department; yellow → department/workshop; blue → team.
@pytest.mark.parametrize(
    "colour, level, too_low",
    [
        (RED, ControlLevel.COMPANY, False),
        (RED, ControlLevel.DEPARTMENT, True),
        (RED, ControlLevel.WORKSHOP, True),
        (RED, ControlLevel.TEAM, True),
        (ORANGE, ControlLevel.COMPANY, False),
        (ORANGE, ControlLevel.DEPARTMENT, False),
        (ORANGE, ControlLevel.WORKSHOP, True),
        (ORANGE, ControlLevel.TEAM, True),
        (YELLOW, ControlLevel.COMPANY, False),
        (YELLOW, ControlLevel.DEPARTMENT, False),
        (YELLOW, ControlLevel.WORKSHOP, False),
        (YELLOW, ControlLevel.TEAM, True),
        (BLUE, ControlLevel.COMPANY, False),
        (BLUE, ControlLevel.TEAM, False),
    ],
)
def test_control_level_rules(colour, level, too_low):
    assert control_level_is_too_low(colour, level) is too_low


def test_required_control_levels():
    assert [required_control_level(c) for c in (RED, ORANGE, YELLOW, BLUE)] == [
        ControlLevel.COMPANY,
        ControlLevel.DEPARTMENT,
        ControlLevel.WORKSHOP,
        ControlLevel.TEAM,
    ]


def test_one_colour_up_stops_at_red():
    assert [colour_one_higher(c) for c in (BLUE, YELLOW, ORANGE, RED)] == [YELLOW, ORANGE, RED, RED]
