"""Apps import only apps at their level or below (ARCHITECTURE.md §3): a lower app tells a
higher one what happened by announcing an event (shoumen/lib/events.py), never by a call.

Every module under shoumen/ is parsed, imports inside functions included (migrations are
left out: they name what they depend on by app label)."""

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

import shoumen

ROOT = Path(shoumen.__file__).parent

# From the ground up. A key is a module path under shoumen/; the longest key that starts a
# module's path gives its level.
LEVELS: dict[str, int] = {
    # Framework-light helpers and the project's own plumbing, which import no app.
    "lib": 0,
    "env": 0,
    "settings": 0,
    "cli": 0,
    "wsgi": 0,
    "asgi": 0,
    "middleware": 0,
    "schedule": 0,  # names its tasks by dotted path, imports none
    "api.responses": 0,
    "api.types": 0,
    "audit": 1,
    "accounts": 2,
    "places": 2,
    "api.auth": 2,
    "registry": 3,
    "ledgers": 3,
    "api.errors": 3,  # maps the registry's errors to answers
    "observation": 4,
    "alerts": 4,
    "screening": 5,
    "checkpoints": 5,
    "schools": 6,
    "duty": 6,
    "supplies": 6,
    "services": 6,
    "healthcentre": 6,
    # Those that may know every app: the reports, the demo district, the home page,
    # operations (backup and restore), the API and URL roots.
    "reports": 7,
    "demo": 7,
    "home": 7,
    "ops": 7,
    "api": 7,
    "urls": 7,
}


def level_of(module: str) -> int | None:
    """The level of ``module`` (a dotted path under shoumen), or None when unknown."""
    parts = module.split(".")
    for end in range(len(parts), 0, -1):
        level = LEVELS.get(".".join(parts[:end]))
        if level is not None:
            return level
    return None


@dataclass(frozen=True)
class Import:
    source: str  # dotted path under shoumen of the importing module
    target: str  # dotted path under shoumen of what it imports
    where: str  # file:line


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _shoumen_imports(path: Path) -> list[Import]:
    source = _module_name(path)
    where = path.relative_to(ROOT.parent)
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:  # relative: resolved from the importing package
                package = source.split(".")[: -node.level]
                module = ".".join(["shoumen", *package, *([module] if module else [])])
            # ``from shoumen.api import errors`` imports the module api.errors.
            targets = [f"{module}.{alias.name}" for alias in node.names]
        else:
            continue
        for target in targets:
            if target.startswith("shoumen."):
                found.append(
                    Import(source, target.removeprefix("shoumen."), f"{where}:{node.lineno}")
                )
    return found


def all_imports() -> list[Import]:
    return [
        found
        for path in sorted(ROOT.rglob("*.py"))
        if "migrations" not in path.relative_to(ROOT).parts
        for found in _shoumen_imports(path)
    ]


def upward(imports: list[Import]) -> list[str]:
    wrong = []
    for found in imports:
        source, target = level_of(found.source), level_of(found.target)
        if source is not None and target is not None and target > source:
            wrong.append(
                f"{found.where}: {found.source} (level {source}) imports {found.target} "
                f"(level {target})"
            )
    return wrong


def test_no_app_imports_a_higher_app():
    wrong = upward(all_imports())
    assert not wrong, "Announce an event instead (shoumen/lib/events.py):\n" + "\n".join(wrong)


def test_every_module_under_shoumen_has_a_level():
    unknown = [
        str(path.relative_to(ROOT.parent))
        for path in sorted(ROOT.rglob("*.py"))
        if _module_name(path) and level_of(_module_name(path)) is None
    ]
    assert not unknown, "Give their apps a level in tests/test_app_layers.py:\n" + "\n".join(
        unknown
    )


@pytest.mark.parametrize(
    ("code", "line"),
    [
        ("from shoumen.checkpoints.services import passes_sync_for_person\n", 1),
        ("def f():\n    from shoumen.alerts.models import Alert\n", 2),
        ("import shoumen.demo.load\n", 1),
        ("from shoumen import reports\n", 1),
    ],
)
def test_an_upward_import_is_named_with_its_file_and_line(tmp_path, monkeypatch, code, line):
    fake = tmp_path / "shoumen" / "registry" / "services.py"
    fake.parent.mkdir(parents=True)
    fake.write_text(code, encoding="utf-8")
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path / "shoumen")
    wrong = upward(_shoumen_imports(fake))
    assert len(wrong) == 1
    assert wrong[0].startswith(f"shoumen/registry/services.py:{line}: registry.services (level 3)")


def test_an_import_at_the_same_level_or_below_is_allowed(tmp_path, monkeypatch):
    fake = tmp_path / "shoumen" / "observation" / "selectors.py"
    fake.parent.mkdir(parents=True)
    fake.write_text(
        "from shoumen.alerts.models import Alert\n"
        "def f():\n    from shoumen.registry.models import Person\n"
        "from shoumen.api.errors import NON_FIELD\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path / "shoumen")
    assert upward(_shoumen_imports(fake)) == []
