"""The State Council's calendars of 2024 to 2026 (R-TIME-1), as the pinned `chinesecalendar` has them."""

from django.db import migrations


def load(apps, schema_editor):
    import chinese_calendar

    CalendarDay = apps.get_model("core", "CalendarDay")
    rows = [
        CalendarDay(date=day, kind=kind, name=str(name or ""))
        for kind, days in (("holiday", chinese_calendar.holidays), ("workday", chinese_calendar.workdays))
        for day, name in days.items()
        if 2024 <= day.year <= 2026
    ]
    CalendarDay.objects.bulk_create(rows)


def unload(apps, schema_editor):
    apps.get_model("core", "CalendarDay").objects.filter(date__year__in=[2024, 2025, 2026]).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0004_calendarday")]
    operations = [migrations.RunPython(load, unload)]
