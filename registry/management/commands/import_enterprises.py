from django.core.files import File
from django.core.management.base import BaseCommand, CommandError

from core.errors import DomainError
from core.management.imports import active_user, existing_file, refused
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
        path = existing_file(options["file"])
        actor = active_user(options["actor"])
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
            raise refused(exc) from exc
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
