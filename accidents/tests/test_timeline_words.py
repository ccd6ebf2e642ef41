"""Timelines show Chinese verbs and real names (issue 20, point 2): never an event code such as
`accidents.accident.recorded` nor a login name where the person has a name."""

import re

import pytest

CODE = re.compile(r"\b(accidents|inspections|hazards|risk|registry)\.[a-z_]+\.[a-z_]+\b")


def _timeline(html: str) -> str:
    start = html.index('data-testid="timeline"')
    return html[start : html.index("</section>", start)]


def test_the_accident_timeline_reads_as_chinese_with_real_names(as_user, record, persona):
    accident = record("duruan")
    officer = persona("duruan")
    officer.name = "杜阮应急办王敏"
    officer.save(update_fields=["name"])
    client = as_user("admin")
    client.cookies["django_language"] = "zh-hans"
    section = _timeline(
        client.get(f"/accidents/{accident.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    )
    assert "登记事故" in section and "杜阮应急办王敏" in section
    assert not CODE.search(section), CODE.findall(section)
    assert "· duruan<" not in section


@pytest.mark.django_db
def test_the_campaign_timeline_reads_as_chinese(as_user, persona, district):
    from inspections import services
    from inspections.tests.helpers import campaign_data

    admin = persona("admin")
    campaign = services.launch_campaign(actor=admin, data=campaign_data([district["duruan"]]))
    services.assign_tasks(
        actor=admin,
        campaign=campaign,
        deadline=campaign.end_date,
        inspectors=[persona("inspector_duruan").pk],
    )
    client = as_user("admin")
    section = _timeline(
        client.get(f"/inspections/campaigns/{campaign.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    )
    assert "发起检查活动" in section and "分派检查任务" in section
    assert not CODE.search(section), CODE.findall(section)
