"""Roster generation and the coverage proof (R-DUTY-1, R-DUTY-2), as plain functions over plain data.

Generation is a greedy pass with repair, chosen over a solver because the problem is small and regular
(one 24-hour slot per day and role, a pool of a handful of people, a rest rule that only looks back three
days) and because a greedy pass can say *why* a month came out uneven:

1. Day by day, each role's seats go to the eligible people (not absent, rested ≥ 48 h since their last
   shift in any room, not already seated that day) with the fewest shifts, then the fewest weekend and
   holiday shifts on such a day, then the longest rest, ties broken by a seeded shuffle (reproducible).
2. A seat nobody can take is repaired by moving one earlier shift of a blocked person to someone else who
   fits it, so the blocked person becomes free; what stays empty is a gap the coverage check will list.
3. Fairness repair: while the most and least loaded people of a role differ by more than one shift, a
   shift moves from the former to the latter if the rules allow; then weekend/holiday shifts are evened
   out by exchanging stretches of two people's months.
4. A month still uneven is made again from seeds derived from the given one, and the most even kept.
   What still cannot be evened out is explained (leave, pool too small for the rest rule).
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from duty import rules
from duty.choices import ShiftRole


@dataclass(frozen=True)
class Busy:
    """A span a person is not free for a new shift: an absence (no rest needed) or a shift (rest needed)."""

    start: dt.datetime
    end: dt.datetime
    is_shift: bool = True


@dataclass
class Plan:
    shifts: list[tuple[int, str, dt.date]] = field(default_factory=list)  # (person, role, day)
    notes: list[str] = field(default_factory=list)


def clashes(start: dt.datetime, end: dt.datetime, busy: Busy, rest: dt.timedelta) -> bool:
    if busy.is_shift:
        return start < busy.end + rest and busy.start < end + rest
    return start < busy.end and busy.start < end


class _Month:
    def __init__(self, days, pools, busy, holidays, rest_days, seed):
        self.days = days
        self.pools = pools  # role → [person ids]
        self.outside = busy  # person → [Busy] from absences and shifts outside this roster
        self.holidays = holidays
        self.special = {d for d in days if d in rest_days or d in holidays}
        self.rest = rules.rest_after_shift()
        self.length = rules.shift_length()
        self.rng = random.Random(seed)
        self.seats: dict[tuple[str, dt.date], list[int]] = defaultdict(list)
        self.mine: dict[int, set[dt.date]] = defaultdict(set)  # person → days seated (any role)

    def span(self, day):
        start = rules.day_start(day)
        return start, start + self.length

    def need(self, role, day):
        return 1 if role == ShiftRole.LEADER else rules.officers_needed(day, self.holidays)

    def fits(self, person, day, *, ignoring: dt.date | None = None) -> bool:
        start, end = self.span(day)
        if any(clashes(start, end, b, self.rest) for b in self.outside.get(person, ())):
            return False
        gap = (self.rest + self.length).days  # shift starts at least this many days apart
        return all(abs((other - day).days) >= gap for other in self.mine[person] if other != ignoring)

    def seat(self, person, role, day):
        self.seats[(role, day)].append(person)
        self.mine[person].add(day)

    def unseat(self, person, role, day):
        self.seats[(role, day)].remove(person)
        self.mine[person].discard(day)

    def count(self, person, role, *, special=False):
        return sum(
            1
            for d in self.mine[person]
            if person in self.seats[(role, d)] and (not special or d in self.special)
        )

    # --- 1 and 2: fill ---------------------------------------------------------------------------

    def fill(self):
        order = {role: self.rng.sample(people, len(people)) for role, people in self.pools.items()}
        for day in self.days:
            for role in (ShiftRole.LEADER, ShiftRole.OFFICER):
                people = order.get(role, [])
                while len(self.seats[(role, day)]) < self.need(role, day):
                    chosen = self.pick(role, day, people) or self.repair(role, day, people)
                    if chosen is None:
                        break
                    self.seat(chosen, role, day)

    def pick(self, role, day, people):
        seated = self.seats[(role, day)]
        candidates = [p for p in people if p not in seated and self.fits(p, day)]
        if not candidates:
            return None
        special = day in self.special

        def key(p):
            last = max((d for d in self.mine[p] if d < day), default=day - dt.timedelta(days=365))
            return (
                self.count(p, role),
                self.count(p, role, special=True) if special else 0,
                last,
                people.index(p),
            )

        return min(candidates, key=key)

    def repair(self, role, day, people):
        """Free someone for `day` by giving one of their earlier shifts to a person who fits it."""
        for blocked in people:
            if blocked in self.seats[(role, day)]:
                continue
            near = [d for d in self.mine[blocked] if 0 < (day - d).days < (self.rest + self.length).days]
            if len(near) != 1 or blocked not in self.seats[(role, near[0])]:
                continue
            earlier = near[0]
            self.mine[blocked].discard(earlier)
            if not self.fits(blocked, day):
                self.mine[blocked].add(earlier)
                continue
            for other in people:
                if (
                    other != blocked
                    and other not in self.seats[(role, earlier)]
                    and self.fits(other, earlier)
                ):
                    self.seats[(role, earlier)].remove(blocked)
                    self.seat(other, role, earlier)
                    return blocked
            self.mine[blocked].add(earlier)
        return None

    # --- 3: fairness --------------------------------------------------------------------------------

    def balance(self, role, *, special=False):
        people = self.pools.get(role, [])
        for _round in range(len(self.days) * 4):
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
                for day in sorted(d for d in self.mine[high] if high in self.seats[(role, d)]):
                    if low in self.seats[(role, day)] or day in self.mine[low]:
                        continue
                    if self.fits(low, day):
                        self.unseat(high, role, day)
                        self.seat(low, role, day)
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
        mine_h = self._role_days(high, role)
        mine_l = self._role_days(low, role)
        had_h, had_l = set(mine_h), set(mine_l)
        current = self._spread(role, {}, people)
        best = None
        ends = [*self.days[1:], None]  # None: the stretch runs to the month's end
        for i, first in enumerate(self.days):
            for last in ends[i:]:

                def inside(d, first=first, last=last):
                    return first <= d and (last is None or d < last)

                new_h = sorted([d for d in mine_h if not inside(d)] + [d for d in mine_l if inside(d)])
                new_l = sorted([d for d in mine_l if not inside(d)] + [d for d in mine_h if inside(d)])
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
            for d in self._role_days(person, role):
                self.unseat(person, role, d)
        for person, days in ((high, new_h), (low, new_l)):
            for d in days:
                self.seat(person, role, d)
        return True

    def _role_days(self, person, role) -> list:
        return sorted(d for d in self.mine[person] if person in self.seats[(role, d)])

    def _valid(self, person, role, days, had) -> bool:
        other_role = {d for d in self.mine[person] if person not in self.seats[(role, d)]}
        every = sorted(set(days) | other_role)
        if len(every) != len(days) + len(other_role):
            return False
        gap = (self.rest + self.length).days
        if any((b - a).days < gap for a, b in zip(every, every[1:], strict=False)):
            return False
        for d in days:
            if d in had:
                continue
            start, end = self.span(d)
            if any(clashes(start, end, b, self.rest) for b in self.outside.get(person, ())):
                return False
        return True

    def _spread(self, role, replaced, people):
        """Lexicographic: the totals' range beyond one first, then the squared spread of special shifts."""
        totals, specials = [], []
        for p in people:
            days = replaced.get(p) if p in replaced else self._role_days(p, role)
            totals.append(len(days))
            specials.append(sum(1 for d in days if d in self.special))
        mean = sum(specials) / len(specials)
        return (max(0, max(totals) - min(totals) - 1), sum((x - mean) ** 2 for x in specials))

    def unevenness(self) -> tuple:
        """Lexicographic, over both roles: empty seats, totals spread beyond one, weekend and holiday shifts
        spread beyond one, then the squared spread of those shifts (0, 0, 0, … is as fair as it gets)."""
        empty = sum(
            max(0, self.need(role, d) - len(self.seats[(role, d)])) for role in self.pools for d in self.days
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

    def explain(self, names, absent_days) -> list[str]:
        notes = []
        for role, people in self.pools.items():
            label = ShiftRole(role).label
            if not people:
                notes.append(_("%(role)s: the pool is empty.") % {"role": label})
                continue
            demand = sum(self.need(role, d) for d in self.days)
            per_person = -(-len(self.days) // (self.rest + self.length).days)
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
                            "%(role)s uneven: the rest rule (48 hours after a 24-hour shift) leaves no "
                            "way to move a shift to %(who)s."
                        )
                        % {"role": label, "who": "、".join(names[p] for p in fewest)}
                    )
            specials = {p: self.count(p, role, special=True) for p in people}
            if self.special and max(specials.values()) - min(specials.values()) > 1:
                notes.append(
                    _("%(role)s: weekend and holiday shifts could not be spread closer than %(a)d–%(b)d.")
                    % {"role": label, "a": min(specials.values()), "b": max(specials.values())}
                )
        return notes


# The greedy order decides which stretch exchanges are open to the repair: a month still uneven after it is
# made again from other seeds derived from the given one (so it stays reproducible), and the most even kept.
ATTEMPTS = 8


def generate(*, days, pools, busy, holidays, rest_days, names, absent_days, seed=0) -> Plan:
    best = None
    for attempt in range(ATTEMPTS):
        month = _Month(days, pools, busy, holidays, rest_days, seed if attempt == 0 else f"{seed}:{attempt}")
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
    for (role, day), people in sorted(month.seats.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        plan.shifts.extend((person, role, day) for person in people)
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


def coverage(spans: list[Span], *, month: dt.date, holidays: set[dt.date], others: list[Span] = ()) -> dict:
    """Every minute of the month's duty period: a leader and the officers the day needs.

    `spans` are the roster's shifts; `others` the same people's shifts in other rosters, which count for
    double bookings only. Answers API.md's `{"gaps": [{"start", "end", "missing"}], "double_bookings":
    [{"person", "start", "end"}]}` (plus `needed` and `present` on each gap for the page)."""
    first, last = rules.month_bounds(month)
    cuts = {first, last}
    for day in rules.month_days(month):
        cuts.add(rules.day_start(day))
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
        needed = rules.officers_needed(rules.shift_day(a), holidays)
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


def rest_problem(start: dt.datetime, end: dt.datetime, others: list[Span]) -> str | None:
    """The rest rule a new shift breaks, named for the user (R-DUTY-2), or None.

    Overlapping shifts are not refused here: the coverage check lists them as double bookings."""
    if end <= start:
        return _("A shift must end after it starts.")
    if end - start > rules.shift_length():
        return _("A duty shift lasts at most %(hours)d hours.") % {
            "hours": int(rules.shift_length().total_seconds() // 3600)
        }
    rest = rules.rest_after_shift()
    for other in others:
        if start < other.end and other.start < end:
            continue
        if start < other.end + rest and other.start < end + rest:
            return _(
                "Rest rule of the duty roster: at least %(hours)d hours of rest after a shift, at most one "
                "24-hour shift in any 72 hours, and no leader on duty on two consecutive days "
                "(this person is on duty %(start)s – %(end)s)."
            ) % {
                "hours": int(rest.total_seconds() // 3600),
                "start": f"{other.start.astimezone(start.tzinfo):%Y-%m-%d %H:%M}",
                "end": f"{other.end.astimezone(start.tzinfo):%Y-%m-%d %H:%M}",
            }
    return None
