"""Roster generation and the coverage proof (R-DUTY-1, R-DUTY-2), as plain functions over plain data.

A month is a row of shifts ("slots"): each duty day holds 24 / hours of them, back to back from the room's
shift start (one a day on the district's 24-hour pattern, two on a 12-hour one). Generation is a greedy pass
with repair, chosen over a solver because the problem is small and regular (a handful of slots a day per
role, a pool of a handful of people, a rest rule that only looks back a few slots) and because a greedy pass
can say *why* a month came out uneven:

1. Slot by slot, each role's seats go to the eligible people (not absent, rested since their last shift in
   any room — 48 h after a 24-hour shift, in proportion after a shorter one — not already seated then, and
   a leader never on two consecutive duty days) with the fewest shifts, then the fewest weekend and holiday
   shifts on such a day, then the longest rest, ties broken by a seeded shuffle (reproducible).
2. A seat nobody can take is repaired by moving one earlier shift of a blocked person to someone else who
   fits it, so the blocked person becomes free; what stays empty is a gap the coverage check will list.
3. Fairness repair: while the most and least loaded people of a role differ by more than one shift, a
   shift moves from the former to the latter if the rules allow; then weekend/holiday shifts are evened
   out by exchanging stretches of two people's months. Every shift of a month has the room's length, so
   counting shifts counts hours.
4. A month still uneven is made again from seeds derived from the given one, and the most even kept.
   What still cannot be evened out is explained (leave, pool too small for the rest rule).
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from duty import rules
from duty.choices import ShiftRole


@dataclass(frozen=True)
class Busy:
    """A span a person is not free for a new shift: an absence (no rest needed) or a shift (rest needed).
    `leader_day`: the duty day of a shift as leader on duty (none on the next or the previous day);
    `hours`: the length of its roster's shifts, which sets the rest after it."""

    start: dt.datetime
    end: dt.datetime
    is_shift: bool = True
    leader_day: dt.date | None = None
    hours: int | None = None


@dataclass
class Plan:
    shifts: list[tuple[int, str, dt.datetime, dt.datetime]] = field(
        default_factory=list
    )  # person, role, span
    notes: list[str] = field(default_factory=list)


def length_of(shift) -> dt.timedelta:
    """The length that sets the rest after a shift (R-DUTY-2): its roster's shift length, so that a shift
    added by hand or a month's first shift reaching back into the month before earns what the others do."""
    return dt.timedelta(hours=shift.hours) if shift.hours else shift.end - shift.start


def rest_after(shift) -> dt.timedelta:
    return rules.rest_after_shift(length_of(shift))


def clashes(start: dt.datetime, end: dt.datetime, busy: Busy, rest: dt.timedelta) -> bool:
    """Overlap, or too little rest between the two: `rest` after the new shift, its own after the other."""
    if not busy.is_shift:
        return start < busy.end and busy.start < end
    return start < busy.end + rest_after(busy) and busy.start < end + rest


def consecutive(a: dt.date, b: dt.date) -> bool:
    return abs((a - b).days) == 1


class _Month:
    def __init__(self, days, pools, busy, holidays, rest_days, seed, pattern: rules.ShiftPattern, start=None):
        self.days = days
        self.pattern = pattern
        # The month's first shift starts earlier when the month before ended earlier (its pattern started
        # later in the day): it covers the span between them, and earns the rest of the others.
        self.start = min(start or pattern.day_start(days[0]), pattern.day_start(days[0]))
        self.per_day = pattern.per_day
        self.slots = range(len(days) * self.per_day)
        self.pools = pools  # role → [person ids]
        self.outside = busy  # person → [Busy] from absences and shifts outside this roster
        self.holidays = holidays
        self.special = {d for d in days if d in rest_days or d in holidays}
        self.spacing = pattern.spacing  # one person's shifts start at least this many slots apart
        self.rng = random.Random(seed)
        self.seats: dict[tuple[str, int], list[int]] = defaultdict(list)
        self.mine: dict[int, set[int]] = defaultdict(set)  # person → slots seated (any role)

    def day_of(self, slot: int) -> dt.date:
        return self.days[slot // self.per_day]

    def span(self, slot):
        start = self.pattern.shift_start(self.day_of(slot), slot % self.per_day)
        return (self.start if slot == 0 else start), start + self.pattern.length

    def too_close(self, a, b) -> bool:
        """Shifts at slots a and b leave too little rest between them (R-DUTY-2)."""
        return abs(a - b) < self.spacing

    def need(self, role, slot):
        return 1 if role == ShiftRole.LEADER else rules.officers_needed(self.day_of(slot), self.holidays)

    def blocks(self, person, role, slot, other) -> bool:
        """Whether the person's seat at `other` keeps them from `slot`: too close for the rest rule, or, for a
        leader on duty, the day before or after (R-DUTY-2)."""
        if self.too_close(other, slot):
            return True
        return (
            role == ShiftRole.LEADER
            and person in self.seats[(ShiftRole.LEADER, other)]
            and abs(other // self.per_day - slot // self.per_day) == 1
        )

    def fits(self, person, role, slot) -> bool:
        start, end = self.span(slot)
        day = self.day_of(slot)
        for b in self.outside.get(person, ()):
            if clashes(start, end, b, self.pattern.rest):
                return False
            if role == ShiftRole.LEADER and b.leader_day is not None and consecutive(b.leader_day, day):
                return False
        return not any(self.blocks(person, role, slot, other) for other in self.mine[person])

    def seat(self, person, role, slot):
        self.seats[(role, slot)].append(person)
        self.mine[person].add(slot)

    def unseat(self, person, role, slot):
        self.seats[(role, slot)].remove(person)
        self.mine[person].discard(slot)

    def count(self, person, role, *, special=False):
        return sum(
            1
            for s in self.mine[person]
            if person in self.seats[(role, s)] and (not special or self.day_of(s) in self.special)
        )

    # --- 1 and 2: fill ---------------------------------------------------------------------------

    def fill(self):
        order = {role: self.rng.sample(people, len(people)) for role, people in self.pools.items()}
        for slot in self.slots:
            for role in (ShiftRole.LEADER, ShiftRole.OFFICER):
                people = order.get(role, [])
                while len(self.seats[(role, slot)]) < self.need(role, slot):
                    chosen = self.pick(role, slot, people) or self.repair(role, slot, people)
                    if chosen is None:
                        break
                    self.seat(chosen, role, slot)

    def pick(self, role, slot, people):
        seated = self.seats[(role, slot)]
        candidates = [p for p in people if p not in seated and self.fits(p, role, slot)]
        if not candidates:
            return None
        special = self.day_of(slot) in self.special

        def key(p):
            last = max((s for s in self.mine[p] if s < slot), default=-(10**6))
            return (
                self.count(p, role),
                self.count(p, role, special=True) if special else 0,
                last,
                people.index(p),
            )

        return min(candidates, key=key)

    def repair(self, role, slot, people):
        """Free someone for `slot` by giving one of their earlier shifts to a person who fits it."""
        for blocked in people:
            if blocked in self.seats[(role, slot)]:
                continue
            near = [s for s in self.mine[blocked] if s < slot and self.blocks(blocked, role, slot, s)]
            if len(near) != 1 or blocked not in self.seats[(role, near[0])]:
                continue
            earlier = near[0]
            self.mine[blocked].discard(earlier)
            if not self.fits(blocked, role, slot):
                self.mine[blocked].add(earlier)
                continue
            for other in people:
                if (
                    other != blocked
                    and other not in self.seats[(role, earlier)]
                    and self.fits(other, role, earlier)
                ):
                    self.seats[(role, earlier)].remove(blocked)
                    self.seat(other, role, earlier)
                    return blocked
            self.mine[blocked].add(earlier)
        return None

    # --- 3: fairness --------------------------------------------------------------------------------

    def balance(self, role, *, special=False):
        people = self.pools.get(role, [])
        for _round in range(len(self.slots) * 4):
            counts = {p: self.count(p, role, special=special) for p in people}
            if not counts:
                return
            high = max(people, key=lambda p: counts[p])
            low = min(people, key=lambda p: counts[p])
            if counts[high] - counts[low] <= 1 or not self._move_one(role, counts, special):
                return

    def _move_one(self, role, counts, special) -> bool:
        people = sorted(counts, key=lambda p: counts[p])
        for low in people:
            for high in reversed(people):
                if counts[high] - counts[low] <= 1:
                    break
                if special:
                    if self._trade(role, high, low):
                        return True
                    continue
                for slot in self._role_slots(high, role):
                    if low in self.seats[(role, slot)] or slot in self.mine[low]:
                        continue
                    if self.fits(low, role, slot):
                        self.unseat(high, role, slot)
                        self.seat(low, role, slot)
                        return True
        return False

    def _trade(self, role, high, low) -> bool:
        """Even out weekend and holiday shifts by exchanging a stretch of two people's months: between two
        days, `high` takes `low`'s shifts and `low` takes `high`'s. In a tight rotation a single-day
        exchange almost always breaks the rest rule; a stretch exchange keeps each stretch's own spacing
        and only has to check its two seams. A stretch running to the month's end (a tail) has one seam;
        tails alone leave a cluster of holidays early in the month (May Day in the flood season) spread
        2–4 where 3–4 is possible. Accepted when it spreads the special shifts more evenly without
        spreading the totals beyond one."""
        people = self.pools.get(role, [])
        mine_h = self._role_slots(high, role)
        mine_l = self._role_slots(low, role)
        had_h, had_l = set(mine_h), set(mine_l)
        current = self._spread(role, {}, people)
        best = None
        ends = [*range(1, len(self.days)), None]  # day indices; None: the stretch runs to the month's end
        for first in range(len(self.days)):
            for last in ends[first:]:

                def inside(slot, first=first, last=last):
                    day = slot // self.per_day
                    return first <= day and (last is None or day < last)

                new_h = sorted([s for s in mine_h if not inside(s)] + [s for s in mine_l if inside(s)])
                new_l = sorted([s for s in mine_l if not inside(s)] + [s for s in mine_h if inside(s)])
                if new_h == mine_h:
                    continue
                score = self._spread(role, {high: new_h, low: new_l}, people)
                if score >= current or (best is not None and score >= best[0]):
                    continue
                if self._valid(high, role, new_h, had_h) and self._valid(low, role, new_l, had_l):
                    best = (score, new_h, new_l)
        if best is None:
            return False
        _score, new_h, new_l = best
        for person in (high, low):
            for s in self._role_slots(person, role):
                self.unseat(person, role, s)
        for person, slots in ((high, new_h), (low, new_l)):
            for s in slots:
                self.seat(person, role, s)
        return True

    def _role_slots(self, person, role) -> list:
        return sorted(s for s in self.mine[person] if person in self.seats[(role, s)])

    def _valid(self, person, role, slots, had) -> bool:
        other_role = {s for s in self.mine[person] if person not in self.seats[(role, s)]}
        every = sorted(set(slots) | other_role)
        if len(every) != len(slots) + len(other_role):
            return False
        if any(self.too_close(a, b) for a, b in zip(every, every[1:], strict=False)):
            return False
        if role == ShiftRole.LEADER and any(
            b // self.per_day - a // self.per_day == 1 for a, b in zip(slots, slots[1:], strict=False)
        ):
            return False
        for s in slots:
            if s in had:
                continue
            start, end = self.span(s)
            day = self.day_of(s)
            for b in self.outside.get(person, ()):
                if clashes(start, end, b, self.pattern.rest) or (
                    role == ShiftRole.LEADER and b.leader_day is not None and consecutive(b.leader_day, day)
                ):
                    return False
        return True

    def _spread(self, role, replaced, people):
        """Lexicographic: the totals' range beyond one first, then the squared spread of special shifts."""
        totals, specials = [], []
        for p in people:
            slots = replaced.get(p) if p in replaced else self._role_slots(p, role)
            totals.append(len(slots))
            specials.append(sum(1 for s in slots if self.day_of(s) in self.special))
        mean = sum(specials) / len(specials)
        return (max(0, max(totals) - min(totals) - 1), sum((x - mean) ** 2 for x in specials))

    def unevenness(self) -> tuple:
        """Lexicographic, over both roles: empty seats, totals spread beyond one, weekend and holiday shifts
        spread beyond one, then the squared spread of those shifts (0, 0, 0, … is as fair as it gets)."""
        empty = sum(
            max(0, self.need(role, s) - len(self.seats[(role, s)])) for role in self.pools for s in self.slots
        )
        totals = specials = 0
        variance = 0.0
        for role, people in self.pools.items():
            if not people:
                continue
            counts = [self.count(p, role) for p in people]
            special = [self.count(p, role, special=True) for p in people]
            totals += max(0, max(counts) - min(counts) - 1)
            specials += max(0, max(special) - min(special) - 1)
            variance += self._spread(role, {}, people)[1]
        return (empty, totals, specials, variance)

    # --- explanation -------------------------------------------------------------------------------

    def most_per_person(self, role) -> int:
        """The shifts one person can take in the month under the rest rule (and, for a leader on duty, with
        a day off between two days on duty)."""
        most = math.ceil(len(self.slots) / self.spacing)
        if role == ShiftRole.LEADER:
            most = min(most, math.ceil(len(self.days) / 2) * math.ceil(self.per_day / self.spacing))
        return most

    def explain(self, names, absent_days) -> list[str]:
        notes = []
        for role, people in self.pools.items():
            label = ShiftRole(role).label
            if not people:
                notes.append(_("%(role)s: the pool is empty.") % {"role": label})
                continue
            demand = sum(self.need(role, s) for s in self.slots)
            per_person = self.most_per_person(role)
            if demand > per_person * len(people):
                notes.append(
                    _(
                        "%(role)s: %(demand)d shifts are needed but the rest rule allows at most "
                        "%(most)d each, so %(n)d people cannot cover the month."
                    )
                    % {"role": label, "demand": demand, "most": per_person, "n": len(people)}
                )
            counts = {p: self.count(p, role) for p in people}
            if max(counts.values()) - min(counts.values()) > 1:
                fewest = [p for p in people if counts[p] == min(counts.values())]
                held = [p for p in fewest if absent_days.get(p)]
                if held:
                    notes.append(
                        _("%(role)s uneven because of leave or unavailability: %(who)s.")
                        % {
                            "role": label,
                            "who": "、".join(f"{names[p]} ({absent_days[p]})" for p in held),
                        }
                    )
                else:
                    notes.append(
                        _(
                            "%(role)s uneven: the rest rule (%(rest)s hours after a %(hours)d-hour shift) "
                            "leaves no way to move a shift to %(who)s."
                        )
                        % {
                            "role": label,
                            "rest": hours_text(self.pattern.rest),
                            "hours": self.pattern.hours,
                            "who": "、".join(names[p] for p in fewest),
                        }
                    )
            specials = {p: self.count(p, role, special=True) for p in people}
            if self.special and max(specials.values()) - min(specials.values()) > 1:
                notes.append(
                    _("%(role)s: weekend and holiday shifts could not be spread closer than %(a)d–%(b)d.")
                    % {"role": label, "a": min(specials.values()), "b": max(specials.values())}
                )
        return notes


def hours_text(span: dt.timedelta) -> str:
    """A number of hours as people write it: 48, 16, 2.5."""
    return f"{span.total_seconds() / 3600:g}"


# The greedy order decides which stretch exchanges are open to the repair: a month still uneven after it is
# made again from other seeds derived from the given one (so it stays reproducible), and the most even kept.
ATTEMPTS = 8


def generate(
    *,
    days,
    pools,
    busy,
    holidays,
    rest_days,
    names,
    absent_days,
    pattern: rules.ShiftPattern,
    start: dt.datetime | None = None,
    seed=0,
) -> Plan:
    """The month's shifts; `start`: when its duty period begins, if before its pattern's first shift."""
    best = None
    for attempt in range(ATTEMPTS):
        month = _Month(
            days,
            pools,
            busy,
            holidays,
            rest_days,
            seed if attempt == 0 else f"{seed}:{attempt}",
            pattern,
            start,
        )
        month.fill()
        for role in pools:
            month.balance(role)
            month.balance(role, special=True)
        score = month.unevenness()
        if best is None or score < best[0]:
            best = (score, month)
        if score[:3] == (0, 0, 0):
            break
    month = best[1]
    plan = Plan()
    for (role, slot), people in sorted(month.seats.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        start, end = month.span(slot)
        plan.shifts.extend((person, role, start, end) for person in people)
    plan.notes = month.explain(names, absent_days)
    return plan


# --- the coverage proof ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Span:
    person: int
    role: str
    start: dt.datetime
    end: dt.datetime
    shift_id: int | None = None
    hours: int | None = None  # the length of its roster's shifts (the rest after it), when known


def coverage(
    spans: list[Span],
    *,
    month: dt.date,
    holidays: set[dt.date],
    pattern: rules.ShiftPattern,
    start: dt.datetime | None = None,
    others: list[Span] = (),
) -> dict:
    """Every minute of the month's duty period (from the first shift of its first day to the first of the
    next month, as the roster's pattern has them; from `start` when the month before ended earlier): a
    leader and the officers the day needs.

    `spans` are the roster's shifts; `others` the same people's shifts in other rosters, which count for
    double bookings only. Answers API.md's `{"gaps": [{"start", "end", "missing"}], "double_bookings":
    [{"person", "start", "end"}]}` (plus `needed` and `present` on each gap for the page)."""
    first, last = pattern.month_bounds(month)
    first = min(first, start or first)
    first_day = month.replace(day=1)
    cuts = {first, last}
    for day in rules.month_days(month):
        cuts.update(pattern.shift_starts(day))
    for s in spans:
        for moment in (s.start, s.end):
            if first < moment < last:
                cuts.add(moment)
    points = sorted(cuts)
    raw = []
    for a, b in zip(points, points[1:], strict=False):
        here = [s for s in spans if s.start <= a and s.end >= b]
        leaders = len({s.person for s in here if s.role == ShiftRole.LEADER})
        officers = len({s.person for s in here if s.role == ShiftRole.OFFICER})
        needed = rules.officers_needed(max(pattern.shift_day(a), first_day), holidays)
        if leaders < 1:
            raw.append([a, b, ShiftRole.LEADER.value, 1, leaders])
        if officers < needed:
            raw.append([a, b, ShiftRole.OFFICER.value, needed, officers])
    gaps: list[list] = []
    for row in sorted(raw, key=lambda r: (r[2], r[0])):
        prev = gaps[-1] if gaps else None
        if prev and prev[2] == row[2] and prev[1] == row[0] and prev[3:] == row[3:]:
            prev[1] = row[1]
        else:
            gaps.append(row)
    gaps.sort(key=lambda r: (r[0], r[2]))
    return {
        "gaps": [
            {"start": a, "end": b, "missing": what, "needed": needed, "present": present}
            for a, b, what, needed, present in gaps
        ],
        "double_bookings": double_bookings(list(spans) + list(others), own={id(s) for s in spans}),
    }


def double_bookings(spans: list[Span], own: set[int] | None = None) -> list[dict]:
    by_person: dict[int, list[Span]] = defaultdict(list)
    for s in spans:
        by_person[s.person].append(s)
    found = []
    for person, mine in sorted(by_person.items()):
        mine.sort(key=lambda s: (s.start, s.end))
        for i, a in enumerate(mine):
            for b in mine[i + 1 :]:
                if b.start >= a.end:
                    break
                if own is not None and id(a) not in own and id(b) not in own:
                    continue
                found.append(
                    {
                        "person": person,
                        "start": max(a.start, b.start),
                        "end": min(a.end, b.end),
                        "shifts": [x for x in (a.shift_id, b.shift_id) if x],
                    }
                )
    return found


def rest_problem(
    start: dt.datetime,
    end: dt.datetime,
    others: list[Span],
    *,
    role: str,
    pattern: rules.ShiftPattern,
    longest: dt.timedelta | None = None,
) -> str | None:
    """The rest rule a new shift of a roster on `pattern` breaks, named for the user (R-DUTY-2), or None: a
    shift no longer than `longest` (the roster's shifts), the rest each shift earns by its roster's shift
    length before the next one, and a leader on duty never on two consecutive duty days (counted by the
    roster's pattern).

    Overlapping shifts are not refused here: the coverage check lists them as double bookings."""
    if end <= start:
        return _("A shift must end after it starts.")
    if longest is not None and end - start > longest:
        return _("A duty shift lasts at most %(hours)s hours.") % {"hours": hours_text(longest)}
    day = pattern.shift_day(start)
    for other in others:
        if start < other.end and other.start < end:
            continue
        busy = Busy(other.start, other.end, hours=other.hours)
        leader = role == ShiftRole.LEADER and other.role == ShiftRole.LEADER
        too_close = clashes(start, end, busy, pattern.rest)
        if too_close or (leader and consecutive(pattern.shift_day(other.start), day)):
            earlier = busy if other.end <= start else Busy(start, end, hours=pattern.hours)
            return _(
                "Rest rule of the duty roster: at least %(rest)s hours of rest after a %(hours)s-hour "
                "shift, and no leader on duty on two consecutive days (this person is on duty "
                "%(start)s – %(end)s)."
            ) % {
                "rest": hours_text(rest_after(earlier)),
                "hours": hours_text(length_of(earlier)),
                "start": f"{other.start.astimezone(start.tzinfo):%Y-%m-%d %H:%M}",
                "end": f"{other.end.astimezone(start.tzinfo):%Y-%m-%d %H:%M}",
            }
    return None
