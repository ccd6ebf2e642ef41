"""Issue 19, finding 5: the audit hash covers every stored field of an event (chain version 2, from a
recorded point: older events stay verifiable), with a keyed MAC (HMAC-SM3 under the SM suite)."""

import pytest

from audit.integrity import ROW_FIELDS, verify
from audit.models import AuditChainHead, AuditEvent
from audit.services import V2_FIELDS, payload_digest, record, row_digest_v2
from audit.tests.test_integrity import tampering

DISPLAYED = {
    "actor_name": "'secadmin'",
    "actor_roles": """'["security_admin"]'""",
    "target_repr": "'someone else'",
}


@pytest.fixture
def events(persona):
    return [
        record(persona("duruan"), "accounts.user.updated", actor=persona("admin"), data={"n": n}).pk
        for n in range(3)
    ]


def test_every_stored_field_is_covered(security_figures):
    model_fields = {f.attname for f in AuditEvent._meta.concrete_fields}
    # The id is proved by the chain link; the hash and MAC cannot cover themselves.
    uncovered = model_fields - set(V2_FIELDS) - {"id", "prev_hash", "hash", "mac"}
    assert uncovered == set()
    assert set(ROW_FIELDS) >= model_fields
    security_figures["audit_fields_covered"] = {
        "goal": "every stored field of an event in its hash",
        "met": not uncovered,
        "fields_hashed": len(V2_FIELDS) + 1,  # and the link to the previous event
        "fields_stored": len(model_fields),
        "uncovered": sorted(uncovered),
    }


@pytest.mark.parametrize("column", sorted(DISPLAYED))
def test_a_displayed_field_changed_in_the_database_is_named(events, column):
    with tampering() as cursor:
        cursor.execute(
            f"UPDATE audit_auditevent SET {column} = {DISPLAYED[column]} WHERE id = %s", [events[1]]
        )
    report = verify()
    assert report.ids("altered") == [events[1]]


def test_a_rewrite_with_a_recomputed_hash_is_named_by_the_mac(events):
    """Someone with write access but without the key recomputes the SHA-256 of the newest event."""
    row = AuditEvent.objects.filter(pk=events[-1]).values(*ROW_FIELDS).get()
    row["target_repr"] = "forged"
    forged = row_digest_v2(row)
    with tampering() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET target_repr = 'forged', hash = %s WHERE id = %s",
            [forged, events[-1]],
        )
    AuditChainHead.objects.filter(pk=1).update(last_hash=forged)
    report = verify()
    assert report.ids("altered") == [events[-1]]
    assert "MAC" in report.findings[0].detail


def test_old_events_before_the_recorded_point_still_verify(persona):
    """Events written with version 1 (before this change) keep their hash; the first version-2 event
    records the point from which every event must be version 2."""
    head = AuditChainHead.objects.get(pk=1)
    AuditChainHead.objects.filter(pk=1).update(v2_from_event_id=None)  # as before this change
    old = AuditEvent(action="accounts.login", actor_name="duruan", target_repr="x", data={})
    old.prev_hash = head.last_hash
    old.hash = payload_digest(
        head.last_hash,
        at=old.at.isoformat(),
        actor_id=None,
        action=old.action,
        outcome=old.outcome,
        target_type="",
        target_id=None,
        data={},
        ip="",
        request_id="",
    )
    old.save()
    AuditChainHead.objects.filter(pk=1).update(last_hash=old.hash, last_event_id=old.pk)
    new = record(persona("duruan"), "accounts.logout", actor=persona("duruan"))
    assert AuditChainHead.objects.get().v2_from_event_id == new.pk
    assert new.chain_version == 2 and new.prev_hash == old.hash
    assert verify().ok
    # A version-1 event can still be altered in a field outside its hash (as before) …
    with tampering() as cursor:
        cursor.execute("UPDATE audit_auditevent SET target_repr = 'y' WHERE id = %s", [old.pk])
    assert verify().ok
    # … but a new event cannot be passed off as version 1 to leave fields out of its hash.
    row = AuditEvent.objects.filter(pk=new.pk).values(*ROW_FIELDS).get()
    downgraded = payload_digest(
        row["prev_hash"],
        at=row["at"].isoformat(),
        actor_id=row["actor_id"],
        action=row["action"],
        outcome=row["outcome"],
        target_type=row["target_type"],
        target_id=row["target_id"],
        data=row["data"],
        ip=row["ip"],
        request_id=row["request_id"],
    )
    with tampering() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET chain_version = 1, hash = %s WHERE id = %s", [downgraded, new.pk]
        )
    AuditChainHead.objects.filter(pk=1).update(last_hash=downgraded)
    assert verify().ids("altered") == [new.pk]


def test_the_sm_suite_seals_events_with_hmac_sm3(persona, settings):
    settings.CRYPTO_SUITE = "sm"
    event = record(persona("duruan"), "accounts.logout", actor=persona("duruan"))
    assert event.mac_algorithm == "hmac-sm3" and len(event.mac) == 64
    settings.CRYPTO_SUITE = "intl"
    later = record(persona("duruan"), "accounts.logout", actor=persona("duruan"))
    assert later.mac_algorithm == "hmac-sha256"
    assert verify().ok  # each event names its algorithm
