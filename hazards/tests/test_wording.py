"""The hazard's closing is 销号 wherever its fields are named (forms, history, exports read verbose names);
办结 is the general word for other business and must not name a hazard's closing."""

from __future__ import annotations

import pytest
from django.utils import translation

from hazards.forms import CloseInput
from hazards.models import Hazard


@pytest.mark.parametrize("field, label", [("closed_at", "销号时间"), ("close_note", "销号说明")])
def test_the_hazards_closing_fields_are_named_xiaohao(field, label):
    with translation.override("zh-hans"):
        assert str(Hazard._meta.get_field(field).verbose_name) == label


def test_the_closing_form_says_xiaohao():
    with translation.override("zh-hans"):
        assert str(CloseInput().fields["note"].label) == "销号说明"
