"""R-HAZ-13: a major hazard registered on a criterion cites the criterion by its source's name, article and
item, on the hazard (its legal basis, when none is given) and on the rectification notice."""

from hazards.models import MajorHazardCriterion
from hazards.tests.helpers import rectifying, reported
from hazards.tests.test_documents import text_of


def _criterion() -> MajorHazardCriterion:
    criterion = MajorHazardCriterion.objects.get(item="IT-2")
    assert criterion.article and criterion.clause  # the case only means something with both
    return criterion


def test_a_hazard_on_a_criterion_takes_its_citation_as_legal_basis(persona):
    criterion = _criterion()
    hazard = reported(persona("duruan"), persona("ent_duruan").enterprise, major=True)
    assert hazard.legal_basis == criterion.citation
    assert criterion.source in hazard.legal_basis
    assert hazard.legal_basis.endswith(f"{criterion.article}{criterion.clause}")


def test_a_legal_basis_given_by_the_reporter_is_kept(persona):
    hazard = reported(
        persona("duruan"),
        persona("ent_duruan").enterprise,
        major=True,
        legal_basis="《安全生产法》第四十一条",
    )
    assert hazard.legal_basis == "《安全生产法》第四十一条"


def test_the_rectification_notice_cites_the_criterion_with_article_and_item(as_user, persona):
    criterion = _criterion()
    hazard = rectifying(persona("duruan"), persona("ent_duruan").enterprise, major=True)
    client = as_user("duruan")
    client.cookies["django_language"] = "zh-hans"
    text = text_of(client.get(f"/hazards/{hazard.pk}/notice.pdf", HTTP_ACCEPT_LANGUAGE="zh-hans"))
    assert f"{criterion.article}{criterion.clause}" in text
    assert criterion.source_document.title in text
