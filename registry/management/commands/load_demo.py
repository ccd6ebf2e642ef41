import random

from django.core.management import call_command
from django.core.management.base import BaseCommand

from core.extensions import demo_builders


class Command(BaseCommand):
    help = "Build the demo district (deterministic from --seed). Every module adds its part."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=20230418)
        parser.add_argument("--enterprises", type=int, default=2000)
        parser.add_argument("--if-empty", action="store_true", help="do nothing when the database has data")
        parser.add_argument("--reset", action="store_true", help="delete all data first, then rebuild")
        parser.add_argument("--only", help="comma-separated builder keys (default: all)")

    def handle(self, *args, **options):
        from registry.models import Enterprise

        if options["reset"]:
            from registry.reference import seed_reference_data

            call_command("flush", interactive=False, verbosity=0)
            seed_reference_data()  # flush also removed the reference rows of the data migrations
        elif options["if_empty"] and Enterprise.objects.exists():
            self.stdout.write("The database already has data; the demo district was not loaded.")
            return
        only = set(options["only"].split(",")) if options["only"] else None
        self.stdout.write(f"Building the demo district (seed {options['seed']})…")
        for builder in demo_builders.all():
            if only and builder.key not in only:
                continue
            # Each builder has its own generator so adding a module does not reshuffle the others.
            rng = random.Random(f"{options['seed']}:{builder.key}")
            builder.build(rng=rng, stdout=self.stdout, enterprises=options["enterprises"])
        self.stdout.write(self.style.SUCCESS("Demo district ready."))
