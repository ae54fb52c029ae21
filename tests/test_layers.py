"""The package's layers: imports flow one way, and none hides inside a function.

Layers, lowest first: ``factcheck.base`` < ``data`` < ``stats`` < ``ledger`` < ``book``. A module
may import ``factcheck`` modules of its own layer or a lower one, never a higher one, and only at
module level: an import inside a function is how an import cycle hides (it runs only when the
function is called), so none is allowed. Top-level modules other than ``__init__`` (the public
API) sit above ``stats`` and below ``ledger``; ``__init__`` itself imports nothing of the package.
The rules are checked on every module's syntax tree, so nothing needs to be imported, and on
synthetic sources, so the check is seen to fail.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "factcheck"
LAYERS = ("base", "data", "stats", "ledger", "book")
API = 2.5  # top-level modules (the public API): above stats, below ledger
TOP_LEVEL = ("__init__", "__main__", "check", "cli")


def layer_of(module: str) -> float:
    """The rank of a ``factcheck`` module path: its subpackage's place in :data:`LAYERS`."""
    parts = module.split(".")
    if parts[0] != "factcheck":
        raise ValueError(f"{module} is not in factcheck")
    if len(parts) == 1:
        return -1  # the package itself: nothing may import names from it but the layers below
    if parts[1] in LAYERS:
        return LAYERS.index(parts[1])
    return API


def imports(source: str, module: str) -> list[tuple[str, int, bool]]:
    """Every ``factcheck`` import of ``source`` (the text of ``module``): (imported module, line,
    inside a function). ``from factcheck.data import loaders`` imports ``factcheck.data.loaders``;
    relative imports are resolved against ``module``."""
    package = module.split(".") if module.endswith("__init__") else module.split(".")[:-1]
    package = [p for p in package if p != "__init__"]
    found: list[tuple[str, int, bool]] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inner = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            if isinstance(child, ast.Import):
                found.extend((a.name, child.lineno, inner) for a in child.names)
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    up = package[: len(package) - child.level + 1]
                    base = ".".join([*up, *([base] if base else [])])
                for alias in child.names:
                    found.append(
                        (f"{base}.{alias.name}" if base else alias.name, child.lineno, inner)
                    )
            visit(child, inner)

    visit(ast.parse(source), False)
    return [(m, line, f) for m, line, f in found if m.split(".")[0] == "factcheck"]


def problems(source: str, module: str) -> list[str]:
    """Every import of ``module`` that goes to a higher layer or sits inside a function."""
    own = layer_of(module)
    out = []
    for target, line, in_function in imports(source, module):
        if in_function:
            out.append(f"{module}:{line}: function-level import of {target}")
        if module.endswith("__init__") and module.count(".") == 1:
            out.append(f"{module}:{line}: the package's __init__ imports {target}")
            continue
        try:
            rank = layer_of(target)
        except ValueError:
            continue
        if rank > own:
            out.append(f"{module}:{line}: {target} is in a higher layer than {module}")
    return out


def modules() -> list[tuple[str, Path]]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        found.append((".".join(parts), path))
    return found


def test_every_subpackage_is_a_known_layer():
    subpackages = {p.parent.name for p in PACKAGE.glob("*/__init__.py")}
    assert subpackages == set(LAYERS)


def test_the_top_level_holds_only_the_public_api():
    """Only the check API and its command sit outside the layers (presentation such as the
    API reference generator belongs to ``book``)."""
    assert {p.stem for p in PACKAGE.glob("*.py")} == set(TOP_LEVEL)


@pytest.mark.parametrize("module,path", modules(), ids=[m for m, _ in modules()])
def test_imports_flow_down_and_stay_at_module_level(module, path):
    assert problems(path.read_text(encoding="utf-8"), module) == []


def test_every_module_says_what_it_owns():
    missing = [m for m, p in modules() if not ast.get_docstring(ast.parse(p.read_text()))]
    assert missing == []


@pytest.mark.parametrize(
    "module,source,expected",
    [
        ("factcheck.data.loaders", "from factcheck.stats import rates\n", "higher layer"),
        ("factcheck.data.loaders", "from ..book.report import glue_text\n", "higher layer"),
        ("factcheck.stats.design", "import factcheck.ledger.claims\n", "higher layer"),
        ("factcheck.ledger.claims", "from factcheck.book import render\n", "higher layer"),
        ("factcheck.stats.rates", "def f():\n    from factcheck.data import counts\n", "function"),
        ("factcheck.book.render", "def f():\n    from . import report\n", "function"),
        ("factcheck.check", "from factcheck.book import report\n", "higher layer"),
        ("factcheck.__init__", "from factcheck.data import loaders\n", "__init__ imports"),
    ],
)
def test_the_check_catches_a_wrong_import(module, source, expected):
    found = problems(source, module)
    assert len(found) == 1 and expected in found[0]


@pytest.mark.parametrize(
    "module,source",
    [
        ("factcheck.book.render", "from factcheck.ledger import claims\nimport pandas\n"),
        ("factcheck.stats.design", "from factcheck.data.loaders import VIOLENT\n"),
        ("factcheck.stats.variation", "from .design import holm\n"),
        ("factcheck.data.counts", "from factcheck.base.fmt import fmt_int\n"),
        ("factcheck.check", "from factcheck.stats import design\nfrom factcheck.data import x\n"),
        ("factcheck.data.registry", "def f():\n    import pooch\n"),
    ],
)
def test_the_check_accepts_a_right_import(module, source):
    assert problems(source, module) == []


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Import cycles of ``graph`` (module -> modules it imports), each as a path."""
    found, state = [], {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = "open"
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                found.append([*path[path.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    return found


def import_graph(sources: dict[str, str]) -> dict[str, set[str]]:
    """module -> the package modules it imports (a name imported from a module counts as the
    module)."""
    graph = {}
    for module, source in sources.items():
        targets = set()
        for target, _line, _f in imports(source, module):
            while target not in sources and "." in target:
                target = target.rsplit(".", 1)[0]
            if target in sources and target != module:
                targets.add(target)
        graph[module] = targets
    return graph


def test_no_import_cycles():
    sources = {m.removesuffix(".__init__"): p.read_text() for m, p in modules()}
    assert cycles(import_graph(sources)) == []


def test_the_cycle_check_finds_a_cycle():
    sources = {
        "factcheck.ledger.claims": "from factcheck.ledger import rules\n",
        "factcheck.ledger.rules": "from factcheck.ledger.claims import ledger\n",
        "factcheck.data.loaders": "",
    }
    assert cycles(import_graph(sources)) == [
        ["factcheck.ledger.claims", "factcheck.ledger.rules", "factcheck.ledger.claims"]
    ]
