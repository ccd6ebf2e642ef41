"""A retried write with the same idempotency key never writes twice (the field app's offline queue)."""

from hazards.models import Hazard


def _report(client, enterprise, key):
    return client.post(
        "/hazards/new/",
        {
            "enterprise": enterprise.pk,
            "title": "离线登记的隐患",
            "category": "object",
            "source": "government_inspection",
            "level": "general",
        },
        HTTP_IDEMPOTENCY_KEY=key,
    )


def test_a_hazard_report_sent_twice_with_one_key_is_registered_once(as_user, enterprise_in):
    client = as_user("inspector_duruan")
    enterprise = enterprise_in("duruan", "industry_trade")
    first = _report(client, enterprise, "field-0001-abcdef")
    second = _report(client, enterprise, "field-0001-abcdef")
    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"] and second["Idempotent-Replay"] == "true"
    assert Hazard.objects.filter(title="离线登记的隐患").count() == 1
    third = _report(client, enterprise, "field-0002-abcdef")
    assert third.status_code == 302
    assert Hazard.objects.filter(title="离线登记的隐患").count() == 2


def test_a_key_is_the_users_own(as_user, enterprise_in):
    enterprise = enterprise_in("duruan", "industry_trade")
    _report(as_user("inspector_duruan"), enterprise, "shared-key-123456")
    other = _report(as_user("duruan"), enterprise, "shared-key-123456")
    assert other.status_code == 302 and "Idempotent-Replay" not in other
    assert Hazard.objects.filter(title="离线登记的隐患").count() == 2
