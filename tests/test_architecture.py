"""The design rules that keep a new activity kind cheap (../shared/DESIGN.md, issue 13):

- a kind's name is never compared or dispatched on outside its own package (Python,
  its Jinja partials, its browser module static/js/kinds/<name>.js) and the registry;
- the domain and the kinds' rules import no framework (Flask, Socket.IO, SQLAlchemy),
  read or write no file and keep no global cache;
- nothing outside live/realtime/ emits.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from pathlib import Path

from live.activities.registry import KINDS

ROOT = Path(__file__).resolve().parent.parent
LIVE = ROOT / "live"
KIND_NAMES = set(KINDS.names())
FRAMEWORKS = ("flask", "flask_socketio", "flask_login", "flask_wtf", "flask_babel", "socketio", "engineio", "sqlalchemy")
# Calls that read or write files (names shared with str methods, like replace, are left out).
FILE_CALLS = {"open", "read_text", "read_bytes", "write_text", "write_bytes", "iterdir", "rglob", "mkdir", "rmdir",
              "unlink", "listdir", "scandir", "is_file", "is_dir", "exists", "symlink_to", "touch"}
FILE_MODULES = ("os", "shutil", "tempfile", "glob")
CACHES = {"lru_cache", "cache", "cached_property"}


def _own(path: Path) -> str | None:
    """The kind whose package (or browser module) ``path`` belongs to, if any."""
    parts = path.relative_to(ROOT).parts
    if parts[:2] == ("live", "activities") and len(parts) > 3 and parts[2] in KIND_NAMES:
        return parts[2]
    if parts[:3] == ("static", "js", "kinds"):
        return path.stem
    return None


def _python_literals(path: Path) -> list[tuple[int, str]]:
    found = []
    for token in tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline):
        if token.type == tokenize.STRING:
            try:
                value = ast.literal_eval(token.string)
            except (ValueError, SyntaxError):
                continue
            if value in KIND_NAMES:
                found.append((token.start[0], value))
    return found


_QUOTED = re.compile(r"""["']([a-z_]+)["']""")


def _text_literals(path: Path) -> list[tuple[int, str]]:
    found = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        found += [(number, name) for name in _QUOTED.findall(line) if name in KIND_NAMES]
    return found


def _kind_name_uses() -> list[str]:
    uses = []
    registry = LIVE / "activities" / "registry.py"
    for path in sorted(LIVE.rglob("*.py")):
        if path == registry or "migrations" in path.parts:
            continue
        owner = _own(path)
        uses += [f"{path.relative_to(ROOT)}:{line} {name!r}" for line, name in _python_literals(path) if name != owner]
    for folder, pattern in ((ROOT / "templates", "*.html"), (LIVE, "*.html"), (ROOT / "static" / "js", "*.js")):
        for path in sorted(folder.rglob(pattern)):
            if "vendor" in path.parts:
                continue
            owner = _own(path)
            uses += [f"{path.relative_to(ROOT)}:{line} {name!r}" for line, name in _text_literals(path) if name != owner]
    return uses


def test_no_kind_is_named_outside_its_own_package_and_the_registry():
    assert _kind_name_uses() == []


def _rules_files() -> list[Path]:
    return sorted(LIVE.glob("domain/**/*.py")) + sorted(LIVE.glob("activities/**/*.py"))


def test_the_domain_and_the_kinds_rules_import_no_framework_and_no_file_module():
    offenders = []
    for path in _rules_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                if name.split(".")[0] in FRAMEWORKS + FILE_MODULES or name.startswith(
                    ("live.store", "live.services", "live.realtime", "live.web", "live.archive", "live.wordlists")
                ):
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} imports {name}")
    assert offenders == []


def test_the_domain_and_the_kinds_rules_touch_no_file_and_keep_no_global_cache():
    offenders = []
    for path in _rules_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                function = node.func
                name = function.id if isinstance(function, ast.Name) else getattr(function, "attr", None)
                if name in FILE_CALLS:
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} calls {name}()")
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                for decorator in node.decorator_list:
                    target = decorator.func if isinstance(decorator, ast.Call) else decorator
                    name = target.id if isinstance(target, ast.Name) else getattr(target, "attr", None)
                    if name in CACHES:
                        offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} caches with @{name}")
    assert offenders == []


def test_only_the_realtime_layer_emits():
    offenders = []
    for path in sorted(LIVE.rglob("*.py")):
        if "realtime" in path.relative_to(LIVE).parts:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if re.search(r"\.emit\(|\bsend_to\(|\.announce\(", line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []


def test_the_architecture_test_sees_a_kind_named_where_it_must_not_be(tmp_path, monkeypatch):
    """The scan itself works: a comparison with a kind's name in shared code is found."""
    shared = tmp_path / "shared.py"
    shared.write_text('def shown(activity):\n    return activity.type == "poll"\n', encoding="utf-8")
    assert _python_literals(shared) == [(2, "poll")]
    page = tmp_path / "page.js"
    page.write_text('if (activity.type === "wordcloud") render();\n', encoding="utf-8")
    assert _text_literals(page) == [(1, "wordcloud")]
