import time

from django.core.management.base import BaseCommand, CommandError

from core import background, jobs

# Users wait for their imports and exports: queued background jobs are looked for this often.
BACKGROUND_POLL_SECONDS = 2


class Command(BaseCommand):
    help = "Run due periodic jobs and queued background jobs (the embedded runner; no broker needed)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--loop", action="store_true", help="keep running, checking every --interval seconds"
        )
        parser.add_argument("--interval", type=int, default=60)
        parser.add_argument("--job", help="run this one job now, whether due or not")
        parser.add_argument("--list", action="store_true")
        parser.add_argument(
            "--no-background", action="store_true", help="leave users' background jobs to a Celery worker"
        )

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
            next_periodic = time.monotonic() + options["interval"]
            while True:
                if not options["no_background"]:
                    for state in background.run_queued():
                        self.stdout.write(f"background job: {state}")
                if not options["loop"] or time.monotonic() >= next_periodic:
                    break
                time.sleep(BACKGROUND_POLL_SECONDS)
            if not options["loop"]:
                return
