"""A timeline's changed fields read as the model names them, with the values a user knows (issue 20, point 2):
never `lead_unit` or `direct_causes`, never a choice's code or a record's id."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db.models import Field
from django.utils import timezone, translation

from audit.labels import NOT_SHOWN, describe

RAW_NAME = re.compile(r"\b[a-z]+_[a-z_]+\b")


def _event(label: str, changes: dict, *, action: str | None = None):
    """An audit event as the timeline reads it (only the attributes `describe` uses)."""
    return SimpleNamespace(
        at=timezone.now(),
        actor_id=None,
        actor=None,
        actor_name="",
        action=action or f"{label}.updated",
        target_type=label,
        data={"changes": changes},
    )


def _fields_with_choices():
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, Field) and len(field.flatchoices) >= 2 and not field.is_relation:
                yield pytest.param(model, field, id=f"{model._meta.label_lower}.{field.name}")


@pytest.mark.parametrize(("model", "field"), list(_fields_with_choices()))
def test_every_choice_field_of_every_model_reads_by_its_name_and_labels(model, field):
    (old, old_label), (new, new_label) = field.flatchoices[:2]
    with translation.override("zh-hans"):
        entry = describe(_event(model._meta.label_lower, {field.name: [old, new]}))
        assert entry["changes"] == [(str(field.verbose_name), str(old_label), str(new_label))]


@pytest.fixture
def accident(persona, district, enterprise_in):
    from accidents import services

    return services.record_accident(
        actor=persona("duruan"),
        data={
            "occurred_at": timezone.now() - dt.timedelta(minutes=20),
            "town": district["duruan"],
            "sector": "industry_trade",
            "enterprise": enterprise_in("duruan", "industry_trade"),
            "accident_type": "03",
            "narrative": "冲床压伤手部",
            "deaths": 0,
            "serious_injuries": 0,
            "direct_loss": Decimal("0"),
        },
    )


def _timeline(client, accident) -> str:
    html = client.get(f"/accidents/{accident.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    start = html.index('data-testid="timeline"')
    return html[start : html.index("</section>", start)]


def _changes(section: str) -> str:
    return " ".join(re.findall(r'<span class="me-2">(.*?)</span>', section, flags=re.S))


@pytest.mark.django_db
def test_the_accident_timeline_names_the_investigations_fields_in_chinese(accident, persona, as_user):
    from accidents import services

    admin = persona("admin")
    accident.refresh_from_db()
    investigation = services.open_investigation(
        accident, actor=admin, version=accident.version, data={"lead_unit": "区应急管理局"}
    )
    investigation = services.update_investigation(
        investigation,
        actor=admin,
        version=investigation.version,
        data={"lead_unit": "区事故调查组", "team": "张三、李四", "direct_causes": "冲床光电保护失效"},
    )
    services.extend_investigation(
        investigation,
        actor=admin,
        version=investigation.version,
        data={"days": 30, "reason": "需补充技术鉴定"},
    )

    changes = _changes(_timeline(as_user("admin"), accident))
    assert "区应急管理局 → 区事故调查组" in changes
    with translation.override("zh-hans"):
        from accidents.models import Investigation

        for name in ("lead_unit", "team", "direct_causes", "deadline"):
            assert str(Investigation._meta.get_field(name).verbose_name) in changes
    assert not RAW_NAME.search(changes), RAW_NAME.findall(changes)


@pytest.mark.django_db
def test_a_corrected_accident_shows_the_old_and_new_type_and_enterprise_by_name(accident, persona, as_user):
    from accidents import services
    from core.choices import AccidentType
    from registry.models import Enterprise

    other = (
        Enterprise.objects.filter(town=accident.town, sectors__code="industry_trade")
        .exclude(pk=accident.enterprise_id)
        .order_by("id")
        .first()
    )
    accident.refresh_from_db()
    first = accident.enterprise
    services.update_accident(
        actor=persona("duruan"),
        accident=accident,
        data={"accident_type": "04", "enterprise": other},
        version=accident.version,
    )
    changes = _changes(_timeline(as_user("duruan"), accident))
    with translation.override("zh-hans"):
        assert f"{AccidentType('03').label} → {AccidentType('04').label}" in changes
    assert f"{first.name} → {other.name}" in changes
    assert " 03 " not in f" {changes} "


@pytest.mark.django_db
def test_a_record_out_of_the_viewers_scope_is_not_named(persona, enterprise_in):
    """The timeline of an accident moved into Duruan must not tell Duruan's officer the name of the
    Baisha enterprise it came from."""
    own, elsewhere = enterprise_in("duruan"), enterprise_in("baisha")
    event = _event("accidents.accident", {"enterprise": [elsewhere.pk, own.pk]})
    with translation.override("zh-hans"):
        (_label, old, new) = describe(event, persona("duruan"))["changes"][0]
        assert (old, new) == (str(NOT_SHOWN), own.name)
        assert describe(event, persona("admin"))["changes"][0][1:] == (elsewhere.name, own.name)
