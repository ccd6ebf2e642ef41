"""Official document numbers in a department's own series (R-HAZ-13): counted apart from the bureau's, and
never a second counter under the bureau's own prefix."""

import re

import pytest
from django.utils import timezone

from core.documents import department_number, official_number

KIND = "hazards.notice"  # the bureau's prefix is 蓬应急隐改 (REDLINE_DOCUMENTS)


def _serial(number: str) -> int:
    return int(re.search(r"〕(\d+)号", number).group(1))


@pytest.mark.django_db
def test_a_department_with_its_own_abbreviation_counts_apart_from_the_bureau():
    year = timezone.localdate().year
    bureau = official_number(KIND)
    own = [department_number(KIND, word="隐改", abbreviation="蓬住建", code="housing") for _ in range(2)]
    assert own == [f"蓬住建隐改〔{year}〕1号", f"蓬住建隐改〔{year}〕2号"]
    # Another department has a series of its own too.
    assert (
        department_number(KIND, word="隐改", abbreviation="蓬交", code="transport")
        == f"蓬交隐改〔{year}〕1号"
    )
    assert _serial(official_number(KIND)) == _serial(bureau) + 1


@pytest.mark.django_db
@pytest.mark.parametrize("abbreviation", ["", "蓬应急"])
def test_no_abbreviation_or_the_bureaus_own_leaves_the_number_to_the_bureau(abbreviation):
    assert department_number(KIND, word="隐改", abbreviation=abbreviation, code="emergency") == ""


def test_the_seal_line_names_a_department_by_its_official_name(settings):
    from core.documents import issuing_body_name, seal_name

    settings.REDLINE = {**settings.REDLINE, "DISTRICT_NAME": "江门市蓬江区"}
    assert seal_name("住房和城乡建设局") == "江门市蓬江区住房和城乡建设局"
    assert seal_name("江门市蓬江区交通运输局") == "江门市蓬江区交通运输局"  # already in full
    assert seal_name("") == issuing_body_name()
