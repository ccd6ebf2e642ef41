"""The workflow layer: one declared table of transitions per model, one way to perform a transition.

A module declares its table once::

    FLOW = Workflow(
        model=Roster,
        name="duty.roster",                      # audit actions are "duty.roster.<verb>"
        transitions=[
            Transition("publish", sources=(DRAFT,), target=PUBLISHED, roles={Role.DISTRICT_ADMIN},
                       label=_("Publish"), form=PublishForm, guard=manages_room),
        ],
    )

and its services perform transitions through it::

    def publish_roster(roster, *, actor, version, data=None):
        return FLOW.perform(roster, "publish", actor=actor, version=version, data=data,
                            prepare=check_coverage, notify=tell_the_room)

`perform` runs the one chain every state change follows, inside one transaction: role, scope and the
transition's guard (NotAllowed, 403) → source state (Conflict, 409) → the version the client read
(missing: 400; stale: 409) → the input, validated by the transition's form (InvalidInput, 400, with field
errors) → `prepare` (rules that need the validated input; fills `step.changes`) → the conditional
`UPDATE … WHERE pk = p AND state = s AND version = v` (the loser of a race gets 409) → `after` (further
writes in the same transaction) → the audit event → `notify` (in-app notices are rows of the same
transaction; e-mail, SMS and webhooks leave on commit in the notification centre).

The same table gives the page its buttons (`available`, `buttons`) and the API its typed action routes
(`core.workflow_api`), and the access-control tests their rows, so none of them can drift from the rule.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import F
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Conflict, InvalidInput, NotAllowed
from core.forms import bind
from core.ports import record_event
from core.scoping import object_in_scope


@dataclass(frozen=True)
class Transition:
    """One row of a workflow table. `target` None: the state stays (an action recorded on the object)."""

    action: str
    sources: tuple[str, ...]
    target: str | None
    roles: frozenset[str]
    label: Any = ""
    form: type | None = None  # a django.forms.Form: the typed input of the page, the service and the API
    guard: Callable[[Any, Any], bool] | None = None  # (user, obj) → bool: object-dependent permission
    verb: str = ""  # the audit verb; the action's name when empty
    style: str = "primary"  # the button's Bootstrap colour
    confirm: Any = ""  # a question the page asks before posting
    path: str = ""  # the URL segment of the action's page and API route; from the action's name when empty
    # Fields whose value the form accepts but a business rule may still refuse (400), e.g. a deadline within
    # the level's limit or the plan a major hazard needs. Their help text says the rule; the schema test
    # tolerates a rule's 400 on these fields only.
    rule_fields: tuple[str, ...] = ()
    # False: the action has a form of its own on the page (a shift added to a roster), not a button.
    button: bool = True
    # The audit action in full when the event is named after a part the transition adds, not after the
    # workflow's record ("accidents.finding.added" on an investigation); `<workflow>.<verb>` when empty.
    event: str = ""

    def __post_init__(self):
        object.__setattr__(self, "roles", frozenset(self.roles))
        object.__setattr__(self, "sources", tuple(self.sources))

    @property
    def audit_verb(self) -> str:
        return self.verb or self.action

    @property
    def url_path(self) -> str:
        return self.path or self.action.replace("_", "-")


@dataclass
class Step:
    """One transition being performed: what the hooks read and fill."""

    workflow: Workflow
    transition: Transition
    obj: Any
    actor: Any
    data: dict  # the validated input (the form's cleaned_data)
    from_state: str
    changes: dict = field(default_factory=dict)  # more fields for the conditional UPDATE
    audit_data: dict = field(default_factory=dict)  # more facts for the audit event
    before: Any = None  # the workflow's `snapshot` of the object before the write (e.g. a counter key)
    verb: str = ""  # the audit verb when one action has two outcomes (approved / refused); set in prepare
    result: Any = None  # what the service returns when it is not the object (e.g. a created request)

    @property
    def to_state(self) -> str:
        target = self.transition.target
        return self.from_state if target is None else target  # a False target (is_active) is a state


Hook = Callable[[Step], None]


class Workflow:
    def __init__(
        self,
        *,
        model,
        name: str,
        transitions: Iterable[Transition],
        state_field: str | None = "state",
        version_field: str = "version",
        in_scope: Callable[[Any, Any], bool] = object_in_scope,
        page_url_name: str = "",
        on_moved: Hook | None = None,
        snapshot: Callable[[Any], Any] | None = None,
        state_message: Callable[[Any], str] | None = None,
        audit_on: Callable[[Any], Any] | None = None,
    ):
        self.model = model
        self.name = name
        # None: a record with no state of its own (a duty room, a plan, a case), whose edits are transitions
        # that only check role, scope, guard and version; its transitions declare no sources and no target.
        self.state_field = state_field
        self.version_field = version_field
        self.in_scope = in_scope
        self.page_url_name = page_url_name  # a URL taking (pk, action): the page of one transition
        self.on_moved = on_moved  # model-wide writes after every transition (counters, caches)
        self.snapshot = snapshot  # (obj) → what `on_moved` compares with: read before the write
        # (obj) → the 409's message when the state refuses an action, for models whose state has no labels
        # of its own (an `is_active` flag: "this risk point has been retired").
        self.state_message = state_message
        # (obj) → the record whose history the events belong to, when the object is a part of it (an
        # investigation's events are read on its accident's page).
        self.audit_on = audit_on
        self.transitions: dict[str, Transition] = {}
        for transition in transitions:
            if transition.action in self.transitions:
                raise ValueError(f"{name}: the action {transition.action!r} is declared twice")
            if state_field is None and (transition.sources or transition.target is not None):
                raise ValueError(f"{name}: a workflow without states takes no sources or target")
            self.transitions[transition.action] = transition
        REGISTRY[name] = self

    def __getitem__(self, action: str) -> Transition:
        return self.transitions[action]

    def __iter__(self):
        return iter(self.transitions.values())

    def event_name(self, transition: Transition, verb: str = "") -> str:
        """The audit action a transition writes (`verb`: one of an action's two outcomes, set in prepare)."""
        return transition.event or f"{self.name}.{verb or transition.audit_verb}"

    # --- who may, and when -------------------------------------------------------------------------

    def state_of(self, obj) -> str:
        return "" if self.state_field is None else getattr(obj, self.state_field)

    def state_allows(self, action: str, state: str) -> bool:
        return self.state_field is None or state in self[action].sources

    def may(self, user, action: str, obj) -> bool:
        """Role, scope and guard: whether this user may ever do `action` on this object (state aside)."""
        transition = self[action]
        if not getattr(user, "is_authenticated", False) or not (user.role_codes & transition.roles):
            return False
        if not self.in_scope(user, obj):
            return False
        return transition.guard is None or bool(transition.guard(user, obj))

    def available(self, user, obj) -> list[Transition]:
        """The transitions this user could perform now: the page's buttons."""
        state = self.state_of(obj)
        return [t for t in self if self.state_allows(t.action, state) and self.may(user, t.action, obj)]

    def buttons(self, user, obj) -> list[dict]:
        return [
            {
                "action": t.action,
                "label": t.label or t.action,
                "style": t.style,
                "confirm": t.confirm,
                "url": self.page_url(obj, t.action),
            }
            for t in self.available(user, obj)
            if t.button
        ]

    def page_url(self, obj, action: str) -> str:
        if not self.page_url_name:
            return ""
        try:
            return reverse(self.page_url_name, kwargs={"pk": obj.pk, "action": self[action].url_path})
        except NoReverseMatch:
            return ""

    # --- the one chain ------------------------------------------------------------------------------

    def check(self, obj, action: str, *, actor, version) -> int:
        """API.md's order after visibility: role (403), state (409), version (400 missing, 409 stale)."""
        if not self.may(actor, action, obj):
            raise NotAllowed(_("Your role may not do this here."))
        if not self.state_allows(action, self.state_of(obj)):
            raise Conflict(self.refusal(obj))
        try:
            number = int(version)
        except (TypeError, ValueError):
            raise InvalidInput.field("version", _("Send the version you read."))
        if number != getattr(obj, self.version_field):
            raise Conflict()
        return number

    def refusal(self, obj) -> str:
        """Why the current state refuses an action (the 409's message)."""
        if self.state_message is not None:
            return self.state_message(obj)
        return _("This is not possible in the current state (“%(state)s”); reload the page.") % {
            "state": self.state_label(obj)
        }

    def state_label(self, obj) -> str:
        if self.state_field is None:
            return ""
        display = getattr(obj, f"get_{self.state_field}_display", None)
        return str(display()) if display else self.state_of(obj)

    def validate(self, action: str, data) -> dict:
        """The transition's form is the one validation of its input, for pages and the API alike."""
        form_class = self[action].form
        if form_class is None:
            return {}
        form = bind(form_class, data)
        if not form.is_valid():
            raise InvalidInput(errors={k: list(v) for k, v in form.errors.items()})
        return form.cleaned_data

    @transaction.atomic
    def perform(
        self,
        obj,
        action: str,
        *,
        actor,
        version,
        data=None,
        prepare: Hook | None = None,
        after: Hook | None = None,
        notify: Hook | None = None,
    ):
        version = self.check(obj, action, actor=actor, version=version)
        transition = self[action]
        step = Step(self, transition, obj, actor, self.validate(action, data), self.state_of(obj))
        if self.snapshot is not None:
            step.before = self.snapshot(obj)
        if prepare is not None:
            prepare(step)
        self.write(step, version)
        if after is not None:
            after(step)
        if self.on_moved is not None:
            self.on_moved(step)
        states = (
            {} if self.state_field is None else {"from_state": step.from_state, "to_state": step.to_state}
        )
        record_event(
            step.obj if self.audit_on is None else self.audit_on(step.obj),
            self.event_name(transition, step.verb),
            actor=actor,
            data={**states, **step.audit_data},
        )
        if notify is not None:
            notify(step)
        return step.result if step.result is not None else step.obj

    def write(self, step: Step, version: int) -> None:
        """The conditional UPDATE: of two racing writers exactly one changes the row."""
        fields = {self.version_field: F(self.version_field) + 1}
        where = {self.version_field: version}
        if self.state_field is not None:
            fields[self.state_field] = step.to_state
            where[self.state_field] = step.from_state
        if "updated_at" in {f.name for f in self.model._meta.concrete_fields}:
            fields["updated_at"] = timezone.now()
        fields.update(step.changes)
        matched = self.model._default_manager.filter(pk=step.obj.pk, **where).update(**fields)
        if matched != 1:
            raise Conflict()
        step.obj.refresh_from_db()


def edit(
    obj,
    action: str,
    *,
    actor,
    version,
    changes: dict,
    also: dict | None = None,
    audit_on=None,
    data: dict | None = None,
) -> None:
    """An edit that is not a state change (a register record's fields, a template's wording): the same
    conditional `UPDATE … WHERE pk = p AND version = v` as a transition (version missing: 400; stale: 409,
    and nothing changes), then the audit event `action` with what changed. `also`: fields written but not
    worth an audit line (who edited last). `audit_on`: the record whose history the event belongs to when
    `obj` is a part of it (an accident's investigation); `data`: more for the event than the changes. Role
    and scope are the caller's, checked before; call inside the caller's transaction."""
    try:
        number = int(version)
    except (TypeError, ValueError):
        raise InvalidInput.field("version", _("Send the version you read."))
    before = {k: _plain(getattr(obj, k)) for k in changes}
    fields = {**changes, **(also or {}), "version": number + 1}
    if type(obj)._default_manager.filter(pk=obj.pk, version=number).update(**fields) != 1:
        raise Conflict()
    obj.refresh_from_db()
    after = {k: _plain(getattr(obj, k)) for k in changes}
    diff = {k: [before[k], after[k]] for k in changes if before[k] != after[k]}
    record_event(audit_on or obj, action, actor=actor, data={"changes": diff, **(data or {})})


def _plain(value):
    return getattr(value, "pk", value)


def record_created(obj, name: str, *, actor, data: dict | None = None) -> None:
    """The audit event of a new workflow object (its first state is its model's default)."""
    record_event(obj, f"{name}.created", actor=actor, data=data or {})


REGISTRY: dict[str, Workflow] = {}
