"""Two officers accept the same hazard at the same moment: one wins, the other gets 409 (STYLE: races)."""

import threading

import pytest
from django.db import close_old_connections, connection

from core.errors import Conflict
from hazards import services
from hazards.models import Hazard
from hazards.tests.helpers import submitted


def test_the_second_accept_with_the_same_version_gets_409(api_as, persona, enterprise_in):
    hazard = submitted(persona("admin"), persona("ent_duruan").enterprise, submitter=persona("ent_duruan"))
    url = f"/api/v1/hazards/{hazard.pk}/accept/"
    first = api_as("duruan").post(url, {"version": hazard.version}, format="json")
    second = api_as("inspector_duruan").post(url, {"version": hazard.version}, format="json")
    assert sorted([first.status_code, second.status_code]) == [200, 409]
    assert Hazard.objects.get(pk=hazard.pk).version == hazard.version + 1


def test_the_conditional_update_refuses_a_writer_that_read_before_the_winner(persona):
    """Both read version v before either writes; the later UPDATE … WHERE version = v matches no row."""
    hazard = submitted(persona("admin"), persona("ent_duruan").enterprise, submitter=persona("ent_duruan"))
    stale = Hazard.objects.get(pk=hazard.pk)
    services.accept_rectification(actor=persona("duruan"), hazard=hazard, version=hazard.version)
    with pytest.raises(Conflict):
        # The stale copy still says `submitted`, so only the conditional update can stop it.
        from hazards.services.common import write

        write(stale, "accept", version=stale.version, changes={})
    assert Hazard.objects.get(pk=hazard.pk).accepted_by.username == "duruan"


@pytest.mark.skipif(
    connection.vendor == "sqlite", reason="SQLite's in-memory test database has no concurrent connections"
)
@pytest.mark.django_db(transaction=True)
def test_two_threads_accepting_at_once_one_wins(persona_committed):
    from conftest import ensure_district

    ensure_district()
    hazard = submitted(
        persona_committed("admin"),
        persona_committed("ent_duruan").enterprise,
        submitter=persona_committed("ent_duruan"),
    )
    version = hazard.version
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def accept(username):
        try:
            actor = persona_committed(username)
            mine = Hazard.objects.get(pk=hazard.pk)
            barrier.wait(timeout=10)
            services.accept_rectification(actor=actor, hazard=mine, version=version)
            outcomes.append("won")
        except Conflict:
            outcomes.append("409")
        except Exception as exc:  # reported by the assertion below, not lost in the thread
            outcomes.append(repr(exc))
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=accept, args=(u,)) for u in ("duruan", "inspector_duruan")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(outcomes) == ["409", "won"]
    assert Hazard.objects.get(pk=hazard.pk).version == version + 1


@pytest.fixture
def persona_committed():
    from accounts.models import User

    return lambda username: User.objects.get(username=username)
