from django.core.management.base import BaseCommand, CommandError

from audit.integrity import verify


class Command(BaseCommand):
    help = "Verify the audit hash chain; report exactly which records were altered, removed or reordered."

    def add_arguments(self, parser):
        parser.add_argument(
            "--archives", action="store_true", help="also check the archive files against their manifests"
        )

    def handle(self, *args, **options):
        report = verify(archives=options["archives"])
        for finding in report.findings:
            self.stdout.write(str(finding))
        summary = (
            f"checked {report.checked} events"
            + (f" and {report.archives_checked} archive files" if options["archives"] else "")
            + f": altered {len(report.ids('altered'))}, removed {len(report.ids('removed'))}, "
            f"reordered {len(report.ids('reordered'))}, other {len([f for f in report.findings if f.kind in ('head', 'archive')])}"
        )
        if not report.ok:
            raise CommandError(f"Audit chain is NOT intact — {summary}")
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact — {summary}"))
