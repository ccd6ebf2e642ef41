from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.choices import Role
from core.extensions import (
    DemoBuilder,
    HomePanel,
    NavItem,
    OfflinePage,
    Section,
    demo_builders,
    enterprise_sections,
    home_panels,
    nav_items,
    offline_pages,
)
from core.scoping import scope_of
from inspections import tasks  # noqa: F401  (registers the reminder job)


def _official(user) -> bool:
    return not scope_of(user).is_empty and not user.has_role(Role.ENTERPRISE_USER)


def _has_tasks(user) -> bool:
    """Inspectors always; other officials when tasks are assigned to them."""
    if user.has_role(Role.INSPECTOR):
        return True
    if not user.has_role(Role.TOWN_OFFICER, Role.DEPARTMENT_OFFICER, Role.DISTRICT_ADMIN):
        return False
    from inspections.models import InspectionTask

    return InspectionTask.objects.pending().filter(inspectors=user).exists()


def _panel_context(request) -> dict:
    from inspections.selectors import my_tasks

    return {"tasks": list(my_tasks(request.user)), "today": timezone.localdate()}


def _plans(user) -> bool:
    return user.has_role(
        Role.DISTRICT_ADMIN, Role.DEPARTMENT_OFFICER, Role.TOWN_OFFICER, Role.DISTRICT_LEADER
    )


def _campaigns_context(request) -> dict:
    from inspections.choices import CampaignState
    from inspections.models import Campaign
    from inspections.selectors import campaign_counts

    campaigns = list(
        Campaign.objects.visible_to(request.user)
        .filter(state=CampaignState.ACTIVE)
        .order_by("end_date", "id")[:5]
    )
    counts = campaign_counts(request.user, [c.pk for c in campaigns])
    return {"rows": [(c, counts[c.pk]) for c in campaigns]}


def _section_context(request, enterprise) -> dict:
    from inspections.models import Inspection
    from inspections.views.common import can_inspect

    inspections = (
        Inspection.objects.visible_to(request.user)
        .filter(enterprise=enterprise)
        .select_related("template")
        .order_by("-started_at", "-id")[:20]
    )
    return {
        "inspections": inspections,
        "enterprise_id": enterprise.pk,
        "can_inspect": can_inspect(request.user),
    }


nav_items.register(
    NavItem("inspections", _("Inspections"), "inspections:campaign_list", 35, "clipboard-check", _official)
)
home_panels.register(HomePanel("inspections", 40, "inspections/_home_panel.html", _panel_context, _has_tasks))
home_panels.register(
    HomePanel("inspections_campaigns", 45, "inspections/_campaigns_panel.html", _campaigns_context, _plans)
)
enterprise_sections.register(
    Section("inspections", _("Inspections"), 40, "inspections/_enterprise_section.html", _section_context)
)


def _build(*, rng, stdout=None, small=False, **_options):
    from inspections.demo import build_inspections

    build_inspections(rng=rng, stdout=stdout, small=small)


demo_builders.register(DemoBuilder("inspections", 50, _build))

# The day's tasks and records open without signal (the field app).
offline_pages.register(OfflinePage("inspections", 10, r"inspections/(tasks|records)/"))
