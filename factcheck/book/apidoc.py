"""An API reference in Markdown, generated from the package's own docstrings.

The book's API page (``chapters/api.md``) calls :func:`reference_markdown` at build time, so
the reference can never drift from the code: each object's signature as a heading and its
docstring as preformatted text (docstrings are written for ``help()``, not as Markdown).
"""

from __future__ import annotations

import importlib
import inspect
import re
import textwrap
from collections.abc import Sequence
from pathlib import Path, PurePath

WIDTH = 88  # signatures are wrapped to this width (the PDF's code blocks)
ROOT = Path(__file__).resolve().parents[2]  # the project root: factcheck/book/apidoc.py -> ./


class _Raw(str):
    """An annotation written as text, shown without quotes."""

    def __repr__(self) -> str:
        return str(self)


# Docstrings use reStructuredText markup for help() and editors; the page shows them as
# plain text, so a cross-reference keeps only its target and a literal its text.
ROLE = re.compile(r":(?:func|class|meth|mod|data|attr|obj):`~?([^`]+)`")
LITERAL = re.compile(r"``([^`]+)``")


def plain(doc: str) -> str:
    """``doc`` without reStructuredText roles and double backquotes."""
    return LITERAL.sub(r"\1", ROLE.sub(r"\1", doc))


def signature_text(name: str, obj) -> str:
    """``name(arg=default, ...)``, wrapped at :data:`WIDTH` characters (annotations as
    written in the source)."""
    try:
        sig = inspect.signature(obj)
    except (TypeError, ValueError):
        return name
    raw = [
        p.replace(annotation=_Raw(p.annotation)) if isinstance(p.annotation, str) else p
        for p in sig.parameters.values()
    ]
    raw = [
        p.replace(default=_Raw(project_path(p.default))) if isinstance(p.default, PurePath) else p
        for p in raw
    ]
    ret = sig.return_annotation
    sig = sig.replace(parameters=raw, return_annotation=_Raw(ret) if isinstance(ret, str) else ret)
    text = f"{name}{sig}".replace("'", '"')
    return "\n".join(textwrap.wrap(text, WIDTH, subsequent_indent="    ", break_long_words=False))


def project_path(path: PurePath, root: Path = ROOT) -> str:
    """A default path as the reader's copy of the project would have it: relative to the project
    root (``data/policy_changes.csv``), not the build machine's absolute path."""
    try:
        return Path(path).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return PurePath(path).as_posix()


def object_markdown(module: str, name: str, level: int = 3) -> str:
    """One object of ``module``: a heading with its name, its signature and its docstring."""
    obj = getattr(importlib.import_module(module), name)
    kind = "class" if inspect.isclass(obj) else "function"
    doc = plain(inspect.getdoc(obj) or "(no docstring)")
    parts = [f"{'#' * level} {name} ({kind})", "", "```text", signature_text(name, obj), "```"]
    parts += ["", "```text", doc, "```", ""]
    if inspect.isclass(obj):
        for attr, member in inspect.getmembers(obj):
            own = attr in vars(obj) and not attr.startswith("_")
            if own and (inspect.isfunction(member) or isinstance(member, classmethod)):
                doc = plain(inspect.getdoc(member) or "")
                text = signature_text(f"{name}.{attr}", member)
                parts += ["```text", text + ("\n\n" + doc if doc else ""), "```", ""]
    return "\n".join(parts)


def reference_markdown(entries: Sequence[tuple[str, Sequence[str]]]) -> str:
    """The reference for ``entries``: (module, names) pairs, each module a section headed by
    its name and the first paragraph of its docstring."""
    parts = []
    for module, names in entries:
        doc = plain(inspect.getdoc(importlib.import_module(module)) or "")
        summary = " ".join(doc.split("\n\n")[0].split())
        parts += [f"## {module}", "", "```text", textwrap.fill(summary, WIDTH), "```", ""]
        parts += [object_markdown(module, name) for name in names]
    return "\n".join(parts)
