"""Writes of the accountability module, one function per change (see the submodules)."""

from accountability.services.assessment import adjust_score, publish_scorecard, set_weights
from accountability.services.proposals import (
    add_commitment,
    close_measure,
    complete_commitment,
    decide_proposal,
    propose,
    record_measure,
    run_triggers,
)

__all__ = [
    "add_commitment",
    "adjust_score",
    "close_measure",
    "complete_commitment",
    "decide_proposal",
    "propose",
    "publish_scorecard",
    "record_measure",
    "run_triggers",
    "set_weights",
]
