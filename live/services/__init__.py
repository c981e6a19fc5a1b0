"""The use cases. Each loads state, applies the domain, persists, and returns
what must be told to whom (``Outbound`` messages); services never emit.

- ``accounts``: facilitators, passwords, API tokens.
- ``planning``: creating and editing sessions before they start.
- ``runtime``: a running session: join, answer, open, close, end.
- ``summary``: the summary document and the archive of an ended session.
- ``tokens``: host and participant tokens.
"""
