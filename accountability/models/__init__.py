"""Responsibility lists, enforcement cases, accountability proposals and the annual assessment."""

from accountability.models.assessment import ScoreAdjustment, Scorecard, ScoreItem, ScoreLine, WeightSetting
from accountability.models.enforcement import (
    CaseDocument,
    EnforcementCase,
    EnforcementPlan,
    InquiryRecord,
    PlanEntry,
)
from accountability.models.proposals import (
    CitedHazard,
    Commitment,
    ConcealedAccident,
    MeasureRecord,
    Proposal,
)
from accountability.models.responsibility import (
    DutyTemplate,
    EnterpriseStaff,
    PositionHolder,
    ResponsibilityLetter,
    ResponsibilityPosition,
)

__all__ = [
    "CaseDocument",
    "CitedHazard",
    "Commitment",
    "ConcealedAccident",
    "DutyTemplate",
    "EnforcementCase",
    "EnforcementPlan",
    "EnterpriseStaff",
    "InquiryRecord",
    "MeasureRecord",
    "PlanEntry",
    "PositionHolder",
    "Proposal",
    "ResponsibilityLetter",
    "ResponsibilityPosition",
    "ScoreAdjustment",
    "ScoreItem",
    "ScoreLine",
    "Scorecard",
    "WeightSetting",
]
