"""Demo duty rooms: the district's room in the Emergency Management Bureau and one per town/street, each
with pools large enough for a month under the rest rules (4 leaders, 7 officers: two officers a day in the
flood season and on holidays need 6 at one shift in three days), the previous and the current month
generated and published, a few contacts and information reports. Deterministic for a given rng.

The previous month is there because a month's first shift starts at the shift start (08:30) of its first
day: on the 1st before then, the person on duty is the one of the previous month's last shift."""

from __future__ import annotations

import contextlib
import datetime as dt
import random

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.errors import Conflict, InvalidInput
from duty import services
from duty.models import Contact, DutyRoom, InfoReport
from registry.demo import _mobile, _person
from registry.models import Department, Jurisdiction

LEADERS, OFFICERS = 4, 7


def _pool_user(username: str, name: str, rng: random.Random, town=None) -> User:
    user, _created = User.objects.get_or_create(
        username=username,
        defaults={
            "name": name,
            "phone": _mobile(rng),
            "town": town,
            "password": make_password(None),  # people on the roster; no sign-in of their own in the demo
            "password_changed_at": timezone.now(),
        },
    )
    return user


def build_rooms(rng: random.Random) -> list[DutyRoom]:
    rooms = []
    district, _c = DutyRoom.objects.get_or_create(
        town=None, defaults={"name": "区应急管理局总值班室", "phone": "0750-3012110", "fax": "0750-3012119"}
    )
    leaders = [User.objects.get(username="leader")] + [
        _pool_user(f"duty_d_l{i}", f"{_person(rng)}（带班领导）", rng) for i in range(1, LEADERS)
    ]
    officers = [User.objects.get(username="duty")] + [
        _pool_user(f"duty_d_o{i}", f"{_person(rng)}（值班员）", rng) for i in range(1, OFFICERS)
    ]
    district.leaders.set(leaders)
    district.officers.set(officers)
    rooms.append(district)
    town_leads = {u.town_id: u for u in User.objects.filter(username__in=["duruan", "baisha"])}
    for index, town in enumerate(Jurisdiction.objects.towns().order_by("code")):
        room, _c = DutyRoom.objects.get_or_create(
            town=town, defaults={"name": f"{town.name}值班室", "phone": f"0750-36{index:02d}110"}
        )
        lead = town_leads.get(town.pk)
        pool_leaders = ([lead] if lead else []) + [
            _pool_user(f"duty_{town.code}_l{i}", f"{_person(rng)}（带班领导）", rng, town)
            for i in range(1, LEADERS + (0 if lead else 1))
        ]
        room.leaders.set(pool_leaders)
        room.officers.set(
            [
                _pool_user(f"duty_{town.code}_o{i}", f"{_person(rng)}（值班员）", rng, town)
                for i in range(1, OFFICERS + 1)
            ]
        )
        rooms.append(room)
    return rooms


def build_contacts(rng: random.Random) -> None:
    if Contact.objects.exists():
        return
    rows = []
    for town in Jurisdiction.objects.towns().order_by("code"):
        rows.append(
            Contact(
                name=_person(rng),
                unit=f"{town.name}人民政府",
                title="分管安全副镇（街）长",
                phone=_mobile(rng),
                town=town,
            )
        )
        rows.append(
            Contact(name=_person(rng), unit=f"{town.name}安监办", title="主任", phone=_mobile(rng), town=town)
        )
    for department in Department.objects.order_by("code"):
        rows.append(
            Contact(
                name=_person(rng),
                unit=department.name,
                title="值班科长",
                phone=_mobile(rng),
                office_phone=department.phone,
            )
        )
    Contact.objects.bulk_create(rows)


def build_reports(rng: random.Random) -> None:
    if InfoReport.objects.exists():
        return
    now = timezone.now()
    duruan, baisha = User.objects.get(username="duruan"), User.objects.get(username="baisha")
    enterprise_user = User.objects.get(username="ent_duruan")
    services.submit_report(  # taken by phone in the duty room; the town's written report is to follow
        actor=User.objects.get(username="duty"),
        data={
            "by_phone": True,
            "town": duruan.town_id,
            "title": "杜阮镇某村道路塌陷",
            "event_type": "natural_disaster",
            "occurred_at": now - dt.timedelta(minutes=50),
            "known_at": now - dt.timedelta(minutes=40),
            "place": "杜阮镇某村村道",
            "deaths": 0,
            "missing": 0,
            "serious_injuries": 0,
            "description": "强降雨后村道塌陷约20平方米，已设置警戒，无人员伤亡。",
            "measures": "设置警戒、疏导交通",
            "contact_name": "现场负责人",
            "contact_phone": _mobile(rng),
        },
    )
    services.submit_report(
        actor=baisha,
        data={
            "town": baisha.town_id,
            "title": "白沙街道某工地高处坠落",
            "event_type": "production_accident",
            "occurred_at": now - dt.timedelta(minutes=25),
            "known_at": now - dt.timedelta(minutes=20),
            "place": "白沙街道某建设工地",
            "deaths": 1,
            "missing": None,
            "serious_injuries": None,
            "description": "一名工人从脚手架坠落，经抢救无效死亡；其他人员情况正在核实。",
            "measures": "停工、保护现场",
            "contact_name": "项目经理",
            "contact_phone": _mobile(rng),
        },
    )
    services.submit_report(
        actor=enterprise_user,
        data={
            "town": enterprise_user.enterprise.town_id,
            "title": "企业仓库冒烟（已处置）",
            "event_type": "fire",
            "occurred_at": now - dt.timedelta(hours=3, minutes=30),
            "known_at": now - dt.timedelta(hours=3),
            "deaths": 0,
            "missing": 0,
            "serious_injuries": 0,
            "description": "仓库电气线路短路冒烟，员工使用灭火器处置，无明火蔓延。",
        },
    )


def build_rosters(actor: User, month: dt.date) -> None:
    for room in DutyRoom.objects.all():
        roster = room.rosters.filter(month=month).first()
        if roster is None:
            roster = services.create_roster(actor=actor, data={"room": room.pk, "month": f"{month:%Y-%m}"})
        if roster.state == "draft":
            roster = services.generate_roster(roster, actor=actor)
            with contextlib.suppress(
                Conflict
            ):  # a demo month that cannot be covered stays a draft with its gaps shown
                services.publish_roster(roster, actor=actor)


def build_swap() -> None:
    """One swap asked for in the district room: the duty officer's next shift to a rested colleague."""
    from duty.models import Shift, Swap

    if Swap.objects.exists():
        return
    duty = User.objects.get(username="duty")
    shift = (
        Shift.objects.filter(person=duty, roster__state="published", start__gt=timezone.now())
        .order_by("start")
        .first()
    )
    if shift is None:
        return
    room = shift.roster.room
    for person in room.officers.exclude(pk=duty.pk).order_by("pk"):
        with contextlib.suppress(InvalidInput):
            services.request_swap(shift, actor=duty, data={"counterpart": person.pk, "reason": "家中有事"})
            return


@transaction.atomic
def build_duty(*, rng: random.Random, small: bool = False, stdout=None) -> None:
    build_rooms(rng)
    build_contacts(rng)
    admin = User.objects.get(username="admin")
    current = timezone.localdate().replace(day=1)
    # the previous month first: the current month's generation keeps the rest rule across the boundary
    build_rosters(admin, (current - dt.timedelta(days=1)).replace(day=1))
    build_rosters(admin, current)
    build_reports(rng)
    build_swap()
    if stdout:
        stdout.write(f"  duty: {DutyRoom.objects.count()} duty rooms, rosters published, reports")
