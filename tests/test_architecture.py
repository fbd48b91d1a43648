"""The package's shape holds: no import cycle, a core without terminal libraries, and a scoring
core that never imports PyYAML or the bank's parsing."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from support.answer_builders import answers

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "spinetriage"
#: what reads the bank's YAML: scoring a loaded bank must never need it
BANK_PARSING = (
    "yaml",
    "spinetriage.bank.loader",
    "spinetriage.bank.node_reader",
    "spinetriage.bank.yaml_reading",
    "spinetriage.conditions.parser",
)
TERMINAL = ("typer", "click", "rich", "questionary", "prompt_toolkit")
#: the `dask` extra: only the frame API imports it, and only when called
FRAMES = ("pandas", "dask", "distributed", "pyspark")
FRAME_API = "spinetriage.batch.frame"


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _is_type_checking(node: ast.stmt) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def _statements(body: list[ast.stmt], module_level: bool) -> Iterator[ast.stmt]:
    """Statements run on import (module_level) or anywhere; never `if TYPE_CHECKING:` blocks."""
    for node in body:
        if _is_type_checking(node):
            continue
        yield node
        if module_level and isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        inner = [getattr(node, field, []) for field in ("body", "orelse", "finalbody")]
        inner += [handler.body for handler in getattr(node, "handlers", [])]
        for block in inner:
            yield from _statements(block, module_level)


def imports(module: str, module_level: bool = True) -> set[str]:
    """The modules `module` imports (resolved, absolute), with their packages' `__init__`."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in _statements(ast.parse(path.read_text(encoding="utf-8")).body, module_level):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            target = node.module or ""
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join([*base, target] if target else base)
            found.add(target)
            found.update(f"{target}.{a.name}" for a in node.names)
    # importing a.b.c runs a/__init__ and a/b/__init__ first, unless `module` is inside them
    with_packages = set(found)
    for target in found:
        parts = target.split(".")
        for end in range(1, len(parts)):
            parent = ".".join(parts[:end])
            if parent in MODULES and not (module + ".").startswith(parent + "."):
                with_packages.add(parent)
    return with_packages


def _graph() -> dict[str, set[str]]:
    return {module: imports(module) & MODULES.keys() for module in MODULES}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    done: set[str] = set()
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        if node in path:
            return [*path[path.index(node) :], node]
        if node in done:
            return None
        path.append(node)
        for target in sorted(graph[node]):
            cycle = visit(target)
            if cycle is not None:
                return cycle
        path.pop()
        done.add(node)
        return None

    for start in sorted(graph):
        cycle = visit(start)
        if cycle is not None:
            return cycle
    return None


def test_the_graph_sees_the_imports_it_must() -> None:
    # a check that the test itself reads imports: relative, from a package, inside packages
    assert "spinetriage.conditions.tree" in imports("spinetriage.conditions.compiler")
    assert "spinetriage.conditions" in imports("spinetriage.bank.model")
    assert "spinetriage.bank.loader" not in imports("spinetriage.bank")  # lazy: TYPE_CHECKING
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]


def test_the_package_has_no_import_cycle() -> None:
    assert find_cycle(_graph()) is None


#: the layers, lowest first: a module imports (at module level) only from lower layers or from
#: its own package, so the tree reads bottom-up as the README's layout describes it
LAYERS = (
    ("spinetriage._version",),
    ("spinetriage", "spinetriage.errors", "spinetriage.bounded_read"),
    ("spinetriage.conditions", "spinetriage.clock"),
    ("spinetriage.bank",),
    ("spinetriage.answers",),
    ("spinetriage.scoring",),
    (
        "spinetriage.interview",
        "spinetriage.output_files",
        "spinetriage.signals",
        "spinetriage.fhir",
        "spinetriage.forms",
    ),
    ("spinetriage.batch", "spinetriage.workflows"),
    ("spinetriage.ui",),
    ("spinetriage.cli",),
    ("spinetriage.__main__",),
)


def _place(module: str) -> tuple[int, str]:
    """The layer of a module and the part (package or top-level module) it belongs to."""
    for rank, parts in reversed(list(enumerate(LAYERS))):
        for part in parts:
            if module == part or (module.startswith(part + ".") and part != "spinetriage"):
                return rank, part
    raise AssertionError(f"{module} is in no layer of LAYERS")


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_point_down_the_layers(module: str) -> None:
    rank, part = _place(module)
    upward = [
        target
        for target in imports(module) & MODULES.keys()
        if _place(target)[0] >= rank and _place(target)[1] != part
    ]
    assert upward == []


@pytest.mark.parametrize(
    "module", sorted(m for m in MODULES if not m.startswith(("spinetriage.ui", "spinetriage.cli")))
)
def test_the_core_never_imports_a_terminal_library(module: str) -> None:
    found = {name.split(".")[0] for name in imports(module, module_level=False)}
    assert found.isdisjoint(TERMINAL)


@pytest.mark.parametrize("module", sorted(m for m in MODULES if m != FRAME_API))
def test_only_the_frame_api_imports_pandas_or_dask(module: str) -> None:
    found = {name.split(".")[0] for name in imports(module, module_level=False)}
    assert found.isdisjoint(FRAMES)


def test_the_frame_api_imports_pandas_only_when_called() -> None:
    assert {name.split(".")[0] for name in imports(FRAME_API)}.isdisjoint(FRAMES)
    assert {"pandas", "dask.dataframe"} <= imports(FRAME_API, module_level=False)
    script = (
        "import sys, spinetriage, spinetriage.batch, spinetriage.batch.frame\n"
        "spinetriage.triage_frame, spinetriage.batch.with_file_lines\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {set(FRAMES)}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "[]\n", "")


SCORE_WITHOUT_PARSING = """
import json, sys
import spinetriage.scoring
parsing = {names}
loaded = sorted(m for m in sys.modules if m in parsing or m.startswith("yaml."))
assert not loaded, f"importing the scoring core imported {{loaded}}"
bank = spinetriage.load_questionnaire()
# from here on, importing the YAML reading fails: scoring a loaded bank must not need it
for name in [m for m in sys.modules if m in parsing or m.startswith("yaml.")]:
    del sys.modules[name]
class Refuse:
    def find_spec(self, name, path=None, target=None):
        if name in parsing or name.startswith("yaml."):
            raise ImportError(f"scoring imported {{name}}")
sys.meta_path.insert(0, Refuse())
result = spinetriage.triage(json.loads(sys.argv[1]), bank)
print(result.tier)
"""


def test_scoring_a_loaded_bank_never_imports_the_yaml_reading() -> None:
    script = SCORE_WITHOUT_PARSING.format(names=repr(set(BANK_PARSING)))
    done = subprocess.run(
        [sys.executable, "-c", script, json.dumps(answers())],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "conservative\n", "")


def test_modules_stay_small_and_the_top_level_shows_the_packages() -> None:
    """At most 10 modules beside the subpackages, none over 450 lines (issue 15)."""
    top_level = [path.name for path in PACKAGE.glob("*.py")]
    assert len(top_level) <= 10, sorted(top_level)
    long = {
        str(path.relative_to(PACKAGE)): lines
        for path in PACKAGE.rglob("*.py")
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > 450
    }
    assert long == {}
