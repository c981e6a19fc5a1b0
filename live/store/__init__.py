"""Storage: SQLAlchemy models (``models``), engine set-up and migrations (``db``),
rows <-> domain objects (``repository``) and the group committer (``committer``)."""
