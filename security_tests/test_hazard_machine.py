"""A Hypothesis state machine over the hazard workflow, driving the real services (R-HAZ-5).

Random actors try random actions with the current or a stale version. Invariants: the state only moves
along TRANSITIONS, only for a role the rules allow; the version rises by exactly one per success and
never otherwise; each success writes exactly one audit event on the hazard.
"""

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from audit.models import AuditEvent
from core.errors import DomainError
from hazards import services
from hazards.models import Hazard
from hazards.rules import TRANSITIONS, may, state_allows
from hazards.tests.helpers import photo, reported

ACTORS = ["admin", "duruan", "inspector_duruan", "ent_duruan", "yjj", "leader", "duty", "baisha"]
ACTIONS = ["assign", "submit", "accept", "reject", "close", "cancel"]


def _call(action, actor, hazard, version):
    if action == "assign":
        return services.assign_rectification(
            actor=actor,
            hazard=hazard,
            version=version,
            measures="清理通道",
            responsible_person="张三",
            funds="100",
        )
    if action == "submit":
        return services.submit_rectification(
            actor=actor,
            hazard=hazard,
            version=version,
            rectification_note="已整改",
            attachments=[photo(actor)],
        )
    if action == "accept":
        return services.accept_rectification(actor=actor, hazard=hazard, version=version)
    if action == "reject":
        return services.reject_rectification(actor=actor, hazard=hazard, version=version, reason="照片不清楚")
    if action == "close":
        return services.close_hazard(actor=actor, hazard=hazard, version=version)
    return services.cancel_hazard(actor=actor, hazard=hazard, version=version, reason="重复登记")


@pytest.mark.security
def test_the_hazard_workflow_state_machine(persona, enterprise_in, security_figures):
    users = {name: persona(name) for name in ACTORS}
    enterprise = users["ent_duruan"].enterprise
    totals = {"steps": 0, "transitions": 0, "refused": 0}

    class HazardWorkflow(RuleBasedStateMachine):
        @initialize()
        def report(self):
            self.hazard = reported(users["admin"], enterprise)
            self.version = self.hazard.version
            self.successes = 0
            self.events = AuditEvent.objects.for_object(self.hazard).count()

        @rule(action=st.sampled_from(ACTIONS), actor=st.sampled_from(ACTORS), stale=st.booleans())
        def act(self, action, actor, stale):
            hazard = Hazard.objects.get(pk=self.hazard.pk)
            before_state, before_version, user = hazard.state, hazard.version, users[actor]
            version = before_version - 1 if stale else before_version
            allowed = (
                may(user, action, hazard) and Hazard.objects.visible_to(user).filter(pk=hazard.pk).exists()
            )
            totals["steps"] += 1
            try:
                _call(action, user, hazard, version)
            except DomainError:
                totals["refused"] += 1
                after = Hazard.objects.get(pk=hazard.pk)
                assert (after.state, after.version) == (before_state, before_version)
                return
            after = Hazard.objects.get(pk=hazard.pk)
            assert not stale, f"{action} by {actor} succeeded with a stale version"
            assert state_allows(action, before_state), (action, before_state)
            assert allowed, f"{action} by {actor}, who may not or cannot see the hazard, succeeded"
            assert after.state == TRANSITIONS[action].target
            assert after.version == before_version + 1
            self.successes += 1
            totals["transitions"] += 1

        @invariant()
        def counters_equal_the_rows(self):
            # The rollup the list totals and statistics read (issue 7) moves with every transition.
            from bench.tests.test_rollup import fresh_counts, tally_counts

            if hasattr(self, "hazard"):
                assert tally_counts() == fresh_counts()

        @invariant()
        def audited_once_per_success(self):
            if hasattr(self, "hazard"):
                now = AuditEvent.objects.for_object(self.hazard).count()
                assert now - self.events == self.successes

    run_state_machine_as_test(
        HazardWorkflow,
        settings=settings(
            max_examples=15,
            stateful_step_count=12,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        ),
    )
    security_figures["hazard_state_machine"] = {
        **totals,
        "goal": "state, version, audit and counter invariants hold",
        "met": True,
    }
