"""Activity kinds defined only under tests/, registered the way a third party adds a
kind to an installed server (``LIVE_ACTIVITY_KINDS=tests.kinds.counter:KIND``)."""
