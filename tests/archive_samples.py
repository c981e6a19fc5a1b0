"""Summary documents and archive folders for the archive tests (safety, rendering,
crashes), independent of the other test modules."""

from __future__ import annotations

import random
from pathlib import Path

from live.archive.writer import write_archive
from live.services import archives
from tests.web import owner_id


def poll(position: int, counts=(10, 15, 5)) -> dict:
    return {
        "id": f"poll-{position}", "position": position, "type": "poll", "prompt": "Quel livre lire ensuite ?",
        "options": ["Germinal", "Nana", "Bel-Ami"], "multiple": False, "n_answers": sum(counts),
        "counts": list(counts), "opened_at": "2026-11-23T19:01:00Z", "closed_at": "2026-11-23T19:03:00Z",
    }


def cloud(position: int, words: list[tuple[str, int]]) -> dict:
    table = [{"key": w.casefold(), "display": w, "count": n, "status": "shown", "spellings": [[w, n]], "merged": []}
             for w, n in words]
    return {
        "id": f"cloud-{position}", "position": position, "type": "wordcloud", "prompt": "Un mot ?", "max_entries": 3,
        "n_answers": sum(n for _w, n in words), "words": [[w, n] for w, n in sorted(words, key=lambda p: -p[1])],
        "table": table, "moderation": [], "opened_at": "2026-11-23T19:05:00Z", "closed_at": "2026-11-23T19:08:00Z",
    }


def quiz(position: int) -> dict:
    return {
        "id": f"quiz-{position}", "position": position, "type": "quiz", "prompt": "Qui a écrit Germinal ?",
        "options": ["Hugo", "Zola"], "correct": [1], "seconds": 20, "points": 1000, "n_answers": 4,
        "counts": [1, 3], "n_correct": 3, "n_late": 0, "correct_rate": 0.75, "average_ms": 1500,
        "opened_at": "2026-11-23T19:10:00Z", "closed_at": "2026-11-23T19:11:00Z",
    }


def summary(code: str, activities=None, names=("Zoé", "Marc"), ended: str = "2026-11-23T19:40:00Z", **extra) -> dict:
    """A schema-1 summary with a poll, a word cloud and a quiz, and a leaderboard of ``names``."""
    if activities is None:
        activities = [poll(0), cloud(1, [("Lecture", 12), ("café", 7)]), quiz(2)]
    board = [{"participant_id": f"p{rank}", "name": name, "score": 2000 - rank * 100, "rank": rank, "time_ms": 900,
              "participant_number": rank} for rank, name in enumerate(names, start=1)]
    document = {
        "schema": 1, "code": code, "title": "Atelier lecture", "created_at": "2026-11-23T18:50:00Z",
        "started_at": "2026-11-23T19:00:00Z", "ended_at": ended, "n_participants": 31,
        "activities": activities, "leaderboard": board,
    }
    document.update(extra)
    return document


def heavy_summary(code: str, n_clouds: int = 10, n_words: int = 150, n_players: int = 60) -> dict:
    """The heaviest summary the issue measured: 10 clouds of 150 words, 60 players."""
    clouds = []
    for position in range(n_clouds):
        rng = random.Random(position)
        clouds.append(cloud(position, [(f"mot{position}-{i}" + "x" * rng.randint(0, 8), rng.randint(1, 40))
                                       for i in range(n_words)]))
    return summary(code, clouds, names=[f"Joueur {n}" for n in range(1, n_players + 1)])


def written(root: Path, document: dict) -> Path:
    """``document`` written as an archive folder under ``root``, as a server writes it."""
    return write_archive(root, document, [])


def import_in_place(app, document: dict, email: str = "host@example.org") -> Path:
    """An archive folder written straight under LIVE_ARCHIVE_DIR, then indexed where it
    is by ``live archive import`` (as after a lost database)."""
    live = app.extensions["live"]
    owner_id(app, email)
    folder = written(live.settings.archive_dir, document)
    [result] = archives.import_archives(live.sessions, folder, live.settings.archive_dir, email)
    assert result.ok, result.message
    return folder


def import_copy(app, tmp_path: Path, document: dict, email: str = "host@example.org") -> Path:
    """An archive folder copied from elsewhere by ``live archive import``; its new folder."""
    live = app.extensions["live"]
    owner_id(app, email)
    source = written(tmp_path / "elsewhere", document)
    [result] = archives.import_archives(live.sessions, source, live.settings.archive_dir, email)
    assert result.ok, result.message
    return live.settings.archive_dir / source.name
