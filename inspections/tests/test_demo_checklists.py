"""The demo district's checklists are the migrated database's: `make demo-reset` flushes the database and the
demo builder ships the checklists again, which once brought back the first version's wording (internal rule
ids next to the laws, "首版 / first version", no links to the major-hazard criteria)."""

from __future__ import annotations

import importlib
import re

import pytest
from django.core.management import call_command

from inspections.demo import ensure_shipped_checklists
from inspections.models import ChecklistTemplate

RULE_ID = re.compile(r"R-[A-Z]+-\d")
FAMILIES = {
    spec["family"]
    for spec in importlib.import_module("inspections.migrations.0002_shipped_checklists").TEMPLATES
}


def _shipped() -> list[tuple]:
    """What a user reads of the shipped checklists, with each item's criterion by its natural key (the
    library's rows get new ids when they are written again)."""
    templates = ChecklistTemplate.objects.filter(family__in=FAMILIES, version=1).order_by("family")
    return [
        (
            t.family,
            t.is_current,
            t.name,
            t.name_en,
            t.sector_id,
            t.topic,
            t.topic_en,
            t.description,
            t.change_note,
            [
                (
                    i.number,
                    i.requirement,
                    i.requirement_en,
                    i.legal_basis,
                    i.category,
                    i.level,
                    i.is_key,
                    i.criterion and (i.criterion.sector_id, i.criterion.item, i.criterion.is_active),
                )
                for i in t.items.select_related("criterion").order_by("number")
            ],
        )
        for t in templates
    ]


def _rule_ids(checklists: list[tuple]) -> list[str]:
    found = []
    for family, *fields, items in checklists:
        texts = [str(f) for f in fields] + [str(part) for item in items for part in item]
        found += [f"{family}: {text}" for text in texts if RULE_ID.search(text)]
    return found


@pytest.fixture(scope="session")
def migrated(django_db_setup, django_db_blocker) -> list[tuple]:
    """The checklists as `migrate` left them, read once, by the first test that asks: regular tests run
    before the transactional ones that flush the database, so that is the regular test below."""
    with django_db_blocker.unblock():
        return _shipped()


@pytest.mark.django_db
def test_the_migrated_checklists_cite_no_rule_id(migrated):
    assert {row[0] for row in migrated} == FAMILIES
    assert not _rule_ids(migrated)
    assert any(item[-1] for row in migrated for item in row[-1]), "the migrated key items cite their criteria"


@pytest.mark.django_db(transaction=True)
def test_the_demo_after_a_flush_ships_the_checklists_a_migrated_database_has(migrated):
    from registry.reference import seed_reference_data

    assert {row[0] for row in migrated} == FAMILIES, "read after a flush: run with the regular test above"
    call_command("flush", interactive=False, verbosity=0)  # what `load_demo --reset` does first
    seed_reference_data()
    assert not ChecklistTemplate.objects.exists()
    ensure_shipped_checklists()

    rebuilt = _shipped()
    assert not _rule_ids(rebuilt)
    assert rebuilt == migrated
