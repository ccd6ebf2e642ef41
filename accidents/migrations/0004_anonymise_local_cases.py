"""Cases made from the district's own accidents printed the enterprise's name (in the title and the text) to
every reader of the library. Teaching material is anonymised: the enterprise becomes its town, scale and sector
(杜阮镇某小型工贸企业), its name and exact address leave the case's text; the accident keeps the original."""

from django.db import migrations
from django.utils import timezone, translation


def _party(accident) -> str:
    town = accident.town.name
    enterprise = accident.enterprise
    if enterprise is None:
        return f"{town}某地"
    scale = str(enterprise.get_scale_display()) if enterprise.scale else ""
    sector = accident.sector.name if accident.sector_id else ""
    return f"{town}某{scale}{sector}企业"


def forwards(apps, schema_editor):
    Case = apps.get_model("accidents", "Case")
    try:
        from accidents.search import segment
    except ImportError:  # pragma: no cover - the search module ships with the app
        segment = None
    with translation.override("zh-hans"):
        for case in Case.objects.filter(accident__isnull=False).select_related(
            "accident__enterprise", "accident__town", "accident__sector"
        ):
            accident = case.accident
            party = _party(accident)
            secret = [accident.address]
            if accident.enterprise is not None:
                secret += [accident.enterprise.name, accident.enterprise.address]
            secret = sorted({s.strip() for s in secret if s and len(s.strip()) >= 2}, key=len, reverse=True)
            when = timezone.localtime(accident.occurred_at).strftime("%Y-%m-%d")
            case.title = f"{when} {party} {accident.get_accident_type_display()}"[:200]
            for field in ("summary", "causes", "lessons"):
                text = getattr(case, field)
                for value in secret:
                    text = text.replace(value, party)
                setattr(case, field, text)
            if segment is not None:
                case.search_text = segment(case.title, case.summary, case.causes, case.lessons, " ".join(case.tags))
            case.save(update_fields=["title", "summary", "causes", "lessons", "search_text"])


class Migration(migrations.Migration):
    dependencies = [("accidents", "0003_case_tag_index"), ("registry", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
