"""The shipped checklists cited internal rule ids (R-INSP-4, R-HAZ-9…) next to the laws and standards, and every
template's change note read "首版 / first version". Users see laws and standards by name, article and item
(R-HAZ-13): the ids are removed from the stored wording; the laws and standards stay as they were."""

import re

from django.db import migrations

RULE_ID = re.compile(r"\s*[；;，,]?\s*(?:依据\s*)?R-[A-Z]{2,6}-\d+\s*")
SHIPPED_DESCRIPTION = "依据 R-INSP-4 检查清单来源及 R-HAZ-9 重大事故隐患判定标准编制。"
DESCRIPTION = "依据有关安全生产法律法规、国家标准、行业标准及重大事故隐患判定标准编制。"


def _strip(text: str) -> str:
    return RULE_ID.sub("", text).strip("；; ")


def forwards(apps, schema_editor):
    Template = apps.get_model("inspections", "ChecklistTemplate")
    Item = apps.get_model("inspections", "ChecklistItem")
    for item in Item.objects.filter(legal_basis__regex=r"R-[A-Z]+-[0-9]+"):
        item.legal_basis = _strip(item.legal_basis)
        item.save(update_fields=["legal_basis"])
    Template.objects.filter(description=SHIPPED_DESCRIPTION).update(description=DESCRIPTION)
    Template.objects.filter(change_note="首版 / first version").update(change_note="首版")


class Migration(migrations.Migration):
    dependencies = [("inspections", "0004_shared_document_serials")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
