"""Load a year of the working-day calendar (R-TIME-1): public holidays and make-up working days.

`manage.py load_calendar 2027` takes the State Council's calendar from the pinned `chinesecalendar`
package; `--file calendar.xlsx` (or .csv) loads the district's own table instead, with the columns
`日期` (YYYY-MM-DD), `类型` (`放假` or `调休上班`) and an optional `名称`. The year's rows are replaced.
"""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from core.calendar import load_year
from core.models import CalendarDay
from core.tabular import read_table

KINDS = {"放假": CalendarDay.Kind.HOLIDAY, "调休上班": CalendarDay.Kind.WORKDAY}


class Command(BaseCommand):
    help = "Load one year's public holidays and make-up working days."

    def add_arguments(self, parser):
        parser.add_argument("year", type=int)
        parser.add_argument("--file", help="the district's own calendar table (.xlsx or .csv)")

    @transaction.atomic
    def handle(self, *args, year, file=None, **options):
        if file:
            count = self._from_file(year, file)
        else:
            count = load_year(year)
        if not count:
            raise CommandError(f"No calendar rows for {year}; load the district's table with --file.")
        self.stdout.write(f"{year}: {count} days loaded")

    def _from_file(self, year: int, path: str) -> int:
        rows = []
        with open(path, "rb") as handle:
            _headers, table = read_table(handle)
            for row in table:
                try:
                    day = dt.date.fromisoformat(row.values.get("日期", "").strip()[:10])
                    kind = KINDS[row.values.get("类型", "").strip()]
                except (ValueError, KeyError):
                    raise CommandError(f"row {row.number}: a date (YYYY-MM-DD) and 放假 or 调休上班")
                if day.year != year:
                    raise CommandError(f"row {row.number}: {day} is not in {year}")
                rows.append(CalendarDay(date=day, kind=kind, name=row.values.get("名称", "")[:50]))
        CalendarDay.objects.filter(date__year=year).delete()
        CalendarDay.objects.bulk_create(rows)
        return len(rows)
