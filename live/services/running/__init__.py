"""A running session's use cases, split along their seams (see live/services/runtime.py)."""
