"""IDOR and mass assignment: fields a client must never set are ignored or refused, never applied.

(Reads, writes, transitions and downloads of another scope's objects — 404 and byte-identical — are
cells of the access matrix, test_matrix.py.)
"""

import pytest

from registry.models import Enterprise
from security_tests.probing import row_digest


@pytest.mark.security
def test_enterprise_patch_cannot_move_it_or_forge_its_facts(api_as, district, persona, security_figures):
    enterprise = persona("ent_duruan").enterprise
    before = Enterprise.objects.get(pk=enterprise.pk)
    attempts = {
        "town": district["baisha"].pk,
        "created_by": persona("admin").pk,
        "state": "closed",
        "status": "closed",
        "level": "major",
        "enterprise": enterprise.pk + 1,
        "id": enterprise.pk + 1000,
    }
    applied = []
    for field, value in attempts.items():
        current = Enterprise.objects.get(pk=enterprise.pk)
        response = api_as("ent_duruan").patch(
            f"/api/v1/enterprises/{enterprise.pk}/", {"version": current.version, field: value}, format="json"
        )
        assert response.status_code in (200, 400, 403), (field, response.status_code)
        after = Enterprise.objects.get(pk=enterprise.pk)
        if field == "town" and after.town_id != before.town_id:
            applied.append(field)
        if field in ("status", "state") and getattr(after, "status", None) != getattr(before, "status", None):
            applied.append(field)
        if field == "id" and not Enterprise.objects.filter(pk=enterprise.pk).exists():
            applied.append(field)
    # A version in the body only ever checks; it is never written as given.
    current = Enterprise.objects.get(pk=enterprise.pk)
    response = api_as("ent_duruan").patch(
        f"/api/v1/enterprises/{enterprise.pk}/", {"version": current.version + 50}, format="json"
    )
    assert response.status_code == 409
    assert Enterprise.objects.get(pk=enterprise.pk).version == current.version
    security_figures["mass_assignment"] = {
        "fields_tried": len(attempts) + 1,
        "applied": len(applied),
        "goal": "0 applied",
        "met": not applied,
    }
    assert applied == []


def test_a_town_officer_cannot_move_an_enterprise_to_another_town(api_as, district, enterprise_in):
    enterprise = enterprise_in("duruan")
    digest = row_digest(enterprise)
    response = api_as("duruan").patch(
        f"/api/v1/enterprises/{enterprise.pk}/",
        {"version": enterprise.version, "town": district["baisha"].pk},
        format="json",
    )
    assert response.status_code in (400, 403)
    assert row_digest(enterprise) == digest
