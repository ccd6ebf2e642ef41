import time

from django.core.management.base import BaseCommand

from core.jobs import registry, run_due_jobs, run_job


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
            for job in registry.all():
                self.stdout.write(f"{job.name}\tevery {job.every}")
            return
        if options["job"]:
            self.stdout.write(str(run_job(options["job"])))
            return
        while True:
            for name, result in run_due_jobs().items():
                self.stdout.write(f"{name}: {result}")
            if not options["loop"]:
                return
            time.sleep(options["interval"])
