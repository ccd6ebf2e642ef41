"""The workflow layer's one chain: role → state → version → input → conditional write → audit → notify."""

from __future__ import annotations

import pytest
from django import forms
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import RequestFactory

from audit.models import AuditEvent
from core.choices import Role
from core.errors import Conflict, InvalidInput, NotAllowed
from core.workflow import REGISTRY, Transition, Workflow
from core.workflow_api import request_serializer
from core.workflow_views import transition_page
from hazards.choices import State
from hazards.models import Hazard
from hazards.tests.helpers import reported


class NoteForm(forms.Form):
    note = forms.CharField(max_length=20)
    due = forms.DateField(required=False)
    amount = forms.DecimalField(required=False, max_digits=8, decimal_places=2)


@pytest.fixture
def flow():
    workflow = Workflow(
        model=Hazard,
        name="test.hazard",
        transitions=[
            Transition("start", (State.REPORTED,), State.RECTIFYING, {Role.TOWN_OFFICER}, form=NoteForm),
            Transition("remark", (State.REPORTED, State.RECTIFYING), None, {Role.TOWN_OFFICER}),
            Transition(
                "guarded", (State.REPORTED,), None, {Role.TOWN_OFFICER}, guard=lambda user, obj: False
            ),
        ],
    )
    yield workflow
    REGISTRY.pop("test.hazard", None)


@pytest.fixture
def hazard(persona, enterprise_in):
    return reported(persona("duruan"), enterprise_in("duruan", "industry_trade"))


def test_it_moves_the_state_raises_the_version_and_audits_once(flow, hazard, persona):
    before = AuditEvent.objects.filter(action="test.hazard.start").count()
    told = []
    flow.perform(
        hazard,
        "start",
        actor=persona("duruan"),
        version=hazard.version,
        data={"note": "开始"},
        prepare=lambda step: step.audit_data.update(note=step.data["note"]),
        notify=told.append,
    )
    hazard.refresh_from_db()
    assert hazard.state == State.RECTIFYING and hazard.version == 2
    event = AuditEvent.objects.filter(action="test.hazard.start").latest("id")
    assert AuditEvent.objects.filter(action="test.hazard.start").count() == before + 1
    assert event.data["from_state"] == State.REPORTED and event.data["note"] == "开始"
    assert len(told) == 1 and told[0].to_state == State.RECTIFYING


def test_it_checks_role_then_state_then_version_then_input(flow, hazard, persona):
    town = persona("duruan")
    with pytest.raises(NotAllowed):  # a role outside the table, with a bad version and no input
        flow.perform(hazard, "start", actor=persona("baisha"), version="x", data={})
    with pytest.raises(NotAllowed):
        flow.perform(hazard, "guarded", actor=town, version=hazard.version)
    with pytest.raises(InvalidInput) as missing:
        flow.perform(hazard, "start", actor=town, version=None, data={"note": "x"})
    assert "version" in missing.value.errors
    with pytest.raises(Conflict):
        flow.perform(hazard, "start", actor=town, version=hazard.version + 1, data={"note": "x"})
    with pytest.raises(InvalidInput) as invalid:
        flow.perform(hazard, "start", actor=town, version=hazard.version, data={"note": "x" * 30})
    assert "note" in invalid.value.errors
    hazard.refresh_from_db()
    assert hazard.state == State.REPORTED and hazard.version == 1


def test_a_stale_writer_loses_and_nothing_changes(flow, hazard, persona):
    stale = Hazard.objects.get(pk=hazard.pk)
    flow.perform(hazard, "remark", actor=persona("duruan"), version=1)
    with pytest.raises(Conflict):
        flow.write(
            type(
                "S",
                (),
                {"obj": stale, "from_state": State.REPORTED, "to_state": State.REPORTED, "changes": {}},
            ),
            1,
        )
    assert Hazard.objects.get(pk=hazard.pk).version == 2


def test_buttons_follow_role_scope_and_state(flow, hazard, persona):
    assert [t.action for t in flow.available(persona("duruan"), hazard)] == ["start", "remark"]
    assert flow.available(persona("baisha"), hazard) == []  # other town: out of scope
    assert flow.available(persona("leader"), hazard) == []  # not in the table


def test_the_api_body_is_typed_from_the_form(flow):
    fields = request_serializer(flow, flow["start"])().fields
    assert fields["version"].required
    assert fields["note"].required and fields["note"].max_length == 20
    assert type(fields["due"]).__name__ == "DateField" and not fields["due"].required
    assert type(fields["amount"]).__name__ == "DecimalField"


def _transition_get(flow, user, hazard, action):
    view = transition_page(
        flow,
        queryset=lambda: Hazard.objects.all(),
        services={name: (lambda *a, **k: None) for name in ("start", "remark", "guarded")},
    )
    request = RequestFactory().get("/")
    request.user, request.session = user, SessionStore()
    request._messages = FallbackStorage(request)
    return view(request, pk=hazard.pk, action=action)


def test_the_transition_page_checks_role_and_guard_before_showing_its_form(flow, hazard, persona):
    """GET is held to the table like POST: a visible object is no licence to see the form of an action."""
    town = persona("duruan")
    assert _transition_get(flow, town, hazard, "start").status_code == 200
    with pytest.raises(PermissionDenied):  # the guard refuses
        _transition_get(flow, town, hazard, "guarded")
    with pytest.raises(PermissionDenied):  # sees the hazard, but the role is not in the table
        _transition_get(flow, persona("admin"), hazard, "start")
    with pytest.raises(Http404):  # out of scope: 404, never a hint
        _transition_get(flow, persona("baisha"), hazard, "start")
    Hazard.objects.filter(pk=hazard.pk).update(state=State.RECTIFYING)
    assert _transition_get(flow, town, hazard, "start").status_code == 409


def test_a_record_without_states_is_edited_in_any_state_and_keeps_it(hazard, persona):
    """`state_field=None`: role, scope and version only; the record's own fields are never read as a state."""
    with pytest.raises(ValueError):
        Workflow(
            model=Hazard, name="test.bad", state_field=None, transitions=[Transition("x", ("a",), None, {})]
        )
    stateless = Workflow(
        model=Hazard,
        name="test.stateless",
        state_field=None,
        transitions=[Transition("remark", (), None, {Role.TOWN_OFFICER}, form=NoteForm)],
    )
    try:
        Hazard.objects.filter(pk=hazard.pk).update(state=State.CLOSED)
        hazard.refresh_from_db()
        town = persona("duruan")
        assert [t.action for t in stateless.available(town, hazard)] == ["remark"]
        stateless.perform(hazard, "remark", actor=town, version=hazard.version, data={"note": "看过"})
        hazard.refresh_from_db()
        assert hazard.state == State.CLOSED and hazard.version == 2
        event = AuditEvent.objects.filter(action="test.stateless.remark").get()
        assert "from_state" not in event.data
        with pytest.raises(Conflict):
            stateless.perform(hazard, "remark", actor=town, version=1, data={"note": "旧"})
    finally:
        REGISTRY.pop("test.stateless", None)
        REGISTRY.pop("test.bad", None)
