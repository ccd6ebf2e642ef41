import time

from django.core.management.base import BaseCommand, CommandError

from core import jobs


class Command(BaseCommand):
    help = "Run due periodic jobs (the embedded scheduler; no broker needed)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--loop", action="store_true", help="keep running, checking every --interval seconds"
        )
        parser.add_argument("--interval", type=int, default=60)
        parser.add_argument("--job", help="run this one job now, whether due or not")
        parser.add_argument("--list", action="store_true")

    def handle(self, *args, **options):
        if options["list"]:
            for job in jobs.registry.all():
                self.stdout.write(f"{job.name}\tevery {job.every}")
            return
        if options["job"]:
            if options["job"] not in {job.name for job in jobs.registry.all()}:
                raise CommandError(f"Unknown job {options['job']!r}; see run_jobs --list.")
            self.stdout.write(str(jobs.run_job(options["job"])))
            return
        while True:
            for name, result in jobs.run_due_jobs().items():
                self.stdout.write(f"{name}: {result}")
            if not options["loop"]:
                return
            time.sleep(options["interval"])
