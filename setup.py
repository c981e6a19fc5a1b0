"""The Python packages of live are found, not listed: a new activity kind is one
folder under live/activities/ and needs no line here (pyproject.toml holds
everything else). static/ and templates/ stay at the top of the checkout and are
carried inside the package as live.static and live.templates (see live/paths.py)."""

from setuptools import find_packages, setup

setup(packages=[*find_packages(include=["live", "live.*"]), "live.static", "live.templates"])
