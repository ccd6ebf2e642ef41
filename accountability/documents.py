"""Official document kinds of this module (R-HAZ-13): prefixes per issuing body and kind, overridable by
the `DOCUMENT_NUMBER_PREFIXES` setting."""

from core.documents import register_document_kind

# kind → default prefix (issuing-body abbreviation + kind abbreviation).
KINDS = {
    "accountability.interview": "蓬安委约谈",
    "accountability.circular": "蓬安委通",
    "accountability.measure": "蓬安委责",
    "enforcement.filing": "蓬应急立",
    "enforcement.inquiry": "蓬应急询",
    "enforcement.prior_notice": "蓬应急告",
    "enforcement.hearing_notice": "蓬应急听",
    "enforcement.decision": "蓬应急罚",
    "enforcement.delivery": "蓬应急送",
    "enforcement.closing": "蓬应急结",
}


# The kind's word after the issuing body's abbreviation (蓬住建 + 罚): a department with its own abbreviation
# numbers its enforcement documents in its own series.
ENFORCEMENT_WORDS = {
    "enforcement.filing": "立",
    "enforcement.inquiry": "询",
    "enforcement.prior_notice": "告",
    "enforcement.hearing_notice": "听",
    "enforcement.decision": "罚",
    "enforcement.delivery": "送",
    "enforcement.closing": "结",
}


def register_kinds() -> None:
    for kind, prefix in KINDS.items():
        register_document_kind(kind, prefix)
