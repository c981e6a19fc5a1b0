"""Session archives: what is left of a session once it has ended.

Modules:

- ``writer``: ``write_archive`` writes ``<archive_root>/<YYYY-MM-DD>-<code>/`` holding
  ``summary.json`` (the public summary document, unchanged), ``answers.csv`` (one row
  per answer, UTF-8 with BOM, safe to open in a spreadsheet) and ``index.html`` (a
  self-contained summary page that opens offline and prints well), plus
  ``wordcloud-<N>.csv`` per word cloud and, for a session with quiz questions,
  ``quiz-leaderboard.csv`` and ``quiz-questions.csv``.
- ``cloud``: the deterministic word-cloud layout drawn in ``index.html``.
- ``summary.html``: the Jinja2 template of ``index.html``; its fixed text goes through
  gettext so Babel can extract it into ``live/translations``.

Nothing here imports Flask: the archive is written from the ``end`` use case and can
be rebuilt from a ``summary.json`` by a script.
"""
