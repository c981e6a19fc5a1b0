"""The one interface every activity kind implements.

An activity kind (a poll, a word cloud, a quiz question, a rating scale...) lives in
one package under ``live/activities/`` (or anywhere, registered from outside: see
``registry``). It subclasses ``ActivityKind`` and overrides what it needs; shared
code (services, realtime, web, archive) asks it through these methods and its
``capabilities``, and never tests a kind's name. docs/ACTIVITY_KINDS.md walks
through adding one.

What a kind owns:

- its **spec**: ``parse_spec`` validates what the facilitator wrote (API body,
  editor form, database), ``public_view`` is what phones may see of it;
- its **answers**: ``check_answer`` (the normalised value or a DomainError),
  ``answer_limit`` (answers per participant), ``answer_key`` (a value a participant
  may not send twice), ``describe_answer`` (as text, for exports);
- its **tally**: ``new_tally`` gives an object with ``add(value)``, ``n_answers``
  and ``results()``; the service counts every committed answer into it (a tally
  is never read, changed and written back as a stored document);
- its **live views**: ``live_fields`` (what ``state`` adds while it runs, e.g. a
  countdown), ``results`` (the host's ``results`` fields), ``phone_results`` (the
  part phones receive once results are shown), ``moderation_view``;
- its **kind state**: a small JSON document per activity (``Activity.state``
  column: moderation decisions, time added...) so that a new kind needs no
  database migration; ``default_state``, ``state_on_open``, ``apply_state``;
- its **host commands** (``commands``: reveal, add time, moderate...), each a pure
  function of the session's state and the payload that returns an ``Outcome``: what
  the service must store, spread to other processes and tell whom;
- its **participant commands** beyond ``answer`` (``participant_commands``: a Q&A's
  ``ask`` and ``upvote``, a report), each a pure function that returns a
  ``Participation``: the value the service stores as an answer row (append-only,
  acknowledged once durable) and counts with ``count``;
- its **wall** (``phone_feed``): what phones see live of everyone's contributions
  while it is open (a Q&A's questions and votes), pushed coalesced as ``wall``;
- its **downloads** (``downloads``, ``download``): files the facilitator takes of one
  activity while the session runs and afterwards (a date poll's calendar event);
- its **summary** (``summary_fields``, ``session_summary``), its **archive** files and
  page section (``archive_files``, ``archive_view`` and the Jinja partials in its
  ``templates/`` folder), its **comparison** fingerprint (``fingerprint_parts``),
  and its **editor** fields (``editor.html`` partial, ``spec_from_form``,
  ``form_from_spec``).

Everything here is pure: no Flask, Socket.IO or SQLAlchemy, no file I/O, no clock.
Times are given by the caller (``LiveSession.elapsed_ms``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any, ClassVar, Protocol

from live.domain.errors import DomainError

# Who hears a message a kind asks to send (the service turns it into a room).
EVERYONE, HOSTS, MODERATORS = "everyone", "hosts", "moderators"


@dataclass(frozen=True)
class Capabilities:
    """What shared code may ask of a kind instead of testing its name.

    - ``timed``: the server keeps a clock; late answers are refused (``in_time``)
      and the question closes by itself (``expired``); screens count down.
    - ``revealable``: it holds a secret (the correct answer) shown by the host
      later; the public view never holds it before.
    - ``moderated``: participants type text that the facilitator moderates on the
      console (``moderation_view`` and moderation commands).
    - ``scored``: it adds to the session's standings (leaderboard, podium).
    - ``several_answers``: one participant may give several answers (see
      ``answer_limit`` for the number).
    - ``beside``: it may stay open beside the activity on screen (a Q&A): the
      lifecycle keeps it open when another opens, and ``state`` carries it as ``side``.
    - ``answerable``: participants answer it (a content slide does not).
    - ``results_on_phones``: by default phones see its results once it closes (a
      setting per activity, ``show_results``, can change that); a quiz shows them
      with its own reveal instead.
    """

    timed: bool = False
    revealable: bool = False
    moderated: bool = False
    scored: bool = False
    several_answers: bool = False
    beside: bool = False
    answerable: bool = True
    results_on_phones: bool = True


@dataclass(frozen=True)
class Activity:
    """One activity of a session: its id, its place, its validated spec and its kind."""

    id: str
    position: int
    spec: Any
    kind: "ActivityKind"
    # The facilitator's choice to show results on phones once it closes (None: the kind's default).
    show_results: bool | None = None
    # Where a poll made by the chain took its options from (live/activities/shortlist.py).
    origin: dict | None = None

    @property
    def type(self) -> str:
        """The kind's name, as in the public contract (``"poll"``, ``"quiz"``...)."""
        return self.kind.name


@dataclass(frozen=True)
class Tell:
    """A message a kind asks to send: ``event`` with ``data`` to ``to`` (``EVERYONE``,
    ``HOSTS``, ``MODERATORS``, or a participant id)."""

    event: str
    data: dict
    to: str


@dataclass
class Outcome:
    """What a host command did, for the service to store, spread and tell.

    - ``lifecycle``: the command changed statuses or the current activity in the
      session's lifecycle (in memory): the service stores them; ``closed`` lists
      the activities it closed (their closing time is stored).
    - ``states``: new kind states to store, by activity id; the service stores them,
      then applies them (``apply_state``) here and on every other process.
    - ``changed``: activities whose ``results`` changed.
    - ``state``: everyone hears the new ``state``.
    - ``mark``: a session mark ``(name, value)`` to remember and spread (the screen
      the podium was shown on, say).
    - ``tell``: messages to send, after everything is stored.
    - ``insert``: a new activity to place in the plan, ``(raw spec, the id of the
      activity it goes after)``, not yet open (the chain's shortlist poll); the
      service stores it, and the ack carries its id as ``activity_id``.
    - ``ack``: fields the host's ack carries beyond ``ok``.
    """

    lifecycle: bool = False
    closed: tuple[str, ...] = ()
    states: dict[str, dict] = field(default_factory=dict)
    changed: set[str] = field(default_factory=set)
    state: bool = False
    mark: tuple[str, Any] | None = None
    tell: list[Tell] = field(default_factory=list)
    insert: tuple[dict, str] | None = None
    ack: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Participation:
    """What a participant command decided.

    - ``value``: what the service stores as one answer row of the activity (JSON) and
      then counts with the kind's ``count``;
    - ``answer_id``: the client's id when the event carries one (a resent ``ask`` is
      stored once and acknowledged again); None: the service makes one;
    - ``guard``: while a value with this guard of the same participant is being
      stored, another is refused (``in_progress``): two quick taps on "upvote" are
      not two votes;
    - ``ack``: fields the participant's ack carries beyond ``ok`` (``question_id``).
    """

    value: Any
    answer_id: str | None = None
    guard: object | None = None
    ack: dict = field(default_factory=dict)


# A participant command: (the session, the activity, the participant, the payload) -> Participation.
Participate = Callable[["LiveSession", "Activity", str, dict], Participation]


@dataclass(frozen=True)
class ParticipantCommand:
    """A participant event a kind takes beyond ``answer`` (``ask``, ``upvote``,
    ``report``): ``decide`` checks it against the session and says what to store;
    ``replayed(participant_id, answer_id)`` gives the ack fields of one already
    stored (a phone that lost its ack sends it again)."""

    decide: Participate
    replayed: Callable[[str, str], dict] = lambda participant_id, answer_id: {}


@dataclass(frozen=True)
class Download:
    """A file the facilitator downloads of one activity: its name (the session's code
    is put in front of it), its media type and its text."""

    filename: str
    mimetype: str
    text: str


@dataclass(frozen=True)
class DownloadContext:
    """What a kind's ``download`` is given beyond the activity: the session's title, the
    activity's number on the summary page (from 1), the query string of the request,
    the server's zone (LIVE_TIMEZONE, for times written without an offset), now, and
    ``translate``: gettext in the facilitator's language, for the texts a file carries
    (the kind marks them with an ``N_`` of its own so that Babel extracts them)."""

    title: str | None
    number: int
    query: Mapping[str, str]
    zone: tzinfo
    now: datetime
    translate: Callable[[str], str] = str


class LiveSession(Protocol):
    """What a kind may read of a running (or archived) session. The service's
    session state offers it; the summary builds one from the database."""

    activities: Mapping[str, Activity]
    lifecycle: Any  # live.domain.session.Lifecycle
    tallies: Mapping[str, Any]
    names: Mapping[str, str | None]
    removed: set[str]
    values: Mapping[str, Mapping[str, list]]
    timings: Mapping[tuple[str, str], int]
    states: Mapping[str, dict]
    marks: dict[str, Any]
    caches: dict[str, Any]

    def elapsed_ms(self, activity_id: str) -> int:
        """Milliseconds since ``activity_id`` opened, as the server measures them."""


# A host command: (the session, the activity it names or None, the payload) -> Outcome.
Command = Callable[[LiveSession, "Activity | None", dict], Outcome]


class ActivityKind:
    """The base of every activity kind: override what the kind needs.

    Class attributes: ``name`` (the ``type`` of the public contract), ``capabilities``,
    ``package_dir`` (its folder: ``templates/`` holds its Jinja partials) and
    ``script`` (its browser module: a path under live's ``static/`` folder such as
    ``"js/kinds/poll.js"`` for built-in kinds, or a ``Path`` to a file of the
    kind's own package for a kind added from outside).
    """

    name: ClassVar[str] = ""
    capabilities: ClassVar[Capabilities] = Capabilities()
    package_dir: ClassVar[Path | None] = None
    script: ClassVar[str | Path | None] = None
    # Commands the host may send, by event name: ``{"reveal": function}``.
    commands: ClassVar[dict[str, Command]] = {}
    # Commands that act on the whole session (no activity_id in the payload).
    session_commands: ClassVar[frozenset[str]] = frozenset()
    # Participant events beyond ``answer``, by event name: ``{"upvote": ParticipantCommand(...)}``.
    participant_commands: ClassVar[dict[str, ParticipantCommand]] = {}
    # Reads activities of this kind from an uploaded file, for the editor's import card:
    # an object with ``MAX_BYTES`` and ``read(filename, data, max_items)`` giving
    # ``ok``, ``activities`` (raw specs) and ``problems`` (``template``, ``params``).
    importer: ClassVar[Any] = None
    # Files the facilitator may download of one activity (``download`` makes them),
    # while the session runs and from the archive: ``("calendar.ics", "grid.csv")``.
    # The kind's ``downloads.html`` partial draws the links to them.
    downloads: ClassVar[tuple[str, ...]] = ()

    # ------------------------------------------------------------------ spec

    def parse_spec(self, raw: dict, where: str = "") -> Any:
        """Validate a spec from untrusted input (API body, editor, database); the
        DomainError names the field at fault (``where`` + field name)."""
        raise NotImplementedError

    def spec_document(self, spec: Any) -> dict:
        """The spec as stored and as given back to its owner (it may hold secrets)."""
        return spec.as_dict()

    def public_view(self, spec: Any, status: str) -> dict:
        """What participants may see of the activity in ``status``: never a secret
        before it is revealed."""
        return self.spec_document(spec)

    # ---------------------------------------------------------------- answers

    def check_answer(self, spec: Any, value: object) -> Any:
        """The normalised answer, or a DomainError saying what is wrong with ``value``."""
        raise DomainError("not_answerable", "This activity takes no answers.", "activity_id")

    def answer_limit(self, spec: Any) -> int:
        """How many answers one participant may give."""
        return 1

    def answer_key(self, spec: Any, value: Any) -> object | None:
        """A key two answers of one participant may not share (``already_sent``), or None."""
        return None

    def describe_answer(self, spec: Any, value: Any) -> str | None:
        """The answer as text, for answers.csv; None leaves the row out of the raw
        answers (a report, which must never say who reported)."""
        return str(value)

    def takes_slot(self, value: Any) -> bool:
        """Whether a stored value uses one of the participant's ``answer_limit`` slots
        (a question asked does; an upvote, stored the same way, does not)."""
        return True

    def count(self, tally: Any, participant_id: str, value: Any) -> None:
        """Count one stored value (an answer, or a participant command's) into the tally."""
        tally.add(value)

    # ------------------------------------------------------------------ state

    def default_state(self) -> dict:
        """The kind state of a new activity (stored as JSON)."""
        return {}

    def state_on_open(self, state: dict) -> dict:
        """The kind state once the activity is opened (again)."""
        return state

    def apply_state(self, activity: Activity, tally: Any, state: dict) -> None:
        """A new kind state was stored (here or on another process): bring the tally in line."""

    # ------------------------------------------------------------------ tally

    def new_tally(self, activity: Activity, state: dict, settings: "KindSettings") -> Any:
        """An empty running tally for ``activity`` with its stored kind ``state``."""
        raise NotImplementedError

    # -------------------------------------------------------------- live views

    def live_fields(self, activity: Activity, status: str, session: LiveSession) -> dict:
        """Fields the ``state`` event adds to the public view while the activity runs."""
        return {}

    def results(self, activity: Activity, status: str, session: LiveSession) -> dict:
        """The kind's fields of the host's ``results`` event."""
        return session.tallies[activity.id].results()

    def phone_results(self, activity: Activity, status: str, session: LiveSession) -> dict:
        """The kind's fields of the ``results`` phones receive once results are shown:
        what the projector shows, without private fields."""
        return self.results(activity, status, session)

    def shows_results(self, activity: Activity, status: str) -> bool:
        """Whether phones see results in ``status`` (the activity's ``show_results``
        setting, or the kind's default)."""
        shown = self.capabilities.results_on_phones if activity.show_results is None else activity.show_results
        return status == "closed" and shown

    def phone_feed(self, activity: Activity, status: str, session: LiveSession) -> dict | None:
        """What phones see live of everyone's contributions while ``activity`` is open
        (a Q&A's questions and votes), pushed to them coalesced as ``wall``; None for
        kinds whose results phones only see once shown."""
        return None

    def moderation_view(self, activity: Activity, session: LiveSession) -> dict | None:
        """The facilitator's moderation view (moderated kinds), or None."""
        return None

    def rejoin_fields(self, activity: Activity, status: str, session: LiveSession, participant_id: str) -> dict:
        """What a phone coming back while ``activity`` is on screen would have missed."""
        return {}

    def session_rejoin_fields(self, session: LiveSession, participant_id: str) -> dict:
        """Session-wide fields a phone coming back would have missed (final rank)."""
        return {}

    def concerned_by_removal(self, activity: Activity, status: str) -> bool:
        """Whether removing a participant changes this activity's results (standings)."""
        return False

    # ------------------------------------------------------------------ timing

    def in_time(self, activity: Activity, session: LiveSession) -> bool:
        """Timed kinds: whether an answer arriving now counts."""
        return True

    def expired(self, activity: Activity, session: LiveSession) -> bool:
        """Timed kinds: whether the open activity's time (and grace) is over."""
        return False

    # ----------------------------------------------------------------- summary

    def summary_fields(self, activity: Activity, tally: Any, answers: list) -> dict:
        """Fields of summary.json's entry for the activity beyond the spec and results."""
        return {}

    def numbered_fields(self, activity: Activity, tally: Any, numbers: dict[str, int]) -> dict:
        """Fields of summary.json's entry that name participants by number: ``numbers``
        maps each participant id to n, from 1 in the order they joined (the
        "Participant n" of answers.csv and of share pages). Added after
        ``summary_fields``; a field of both is this one's."""
        return {}

    def session_summary(self, session: LiveSession) -> dict:
        """Top-level fields of summary.json this kind adds when the session holds it
        (a leaderboard)."""
        return {}

    # ----------------------------------------------------------------- archive

    def archive_files(self, activity: dict, number: int) -> dict[str, str]:
        """``{file name: CSV text}`` for one activity of summary.json (number from 1)."""
        return {}

    def session_archive_files(self, summary: dict) -> dict[str, str]:
        """Files about every activity of this kind together (``quiz-leaderboard.csv``)."""
        return {}

    def archive_view(self, activity: dict, number: int, page: "PageFormat") -> dict:
        """The context of the kind's ``archive.html`` partial for one activity."""
        return {}

    def session_archive_view(self, summary: dict, page: "PageFormat") -> dict | None:
        """The context of the kind's ``session.html`` partial, shown above the
        activities (a final leaderboard), or None."""
        return None

    def pseudonymised(self, summary: dict) -> dict:
        """``summary`` with the names this kind shows replaced by "Participant <n>"
        (a share link shows no nickname unless the facilitator chose to)."""
        return summary

    def fingerprint_parts(self, activity: dict) -> list:
        """What, beyond the type and prompt, makes two archived activities "the same"
        question for the comparison (texts are normalised by the caller)."""
        options = activity.get("options")
        return list(options) if isinstance(options, list) else []

    def download(self, activity: dict, name: str, context: DownloadContext) -> Download:
        """The file ``name`` (one of ``downloads``) of one activity of the summary
        document (as in summary.json), or a DomainError saying why not."""
        raise DomainError("not_found", f"This activity has no file {name!r}.", "name")

    # ------------------------------------------------------------------ editor

    def spec_from_form(self, form: Mapping[str, str]) -> dict:
        """The raw spec (as the API takes it) from the editor's fields of this kind."""
        raise NotImplementedError

    def form_from_spec(self, spec: dict) -> dict:
        """The editor's field values for a stored spec."""
        raise NotImplementedError

    def form_is_blank(self, form: Mapping[str, str]) -> bool:
        """Whether the editor's fields of this kind were left empty (the blank activity
        the editor always offers at the end is then skipped)."""
        return not form.get("prompt", "").strip() and not form.get("options", "").strip()

    # ------------------------------------------------------------------ helpers

    def template(self, name: str) -> str:
        """The Jinja name of one of the kind's partials: ``kinds/<name>/<file>``."""
        return f"kinds/{self.name}/{name}"


@dataclass(frozen=True)
class KindSettings:
    """What a session lends its kinds' tallies: the word filter in force (an empty
    one when the facilitator switched it off)."""

    profanity: Any = None


class PageFormat(Protocol):
    """Locale-aware formatting a kind's archive view may use (given by the archive
    writer, which holds Babel and the time zone)."""

    locale: str
    # The IANA name of the zone the page shows times in ("Europe/Paris").
    zone_name: str

    def number(self, value: float) -> str:
        """A number as the locale writes it."""

    def decimal(self, value: float, pattern: str) -> str:
        """A number with a Babel pattern (``#,##0.0``)."""

    def percent(self, ratio: float) -> str:
        """A ratio as a percentage."""

    def clock(self, timestamp: object) -> str | None:
        """A stored timestamp as a short local time."""

    def remembered(self, key: tuple, compute):
        """``compute()``, remembered for the last few keys (a costly layout drawn for
        several pages of the same archive)."""
