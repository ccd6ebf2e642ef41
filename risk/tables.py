"""The value tables, grade bands and control levels of risk assessment (R-RISK-2, R-RISK-3, R-RISK-4).

Factors are chosen from these tables, never typed. `assess()` is the one function that turns chosen
factors into score, grade and colour; the tests pin it to every vector and band boundary of the domain.
Bands and control levels are settings (`RISK_GRADING`, `RISK_CONTROL_LEVELS` in Django settings override
the defaults below); each carries the standard it comes from and the date it took effect.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core.choices import RISK_COLOUR_RANK, RiskColour
from risk.choices import ControlLevel, Method


def _d(value: str) -> Decimal:
    return Decimal(value)


# R-RISK-2: LEC value tables, D = L × E × C.
LEC_L = [
    (_d("10"), _("10 — fully expected")),
    (_d("6"), _("6 — quite possible")),
    (_d("3"), _("3 — unusual but possible")),
    (_d("1"), _("1 — remotely possible")),
    (_d("0.5"), _("0.5 — conceivable but very unlikely")),
    (_d("0.2"), _("0.2 — practically impossible")),
    (_d("0.1"), _("0.1 — virtually impossible")),
]
LEC_E = [
    (_d("10"), _("10 — continuous")),
    (_d("6"), _("6 — daily in working hours")),
    (_d("3"), _("3 — weekly or occasionally")),
    (_d("2"), _("2 — monthly")),
    (_d("1"), _("1 — a few times a year")),
    (_d("0.5"), _("0.5 — very rarely")),
]
LEC_C = [
    (_d("100"), _("100 — catastrophe, many deaths")),
    (_d("40"), _("40 — disaster, several deaths")),
    (_d("15"), _("15 — very serious, one death")),
    (_d("7"), _("7 — serious injury")),
    (_d("3"), _("3 — disabling injury")),
    (_d("1"), _("1 — noticeable, first aid")),
]
# R-RISK-3: risk matrix value tables, R = L × S.
LS_L = [
    (_d("1"), _("1 — hardly possible (less than once in 50 years)")),
    (_d("2"), _("2 — unlikely (once in 10+ years)")),
    (_d("3"), _("3 — possible (within 10 years)")),
    (_d("4"), _("4 — likely (within 5 years)")),
    (_d("5"), _("5 — very likely (yearly)")),
]
LS_S = [
    (_d("1"), _("1 — minor injury")),
    (_d("2"), _("2 — first aid or several minor injuries")),
    (_d("3"), _("3 — one serious injury")),
    (_d("4"), _("4 — several serious injuries")),
    (_d("5"), _("5 — one or more deaths")),
]

# The factors each method takes, and their tables.
FACTOR_TABLES: dict[str, dict[str, list]] = {
    Method.LEC: {"l": LEC_L, "e": LEC_E, "c": LEC_C},
    Method.LS: {"l": LS_L, "s": LS_S},
}


@dataclass(frozen=True)
class Band:
    """Scores at or above `low` (strictly above when `inclusive` is False) get this grade and colour."""

    low: Decimal
    inclusive: bool
    grade: int | None
    colour: str

    def contains(self, score: Decimal) -> bool:
        return score >= self.low if self.inclusive else score > self.low


# Highest band first. Settings may replace a method's entry with the same shape.
DEFAULT_GRADING = {
    Method.LEC: {
        # The bands are the LEC method's convention (Graham–Kinney), not the 2016 document, which sets only the
        # four colours (R-RISK-2).
        "source": "作业条件危险性评价法（LEC）的通行分级（方法惯例，区设置）；四级风险颜色见国务院安委会办公室《关于实施遏制重特大事故工作指南构建双重预防机制的意见》（安委办〔2016〕11号）",
        "effective_from": "2016-10-09",
        "bands": [
            ("320", False, 1, RiskColour.RED),
            ("160", True, 2, RiskColour.ORANGE),
            ("70", True, 3, RiskColour.YELLOW),
            ("20", True, 4, RiskColour.BLUE),
            ("0", True, 5, RiskColour.BLUE),
        ],
    },
    Method.LS: {
        "source": "风险矩阵法（L×S）的通行分级（方法惯例，区设置）；四级风险颜色见国务院安委会办公室《关于实施遏制重特大事故工作指南构建双重预防机制的意见》（安委办〔2016〕11号）",  # R-RISK-3
        "effective_from": "2016-10-09",
        "bands": [
            ("20", True, None, RiskColour.RED),
            ("15", True, None, RiskColour.ORANGE),
            ("9", True, None, RiskColour.YELLOW),
            ("0", True, None, RiskColour.BLUE),
        ],
    },
}

# R-RISK-4: the levels that may own the control of a risk of each colour, highest first.
DEFAULT_CONTROL_LEVELS = {
    "source": "各颜色风险的管控层级（区设置，默认值）",  # R-RISK-4
    "levels": {
        RiskColour.RED: [ControlLevel.COMPANY],
        RiskColour.ORANGE: [ControlLevel.COMPANY, ControlLevel.DEPARTMENT],
        RiskColour.YELLOW: [ControlLevel.DEPARTMENT, ControlLevel.WORKSHOP],
        RiskColour.BLUE: [ControlLevel.TEAM],
    },
}
CONTROL_LEVEL_RANK = {
    ControlLevel.TEAM: 1,
    ControlLevel.WORKSHOP: 2,
    ControlLevel.DEPARTMENT: 3,
    ControlLevel.COMPANY: 4,
}


def grading(method: str) -> dict:
    """The grading setting of a method: source, effective date and bands (highest first)."""
    configured = getattr(settings, "RISK_GRADING", None) or {}
    entry = configured.get(str(method)) or DEFAULT_GRADING[method]
    bands = [
        Band(Decimal(str(low)), bool(inc), grade, str(colour)) for low, inc, grade, colour in entry["bands"]
    ]
    return {"source": entry["source"], "effective_from": entry["effective_from"], "bands": bands}


def control_levels() -> dict:
    configured = getattr(settings, "RISK_CONTROL_LEVELS", None)
    return configured or DEFAULT_CONTROL_LEVELS


@dataclass(frozen=True)
class Result:
    score: Decimal
    grade: int | None
    colour: str


def classify(method: str, score: Decimal) -> Result:
    """Grade and colour of a score by the method's bands (R-RISK-2, R-RISK-3)."""
    score = Decimal(str(score))
    for band in grading(method)["bands"]:
        if band.contains(score):
            return Result(score, band.grade, band.colour)
    lowest = grading(method)["bands"][-1]
    return Result(score, lowest.grade, lowest.colour)


class FactorError(ValueError):
    """A factor is missing or not a value of its table; `errors` maps factor names to messages."""

    def __init__(self, errors: dict[str, list]):
        self.errors = errors
        super().__init__(str(errors))


def table_value(table: list, raw) -> Decimal | None:
    """The table value equal to `raw` (number or text), or None when it is not in the table."""
    if raw is None or isinstance(raw, bool) or raw == "":
        return None
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        return None
    if not value.is_finite():
        return None
    for choice, _label in table:
        if choice == value:
            return choice
    return None


def parse_factors(method: str, raw: dict) -> dict[str, Decimal]:
    """The chosen factors of a method, each checked against its table; raises FactorError."""
    if method not in FACTOR_TABLES:
        raise FactorError({"method": [_("Choose LEC or the risk matrix.")]})
    errors: dict[str, list] = {}
    factors: dict[str, Decimal] = {}
    for name, table in FACTOR_TABLES[method].items():
        value = table_value(table, raw.get(name))
        if value is None:
            allowed = ", ".join(_plain(v) for v, _label in table)
            if raw.get(name) in (None, ""):
                errors[name] = [_("Choose a value of the table (%(allowed)s).") % {"allowed": allowed}]
            else:
                errors[name] = [
                    _("Not a value of the table; choose one of %(allowed)s.") % {"allowed": allowed}
                ]
        else:
            factors[name] = value
    if errors:
        raise FactorError(errors)
    return factors


def assess(method: str, **factors) -> Result:
    """The one computation of score, grade and colour from chosen table values (R-RISK-2, R-RISK-3)."""
    chosen = parse_factors(method, factors)
    score = Decimal(1)
    for value in chosen.values():
        score *= value
    return classify(method, score.quantize(Decimal("0.01")))


def _plain(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text


def plain_number(value: Decimal | None) -> int | float | None:
    """A table value or score as JSON wants it: 6, 0.5, 540, 0.05."""
    if value is None:
        return None
    value = Decimal(value).normalize()
    return int(value) if value == value.to_integral_value() else float(value)


def allowed_control_levels(colour: str) -> list[str]:
    """R-RISK-4: the levels that may own the control of a risk of this colour."""
    return [str(level) for level in control_levels()["levels"].get(colour, [])]


def required_control_level(colour: str) -> str | None:
    """The lowest level that may own the control; a level below it is too low (R-RISK-4).

    A risk controlled at a level is also controlled by every level below it, so a higher level than
    the ones named for the colour is never too low.
    """
    levels = allowed_control_levels(colour)
    if not levels:
        return None
    return min(levels, key=lambda level: CONTROL_LEVEL_RANK[level])


def control_level_is_too_low(colour: str, level: str) -> bool:
    required = required_control_level(colour)
    if not required or not level:
        return False
    return CONTROL_LEVEL_RANK[level] < CONTROL_LEVEL_RANK[required]


def colour_one_higher(colour: str) -> str:
    """R-RISK-6: one colour up, at most red."""
    order = sorted(RISK_COLOUR_RANK, key=RISK_COLOUR_RANK.get)
    index = order.index(colour)
    return str(order[min(index + 1, len(order) - 1)])


def highest_colour(colours) -> str:
    present = [c for c in colours if c]
    return str(max(present, key=lambda c: RISK_COLOUR_RANK[c])) if present else ""


def schema_enum(table: list) -> list[tuple]:
    """A value table as the API schema's enum of JSON numbers (settings ENUM_NAME_OVERRIDES names it)."""
    return [(plain_number(value), plain_number(value)) for value, _label in table]


LEC_L_ENUM = functools.partial(schema_enum, LEC_L)
LEC_E_ENUM = functools.partial(schema_enum, LEC_E)
LEC_C_ENUM = functools.partial(schema_enum, LEC_C)
LS_ENUM = functools.partial(schema_enum, LS_L)  # the matrix's L and S share the values 1–5
