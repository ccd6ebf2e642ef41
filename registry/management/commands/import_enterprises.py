from pathlib import Path

from django.core.files import File
from django.core.management.base import BaseCommand, CommandError

from core.errors import DomainError
from registry import importer

SHOWN_ERRORS = 50


class Command(BaseCommand):
    help = (
        "Import enterprises from an .xlsx or .csv file with the same service as the import page: "
        "all or nothing unless --valid-rows-only, one transaction, audited as the given actor."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the .xlsx or .csv file (the import template's columns)")
        parser.add_argument("--actor", required=True, help="username the import is recorded under")
        parser.add_argument(
            "--valid-rows-only",
            action="store_true",
            help="import the valid rows and report the others (default: any error imports nothing)",
        )
        parser.add_argument("--dry-run", action="store_true", help="validate only; write nothing")

    def handle(self, *args, **options):
        from django.contrib.auth import get_user_model

        User = get_user_model()  # noqa: N806 (accounts is one layer above)

        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            actor = User.objects.get(username=options["actor"], is_active=True)
        except User.DoesNotExist:
            raise CommandError(f"No active user {options['actor']!r}.") from None
        mode = "valid_rows" if options["valid_rows_only"] else "all_or_nothing"
        try:
            with path.open("rb") as handle:
                uploaded = File(handle, name=path.name)
                result = importer.run_import(
                    actor=actor,
                    uploaded=uploaded,
                    mode=mode,
                    dry_run=options["dry_run"],
                    source_name=path.name,
                )
        except DomainError as exc:
            messages = [str(m) for msgs in exc.errors.values() for m in msgs] or [str(exc.message)]
            raise CommandError("; ".join(messages)) from exc
        for error in result.errors[:SHOWN_ERRORS]:
            sheet = f"{error.sheet} " if error.sheet else ""
            self.stderr.write(f"{sheet}row {error.row} · {error.field}: {error.message}")
        if len(result.errors) > SHOWN_ERRORS:
            self.stderr.write(f"… and {len(result.errors) - SHOWN_ERRORS} more refused rows")
        summary = (
            f"{result.rows} rows: {result.created} created, {result.updated} updated, "
            f"{len(result.errors)} refused"
        )
        if result.ledger_rows:  # R-REG-4: the workbook's ledger sheets
            summary += (
                f"; {result.ledger_rows} ledger rows: {result.ledger_created} added, "
                f"{result.ledger_updated} corrected"
            )
        if result.dry_run and not options["dry_run"]:
            if result.errors and mode == "all_or_nothing":
                raise CommandError(f"Nothing imported, the file has errors ({summary}); see above.")
            self.stdout.write(f"Nothing to import ({summary}).")
            return
        prefix = "Dry run, nothing written" if options["dry_run"] else "Imported"
        self.stdout.write(self.style.SUCCESS(f"{prefix}: {summary}."))
