"""R-REG-4: the enterprise file's two accounts — the principal's and the safety manager's, who accept the
enterprise's own general hazards and sign its statistics — travel with the enterprise workbook by login
(主要负责人账号, 安全管理人员账号). The export writes them; the import names them among the enterprise's own
active users, as the file's page does; anyone else's login, a departed user's, or an account for an enterprise
not registered yet is refused in words, naming the row and column, and nothing is written."""

import pytest

from registry.models import Enterprise
from registry.tests.test_enterprise_heads import _account
from registry.tests.test_enterprise_workbook import body, sheets_of, workbook
from registry.tests.test_import import post, row

pytestmark = pytest.mark.django_db
LIST = "/registry/enterprises/"


@pytest.fixture(autouse=True)
def accounts(persona):
    """The demo enterprise's safety manager, a departed user of it, and another enterprise's user."""
    enterprise = persona("ent_duruan").enterprise
    _account(enterprise, "ent_duruan_safety")
    _account(enterprise, "ent_duruan_left", active=False)
    _account(Enterprise.objects.exclude(pk=enterprise.pk).order_by("pk").first(), "ent_other_safety")


def _row_of(enterprise, **cells) -> dict:
    return row(name=enterprise.name, code=enterprise.credit_code, town=enterprise.town.name, **cells)


def test_the_export_writes_the_accounts_by_login(as_user, persona):
    enterprise = persona("ent_duruan").enterprise
    Enterprise.objects.filter(pk=enterprise.pk).update(
        principal_user=persona("ent_duruan_head"), safety_manager_user=persona("ent_duruan_safety")
    )
    response = as_user("duruan").get(LIST, {"export": "xlsx", "q": enterprise.name})
    header, *lines = sheets_of(body(response))["企业"]
    cells = dict(zip(header, next(line for line in lines if line[1] == enterprise.credit_code), strict=True))
    assert (cells["主要负责人账号"], cells["安全管理人员账号"]) == ("ent_duruan_head", "ent_duruan_safety")


def test_the_import_names_the_enterprises_own_accounts(api_as, persona):
    enterprise = persona("ent_duruan").enterprise
    upload = workbook(
        [_row_of(enterprise, 主要负责人账号="ent_duruan_head", 安全管理人员账号="ent_duruan_safety")], {}
    )
    response = post(api_as("duruan"), upload)
    assert response.status_code == 200, response.content
    enterprise.refresh_from_db()
    assert enterprise.principal_user == persona("ent_duruan_head")
    assert enterprise.safety_manager_user == persona("ent_duruan_safety")


@pytest.mark.parametrize("login", ["ent_other_safety", "ent_duruan_left", "duruan", "nobody_here"])
def test_a_login_that_is_not_the_enterprises_active_account_is_refused(api_as, persona, login):
    enterprise = persona("ent_duruan").enterprise
    before = (enterprise.principal_user_id, enterprise.version)
    response = post(api_as("duruan"), workbook([_row_of(enterprise, 主要负责人账号=login)], {}))
    assert response.status_code == 400, response.content
    errors = response.json()["errors"]
    assert errors[0]["field"] == "主要负责人账号" and login in errors[0]["message"]
    enterprise.refresh_from_db()
    assert (enterprise.principal_user_id, enterprise.version) == before


def test_a_new_enterprise_row_naming_an_account_is_refused(api_as):
    response = post(api_as("duruan"), workbook([row(安全管理人员账号="ent_duruan_safety")], {}))
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "安全管理人员账号"
