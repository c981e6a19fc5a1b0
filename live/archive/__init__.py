"""Session archives: what is left of a session once it has ended.

Modules:

- ``writer``: ``write_archive`` writes ``<archive_root>/<YYYY-MM-DD>-<code>/`` holding
  ``summary.json`` (the public summary document, unchanged), ``answers.csv`` (one row
  per answer, UTF-8 with BOM, safe to open in a spreadsheet) and ``index.html`` (a
  self-contained summary page that opens offline and prints well), plus the files
  each activity kind adds (``poll-<N>.csv``, ``wordcloud-<N>.csv``, ``quiz-<N>.csv``,
  ``quiz-leaderboard.csv``...: ``ActivityKind.archive_files``). Each kind draws its own
  section of the page from the partials in its package; ``render_summary_fragment``
  and ``render_comparison`` draw the same sections for the app's pages.
  The folder is written in a hidden staging folder and renamed into place: it
  appears whole or not at all (``is_complete`` tells a folder cut short by an older
  version).
- ``files``: reading, listing and copying archive files without ever following a
  link or reading a hard-linked or special file (``O_NOFOLLOW``, ``fstat``).
- ``compare``: activity fingerprints and the matching of sessions side by side.
- ``document``: checks of a ``summary.json`` read back (import) and its list facts.
- ``summary.html`` (the page), ``body.html`` (its content), ``charts.html`` (chart
  macros the kinds' partials use), ``compare.html`` (the comparison),
  ``unknown_kind.html`` (an activity of a kind this server lacks), ``summary.css``
  (their style): Jinja2 templates whose fixed text goes through gettext so Babel
  extracts it.

Nothing here imports Flask: the archive is written from the ``end`` use case and can
be rebuilt from a ``summary.json`` by a script.
"""
