"""Activity kinds: one package per kind (``poll/``, ``wordcloud/``, ``quiz/``,
``scale/``...) behind one interface (``base.ActivityKind``); ``registry`` is the only
list of kinds. docs/ACTIVITY_KINDS.md explains how to add one."""
