"""The accidents module plugs into the shared pages: navigation, the home panel with due clocks, the
enterprise's one-file section, the demo district, and the late-report job."""

from django.utils.translation import gettext_lazy as _

from accidents import tasks  # noqa: F401  (registers the clock job)
from core.extensions import (
    DemoBuilder,
    HomePanel,
    NavItem,
    RiskSource,
    Section,
    demo_builders,
    enterprise_sections,
    home_panels,
    nav_items,
    risk_sources,
)
from core.scoping import scope_of


def _sees_accidents(user) -> bool:
    return not scope_of(user).is_empty


nav_items.register(
    NavItem("accidents", _("Accidents"), "accidents:list", 40, "exclamation-octagon", _sees_accidents)
)


def _panel(request) -> dict:
    from django.utils import timezone

    from accidents import selectors, services
    from accidents.choices import Step
    from core.choices import Role

    now = timezone.now()
    clocks = selectors.due_clocks(request.user, now=now)
    if request.user.role_codes <= {Role.ENTERPRISE_USER}:
        # Escalations (区报市, 市报省…) are the government's duty, not the enterprise's: it sees only its own.
        clocks = [d for d in clocks if d.step == Step.UNIT_TO_DISTRICT]
    return {
        "clocks": [{"deadline": d, "overdue": d.is_overdue(now)} for d in clocks],
        "can_record": services.can(request.user, "record_accident"),
    }


home_panels.register(HomePanel("accidents", 20, "accidents/panels/home.html", _panel, _sees_accidents))


def _section(request, enterprise) -> dict:
    from accidents.models import Accident

    accidents = (
        Accident.objects.visible_to(request.user).filter(enterprise=enterprise).select_related("sector")
    )
    return {"accidents": list(accidents.order_by("-occurred_at")[:20]), "enterprise": enterprise}


enterprise_sections.register(
    Section(
        "accidents", _("Accidents"), 40, "accidents/panels/enterprise_section.html", _section, _sees_accidents
    )
)


def _build(*, rng, stdout=None, small=False, **_options):
    from accidents.demo import build_accidents

    build_accidents(rng=rng, small=small, stdout=stdout)


demo_builders.register(DemoBuilder("accidents", 60, _build))


def _latest_accident(enterprise_id: int, since, until):
    from accidents.models import Accident

    return (
        Accident.objects.filter(enterprise_id=enterprise_id, occurred_at__gte=since, occurred_at__lte=until)
        .order_by("-occurred_at")
        .values_list("occurred_at", flat=True)
        .first()
    )


def _enterprises_with_accidents(since) -> set[int]:
    from accidents.models import Accident

    return set(
        Accident.objects.filter(enterprise__isnull=False, occurred_at__gte=since).values_list(
            "enterprise_id", flat=True
        )
    )


risk_sources.register(
    RiskSource(
        "accidents",
        20,
        latest_accident=_latest_accident,
        enterprises_with_accidents=_enterprises_with_accidents,
    )
)
