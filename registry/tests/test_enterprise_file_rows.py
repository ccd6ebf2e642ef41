"""R-REG-4: ledger rows of the enterprise file are corrected (a renewed licence gets its new number and
expiry, and stops being flagged and counted) and retired with a reason (it leaves the file, its history stays
in the audit trail), with the row's version, by the people who keep the file and nobody else. Expired
licences cite the regulation of their kind; a special operator's overdue three-yearly review is flagged."""

import datetime as dt

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from registry.file import expired_q
from registry.home_panels import registry_summary
from registry.models import Enterprise, Licence, SpecialOperator

pytestmark = pytest.mark.django_db


def _clean_file(persona) -> Enterprise:
    """The demo enterprise with nothing expired, so that a count moves only with the row under test."""
    enterprise = persona("ent_duruan").enterprise
    Enterprise.objects.filter(pk=enterprise.pk).update(
        principal_certificate_expires=None,
        safety_manager_certificate_expires=None,
        standardisation_expires=None,
        insurance_expires=None,
    )
    Licence.objects.filter(enterprise=enterprise).delete()
    SpecialOperator.objects.filter(enterprise=enterprise).delete()
    return Enterprise.objects.get(pk=enterprise.pk)


def _days(n: int) -> str:
    return (timezone.localdate() + dt.timedelta(days=n)).isoformat()


def _url(enterprise, tail: str = "") -> str:
    return f"/api/v1/enterprises/{enterprise.pk}/file/{tail}"


def _expired_licence(client, enterprise) -> dict:
    added = client.post(
        _url(enterprise),
        {
            "ledger": "licence",
            "kind": "safety_production",
            "number": "（粤）WH安许证字〔2023〕0007",
            "expires_on": _days(-2),
        },
        format="json",
    )
    assert added.status_code == 201, added.content
    return next(r for r in client.get(_url(enterprise)).json()["licences"] if r["id"] == added.json()["id"])


def _flagged(enterprise) -> bool:
    return Enterprise.objects.filter(pk=enterprise.pk).filter(expired_q()).exists()


def test_a_renewed_licence_is_no_longer_flagged_or_counted(api_as, persona):
    enterprise = _clean_file(persona)
    client = api_as("ent_duruan")
    licence = _expired_licence(client, enterprise)
    counted = registry_summary(persona("duruan"))["expired"]
    assert _flagged(enterprise) and counted >= 1
    renewed = client.patch(
        _url(enterprise, "rows/"),
        {
            "ledger": "licence",
            "id": licence["id"],
            "version": licence["version"],
            "number": "（粤）WH安许证字〔2026〕0007",
            "expires_on": _days(3 * 365),
        },
        format="json",
    )
    assert renewed.status_code == 200, renewed.content
    body = renewed.json()
    assert [e for e in body["expired"] if e["kind"] == "licence"] == []
    assert body["licences"][0]["number"] == "（粤）WH安许证字〔2026〕0007"
    assert body["licences"][0]["version"] == licence["version"] + 1
    assert not _flagged(enterprise)
    assert registry_summary(persona("duruan"))["expired"] == counted - 1
    row = Licence.objects.get(pk=licence["id"])
    event = AuditEvent.objects.for_object(row).filter(action="registry.licence.updated").get()
    assert (
        set(event.data["changes"]) == {"number", "expires_on"} and event.data["enterprise"] == enterprise.pk
    )
    stale = client.patch(
        _url(enterprise, "rows/"),
        {"ledger": "licence", "id": licence["id"], "version": licence["version"], "expires_on": _days(-9)},
        format="json",
    )
    assert stale.status_code == 409 and not _flagged(enterprise)


def test_a_retired_row_leaves_the_file_and_keeps_its_history(api_as, persona):
    enterprise = _clean_file(persona)
    client = api_as("duruan")
    licence = _expired_licence(client, enterprise)
    body = {"ledger": "licence", "id": licence["id"], "version": licence["version"]}
    no_reason = client.post(_url(enterprise, "retirements/"), body, format="json")
    assert no_reason.status_code == 400 and "reason" in no_reason.json()
    retired = client.post(
        _url(enterprise, "retirements/"), {**body, "reason": "企业已停止该项经营"}, format="json"
    )
    assert retired.status_code == 200, retired.content
    assert retired.json()["licences"] == [] and retired.json()["expired"] == []
    assert not _flagged(enterprise)
    row = Licence.objects.get(pk=licence["id"])  # kept, not deleted
    assert row.is_active is False
    event = AuditEvent.objects.for_object(row).filter(action="registry.licence.retired").get()
    assert event.data["reason"] == "企业已停止该项经营"
    again = client.post(
        _url(enterprise, "retirements/"), {**body, "version": row.version, "reason": "再次"}, format="json"
    )
    assert again.status_code == 409
    edit = client.patch(
        _url(enterprise, "rows/"), {**body, "version": row.version, "number": "x"}, format="json"
    )
    assert edit.status_code == 409


def test_row_changes_check_role_scope_and_input(api_as, persona):
    enterprise = _clean_file(persona)
    licence = _expired_licence(api_as("ent_duruan"), enterprise)
    body = {"ledger": "licence", "id": licence["id"], "version": licence["version"], "number": "新证号"}
    assert api_as("leader").patch(_url(enterprise, "rows/"), body, format="json").status_code == 403
    assert api_as("baisha").patch(_url(enterprise, "rows/"), body, format="json").status_code == 404
    assert (
        api_as("baisha")
        .post(_url(enterprise, "retirements/"), {**body, "reason": "x"}, format="json")
        .status_code
        == 404
    )
    # A row of another enterprise, named through one's own file, is not found.
    other = Enterprise.objects.exclude(pk=enterprise.pk).order_by("pk").first()
    foreign = Licence.objects.create(
        enterprise=other, kind="gas", number="燃气-1", expires_on=dt.date(2020, 1, 1)
    )
    assert (
        api_as("ent_duruan")
        .patch(_url(enterprise, "rows/"), {**body, "id": foreign.pk, "version": 1}, format="json")
        .status_code
        == 404
    )
    client = api_as("ent_duruan")
    for bad, field in (
        ({"ledger": "permit"}, "ledger"),
        ({"id": "x"}, "id"),
        ({"expires_on": "明年"}, "expires_on"),
        ({"kind": "fishing"}, "kind"),
        ({"tenant": "某公司"}, "tenant"),
    ):
        refused = client.patch(_url(enterprise, "rows/"), {**body, **bad}, format="json")
        assert refused.status_code == 400 and field in refused.json(), (bad, refused.content)
    row = Licence.objects.get(pk=licence["id"])
    assert row.number == "（粤）WH安许证字〔2023〕0007" and row.version == licence["version"]
    assert Licence.objects.get(pk=foreign.pk).number == "燃气-1"


def test_the_file_page_corrects_and_removes_rows(as_user, persona):
    enterprise = _clean_file(persona)
    operator = SpecialOperator.objects.create(
        enterprise=enterprise,
        name="王强",
        operation="焊接与热切割作业",
        certificate_no="T440703199001011234",
        expires_on=dt.date(2030, 6, 30),
    )
    url = f"/registry/enterprises/{enterprise.pk}/file/"
    client = as_user("ent_duruan")
    assert f'data-testid="row-special_operator-{operator.pk}"' in client.get(url).content.decode()
    prefix = f"special_operator-{operator.pk}"
    post = {
        "action": "edit",
        "ledger": "special_operator",
        "id": str(operator.pk),
        "version": "1",
        f"{prefix}-name": "王强",
        f"{prefix}-operation": "焊接与热切割作业",
        f"{prefix}-certificate_no": "T440703199001011234",
        f"{prefix}-expires_on": "",
        f"{prefix}-review_due": "2027-06-30",
    }
    refused = client.post(url, post)
    assert refused.status_code == 400 and "2027-06-30" in refused.content.decode()
    done = client.post(url, {**post, f"{prefix}-expires_on": "2030-06-30"})
    assert done.status_code == 302
    operator.refresh_from_db()
    assert operator.review_due == dt.date(2027, 6, 30) and operator.version == 2
    retire = {"action": "retire", "ledger": "special_operator", "id": str(operator.pk), "version": "2"}
    assert client.post(url, retire).status_code == 400  # no reason
    gone = client.post(url, {**retire, f"retire-{prefix}-reason": "已离职"})
    assert gone.status_code == 302
    operator.refresh_from_db()
    assert operator.is_active is False
    assert f'data-testid="row-special_operator-{operator.pk}"' not in client.get(url).content.decode()
    leader = as_user("leader")
    assert leader.post(url, {**retire, f"retire-{prefix}-reason": "x"}).status_code == 403


@pytest.mark.parametrize(
    ("kind", "basis"),
    [
        ("safety_production", "《安全生产许可证条例》第九条"),
        ("hazardous_chemicals", "《危险化学品安全管理条例》第三十三条"),
        ("gas", "《城镇燃气管理条例》第十五条"),
        ("other", "《中华人民共和国行政许可法》第五十条"),
    ],
)
def test_an_expired_licence_cites_the_regulation_of_its_kind(api_as, persona, kind, basis):
    enterprise = _clean_file(persona)
    Licence.objects.create(enterprise=enterprise, kind=kind, number="L-1", expires_on=dt.date(2020, 1, 1))
    expired = api_as("duruan").get(_url(enterprise)).json()["expired"]
    assert [e["hazard"]["legal_basis"] for e in expired] == [basis]


def test_a_special_operators_overdue_review_is_flagged_and_counted(api_as, persona):
    enterprise = _clean_file(persona)
    SpecialOperator.objects.create(
        enterprise=enterprise,
        name="李明",
        operation="电工作业",
        certificate_no="T440703198505051234",
        expires_on=timezone.localdate() + dt.timedelta(days=700),
        review_due=timezone.localdate() + dt.timedelta(days=5),
    )
    assert api_as("duruan").get(_url(enterprise)).json()["expired"] == [] and not _flagged(enterprise)
    SpecialOperator.objects.filter(enterprise=enterprise).update(
        review_due=timezone.localdate() - dt.timedelta(days=1)
    )
    expired = api_as("duruan").get(_url(enterprise)).json()["expired"]
    assert [e["kind"] for e in expired] == ["special_operator_review"]
    assert "第二十一条" in expired[0]["hazard"]["legal_basis"] and "李明" in expired[0]["label"]
    assert _flagged(enterprise)


def _licence_posts(enterprise) -> tuple[dict, dict]:
    """A correction and a retirement of one licence row, as the file page posts them."""
    licence = Licence.objects.create(
        enterprise=enterprise, kind="gas", number="燃气-7", expires_on=dt.date(2030, 1, 1)
    )
    prefix = f"licence-{licence.pk}"
    row = {"ledger": "licence", "id": str(licence.pk), "version": "1"}
    edit = {
        **row,
        "action": "edit",
        f"{prefix}-kind": "gas",
        f"{prefix}-number": "燃气-8",
        f"{prefix}-expires_on": "2031-01-01",
    }
    return edit, {**row, "action": "retire", f"retire-{prefix}-reason": "已停止燃气经营"}


def test_the_file_page_is_not_found_by_an_officer_of_another_town(as_user, persona):
    enterprise = _clean_file(persona)
    edit, retire = _licence_posts(enterprise)
    fields = {"action": "file", "version": str(enterprise.version), "insurance_policy_no": "PICC-9"}
    url = f"/registry/enterprises/{enterprise.pk}/file/"
    for post in (edit, retire, fields):
        assert as_user("baisha").post(url, post).status_code == 404, post["action"]
    row = Licence.objects.get(pk=edit["id"])
    assert (row.number, row.is_active, row.version) == ("燃气-7", True, 1)
    assert Enterprise.objects.get(pk=enterprise.pk).insurance_policy_no != "PICC-9"


def test_a_forged_or_stale_row_post_says_why_and_writes_nothing(ui_en, persona):
    enterprise = _clean_file(persona)
    edit, retire = _licence_posts(enterprise)
    url = f"/registry/enterprises/{enterprise.pk}/file/"
    client = ui_en("ent_duruan")
    for forged, reason in (
        ({**edit, "ledger": "permit"}, "Choose a ledger of the enterprise file."),
        ({**edit, "id": "x"}, "Name the row by its id."),
        ({**edit, "action": "delete"}, "The input is not valid."),
    ):
        refused = client.post(url, forged)
        assert refused.status_code == 400 and reason in refused.content.decode(), forged
    stale = client.post(url, {**edit, "version": "0"})
    assert stale.status_code == 409 and "燃气-8" in stale.content.decode()  # the input kept
    assert client.post(url, retire).status_code == 302
    gone = client.post(url, {**edit, "version": "2"})
    assert gone.status_code == 409 and "This row has been removed from the file." in gone.content.decode()
    row = Licence.objects.get(pk=edit["id"])
    assert (row.number, row.is_active, row.version) == ("燃气-7", False, 2)


def test_a_retirement_reason_over_its_length_is_refused_not_cut(api_as, persona):
    enterprise = _clean_file(persona)
    licence = _expired_licence(api_as("duruan"), enterprise)
    body = {"ledger": "licence", "id": licence["id"], "version": licence["version"], "reason": "长" * 201}
    refused = api_as("duruan").post(_url(enterprise, "retirements/"), body, format="json")
    assert refused.status_code == 400 and "reason" in refused.json()
    assert Licence.objects.get(pk=licence["id"]).is_active is True


def test_only_a_keeper_of_the_file_adds_a_row_whoever_calls_the_service(persona):
    from core.errors import NotAllowed
    from registry.file_services import add_ledger_row

    enterprise = _clean_file(persona)
    data = {"ledger": "licence", "kind": "gas", "number": "燃气-1", "expires_on": "2030-01-01"}
    for outsider in ("leader", "baisha"):
        with pytest.raises(NotAllowed):
            add_ledger_row(actor=persona(outsider), enterprise=enterprise, data=data)
    assert not Licence.objects.filter(enterprise=enterprise).exists()


@pytest.mark.parametrize("row_id", [-1, 0, 2**70, "x", None])
def test_a_row_id_no_key_can_hold_is_400_not_500(api_as, persona, row_id):
    enterprise = persona("ent_duruan").enterprise
    response = api_as("admin").patch(
        _url(enterprise, "rows/"),
        {"ledger": "licence", "id": row_id, "version": 1},
        format="json",
    )
    assert response.status_code == 400, response.content
    assert "id" in response.json()
