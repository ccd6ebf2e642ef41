"""Pages of rescue teams and micro fire stations (R-EMG-6): the list with each team's shortcomings, a team
with its heads and members and their certificates, and the member forms."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from core.masking import phone_for
from core.scoping import get_visible_or_404
from core.views import ListPage
from emergency import rules, selectors, services
from emergency.choices import MemberRole
from emergency.forms import TeamForm, TeamMemberForm
from emergency.models import RescueTeam, TeamMember
from emergency.policy import POLICY
from emergency.views.common import edit_page, form_page


class TeamListPage(ListPage):
    template_name = "emergency/team_list.html"
    rows_template = "emergency/_team_rows.html"
    sort_fields = {"name": "name", "town": "town__code", "kind": "kind"}
    default_sort = "town__code"
    page_size = 50

    def queryset(self):
        return (
            RescueTeam.objects.visible_to(self.request.user)
            .select_related("town", "enterprise")
            .prefetch_related("people")
            .annotate(member_count=Count("people", filter=~Q(people__role=MemberRole.HEAD)))
        )

    def search(self, qs, q):
        return qs.filter(Q(name__icontains=q) | Q(base__icontains=q))


@login_required
def team_list(request):
    return TeamListPage(request).response(
        {"can_add": POLICY.can(request.user, "keep_records"), "today": timezone.localdate()}
    )


@login_required
def team_create(request):
    return form_page(
        request,
        form_class=TeamForm,
        service=services.register_team,
        action="keep_records",
        title=_("New rescue team"),
        success=lambda t: t.get_absolute_url(),
    )


def _team(request, pk: int) -> RescueTeam:
    return get_visible_or_404(
        RescueTeam.objects.select_related("town", "enterprise").prefetch_related("people"),
        request.user,
        pk=pk,
    )


@login_required
def team_detail(request, pk: int):
    team = _team(request, pk)
    today = timezone.localdate()
    user = request.user
    people = [
        (
            p,
            phone_for(user, p.phone, team.enterprise_id),
            rules.certificate_state(p.certificate_expires, today),
        )
        for p in team.people.all()
    ]
    return render(
        request,
        "emergency/team_detail.html",
        {
            "team": team,
            "flags": selectors.team_flags([team], today=today)[0][1],
            "people": people,
            "phone": phone_for(user, team.phone, team.enterprise_id),
            "can_edit": POLICY.can(user, "keep_records"),
        },
    )


@login_required
def member_create(request, pk: int):
    team = _team(request, pk)
    return form_page(
        request,
        form_class=TeamMemberForm,
        service=lambda *, actor, data: services.add_team_member(
            actor=actor, data={**data.dict(), "team": team.pk}
        ),
        action="keep_records",
        title=_("New member of %(team)s") % {"team": team},
        success=lambda m: team.get_absolute_url(),
    )


@login_required
def member_edit(request, pk: int):
    member = get_visible_or_404(
        TeamMember.objects.select_related("team", "team__enterprise"), request.user, pk=pk
    )
    fields = ("name", "role", "phone", "certificate_type", "certificate_number", "certificate_expires")
    return edit_page(
        request,
        member,
        form_class=TeamMemberForm,
        service=services.update_team_member,
        action="keep_records",
        title=_("%(name)s, %(team)s") % {"name": member.name, "team": member.team},
        success=lambda m: m.get_absolute_url(),
        initial={f: getattr(member, f) for f in fields},
    )
