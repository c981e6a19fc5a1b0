"""Pure rules of a live session: no Flask, Socket.IO or SQLAlchemy in here.

- ``errors``: the one error type the edges turn into ``{"ok": false, ...}``.
- ``text``: cleaning of short texts typed by people (names, prompts, options).
- ``codes``: join codes and their unambiguous alphabet.
- ``poll``: poll specs, answer checking and tallies.
- ``wordcloud``: word-cloud entries, their grouping (``normalise_word``) and moderation;
  ``profanity``: the filter that holds rude entries off the projector.
- ``quiz``: quiz questions, server-timed scoring, streaks and the leaderboard.
- ``activities``: dispatch from an activity ``type`` to its rules.
- ``session``: the session lifecycle (lobby -> activity -> ended).
- ``joins``: who may join (the host's lock, the expected size, waiting phones) and
  whom "remove many" picks.
- ``ratelimit``: token buckets for answers and join-code guesses.
"""
