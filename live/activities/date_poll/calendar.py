"""The chosen slot of a date poll as an iCalendar event (RFC 5545, written by the
``icalendar`` library: escaping, line folding, CRLF line ends).

Times are written in UTC (``DTSTART:20261212T170000Z``), which every calendar reads
and shows in its own zone: a slot with an offset is converted as given; a slot without
one is a wall-clock time of the server's zone (LIVE_TIMEZONE), which the caller passes
as ``zone``. The description says the slot's times as the facilitator wrote them with
their zone, and the answers, in the facilitator's language (``translate``). The UID is
made from the activity and the option, so downloading the same slot again updates the
event a calendar already holds instead of adding a second one.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone, tzinfo

from icalendar import Calendar, Event

from live.activities.date_poll.archive import when
from live.activities.date_poll.rules import MAYBE, NO, YES, Slot, parse_slot
from live.domain.errors import DomainError

PRODUCT = "-//live//date poll//EN"


def N_(text: str) -> str:
    """Marks a text for translation (Babel extracts it); the caller translates it."""
    return text


WHEN = N_("When: %(when)s")
ANSWERS = N_("Yes: %(yes)s · Maybe: %(maybe)s · No: %(no)s")


def slot_of(activity: dict, option: int) -> Slot:
    """Option ``option`` of an archived date poll, validated again (summary.json may come
    from anywhere): ``unknown_option`` when there is none, ``no_times`` when it has no
    start and end."""
    options = activity.get("options") if isinstance(activity.get("options"), list) else []
    if not 0 <= option < len(options):
        raise DomainError("unknown_option", f"This date poll has no option {option}.", "option")
    try:
        slot = parse_slot(options[option], f"options[{option}]")
    except DomainError:
        raise DomainError("no_times", "This option is not a valid time slot.", "option") from None
    if slot.start is None:
        raise DomainError("no_times", "This option has no start and end: a calendar event needs both.", "option")
    return slot


def in_utc(text: str, zone: tzinfo) -> datetime:
    """A stored slot time in UTC; a time without an offset is one of ``zone``."""
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment.astimezone(timezone.utc)


def event_ics(activity: dict, option: int, title: str | None, zone: tzinfo, now: datetime,
              translate: Callable[[str], str] = str) -> str:
    """The ``.ics`` text of one slot of an archived date poll: one VEVENT named after
    the session (its title, else the poll's question), the slot's label, its times with
    their zone and the answers it had in the description (in the language of
    ``translate``). ``now`` (aware) is its DTSTAMP."""
    slot = slot_of(activity, option)
    counts = activity.get("counts") if isinstance(activity.get("counts"), list) else []
    figures = counts[option] if option < len(counts) and isinstance(counts[option], dict) else {}
    prompt = str(activity.get("prompt") or "")
    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"{activity.get('id') or 'activity'}-{option}@live")
    event.add("dtstamp", now.astimezone(timezone.utc))
    event.add("dtstart", in_utc(slot.start, zone))
    event.add("dtend", in_utc(slot.end, zone))
    event.add("summary", title or prompt or slot.label)
    lines = [prompt, slot.label] if prompt else [slot.label]
    lines.append(translate(WHEN) % {"when": when(slot.start, slot.end, _zone_name(zone))})
    lines.append(translate(ANSWERS) % {word: _whole(figures.get(word)) for word in (YES, MAYBE, NO)})
    event.add("description", "\n".join(lines))
    calendar.add_component(event)
    return calendar.to_ical().decode("utf-8")


def _whole(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0


def _zone_name(zone: tzinfo) -> str:
    """The IANA name of ``zone`` ("Europe/Paris"), else its fixed offset ("UTC+01:00")."""
    return getattr(zone, "key", None) or zone.tzname(None) or "UTC"
