"""Codes of the accountability module (domain CODES.md "Accountability"; RULES R-ACCT-3..6)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Measure(models.TextChoices):
    """R-ACCT-3, mildest first (CODES.md: measure)."""

    INTERVIEW = "interview", _("Interview")
    CIRCULAR = "circular", _("Circular of criticism")
    LISTED_SUPERVISION = "listed_supervision", _("Listed supervision")
    PENALTY = "penalty", _("Administrative penalty")
    DAILY_PENALTY = "daily_penalty", _("Daily continuous penalty")
    SUSPENSION = "suspension", _("Order to suspend production for rectification")
    REFERRAL = "referral", _("Referral")
    DISCIPLINARY = "disciplinary", _("Proposed disciplinary action")


class Trigger(models.TextChoices):
    """R-ACCT-4: what fires a proposal."""

    MAJOR_HAZARD_OVERDUE = "major_hazard_overdue", _("A major hazard overdue by more than the allowed days")
    GENERAL_HAZARDS_OVERDUE = (
        "general_hazards_overdue",
        _("General hazards overdue by more than the allowed days"),
    )
    LATE_ACCIDENT_REPORT = "late_accident_report", _("An accident reported late")
    LARGER_ACCIDENT = "larger_accident", _("A larger or more serious accident")


class TargetKind(models.TextChoices):
    TOWN = "town", _("Town/street")
    DEPARTMENT = "department", _("Department")
    ENTERPRISE = "enterprise", _("Enterprise")


class ProposalState(models.TextChoices):
    """API.md: proposed → decided | dismissed."""

    PROPOSED = "proposed", _("Awaiting decision")
    DECIDED = "decided", _("Decided")
    DISMISSED = "dismissed", _("Dismissed")


class Decision(models.TextChoices):
    ACCEPT = "accept", _("Accept the proposed measure")
    CHANGE = "change", _("Decide another measure")
    DISMISS = "dismiss", _("Dismiss")


class MeasureState(models.TextChoices):
    """A decided measure: open until carried out (minutes held, circular issued), then followed up."""

    OPEN = "open", _("To be carried out")
    CARRIED_OUT = "carried_out", _("Carried out, commitments followed up")
    CLOSED = "closed", _("Closed")


class ScorecardState(models.TextChoices):
    """R-ACCT-6: a year's scorecard is computed live while draft; publishing freezes it."""

    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published (frozen)")


class Rating(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent")
    GOOD = "good", _("Good")
    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")
    VETOED = "vetoed", _("Vetoed")


class UnitKind(models.TextChoices):
    """R-ACCT-1/2: the kinds of unit that hold a responsibility list."""

    LEADER = "leader", _("District leader (by portfolio)")
    DEPARTMENT = "department", _("Department")
    TOWN = "town", _("Town/street")
    ENTERPRISE = "enterprise", _("Enterprise")


class StaffRole(models.TextChoices):
    """R-REG-4: the people an enterprise must have."""

    PRINCIPAL = "principal", _("Principal (first person responsible)")
    SAFETY_MANAGER = "safety_manager", _("Safety manager")
    SAFETY_STAFF = "safety_staff", _("Full-time safety staff")


class CaseState(models.TextChoices):
    """R-ACCT-5: the steps of an enforcement case."""

    FILED = "filed", _("Filed")
    INVESTIGATING = "investigating", _("Under investigation")
    NOTIFIED = "notified", _("Prior notice served")
    DECIDED = "decided", _("Decided")
    DELIVERED = "delivered", _("Decision delivered")
    PAID = "paid", _("Fine paid")
    RECONSIDERATION = "reconsideration", _("Under administrative reconsideration")
    LAWSUIT = "lawsuit", _("Under administrative lawsuit")
    CLOSED = "closed", _("Closed")


class RemedyOutcome(models.TextChoices):
    """The outcome of an administrative reconsideration or lawsuit against the decision."""

    # "Changed" is also the audit trail's word for an edited record.
    UPHELD = "upheld", pgettext_lazy("remedy outcome", "Upheld")
    CHANGED = "changed", pgettext_lazy("remedy outcome", "Changed")
    REVOKED = "revoked", pgettext_lazy("remedy outcome", "Revoked")


class CaseOrigin(models.TextChoices):
    INSPECTION = "inspection", _("Inspection")
    HAZARD = "hazard", _("Hazard")
    REPORT = "report", _("Public report")


class CaseMeasure(models.TextChoices):
    """The decision's measure: the ladder of Work Safety Law art. 102, art. 112 and art. 113."""

    FINE = "fine", _("Order to eliminate with a fine")
    SUSPENSION = "suspension", _("Suspension of production for rectification")
    DAILY_PENALTY = "daily_penalty", _("Daily continuous penalty")
    CLOSURE = "closure", _("Closure")
    REFERRAL = "referral", _("Referral to the public security organs")


class DocumentKind(models.TextChoices):
    """R-ACCT-5: each step's numbered document."""

    FILING = "filing", _("Case filing form")
    INQUIRY = "inquiry", _("Record of inquiry")
    PRIOR_NOTICE = "prior_notice", _("Prior notice of administrative penalty")
    HEARING_NOTICE = "hearing_notice", _("Hearing notice")
    DECISION = "decision", _("Administrative penalty decision")
    DELIVERY = "delivery", _("Delivery receipt")
    CLOSING = "closing", _("Case closing report")
    CIRCULAR = "circular", _("Circular of criticism")
    INTERVIEW = "interview", _("Interview minutes")


CASE_FLAGS = {
    "decision_overdue": _("Decision overdue"),
    "payment_overdue": _("Payment overdue"),
    "hearing_window": _("Hearing request window open"),
    "remedy_window": _("Reconsideration or lawsuit may still be sought"),
    "reconsideration_overdue": _("Reconsideration decision overdue"),
    "lawsuit_overdue": _("First-instance judgment overdue"),
}
