"""The rating rules of the claims ledger, as code.

Every status of ``data/claims.yml`` has a written rule (the methods chapter, "How claims are
rated", shows the table below). :func:`rule_problems` checks one claim against its status's
rule and names the claim and the broken rule; ``factcheck.ledger.claims.validate`` collects these
messages, so a ledger whose statuses break their rules cannot be loaded and the book does not
build. :func:`claim_sources` resolves a claim's ``sources`` into labels and public URLs from
``data/registry.yml``, ``data/published_figures.csv`` and ``references.bib``.

The same rules apply whichever side a finding favours: one relative tolerance for every
numeric claim, the sign of a change for every direction claim.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from itertools import combinations
from pathlib import Path
from typing import Any

from pybtex.database import parse_file

from factcheck.data.loaders import published_figures
from factcheck.data.registry import PROJECT_ROOT, registry

BIB_PATH = PROJECT_ROOT / "references.bib"

# Status key -> label, in display order (SPEC section 1). A verdict sentence opens with its label.
STATUSES: dict[str, str] = {
    "accurate": "Accurate",
    "needs_context": "Accurate, but needs context",
    "unsupported": "Does not follow",
    "contradicted": "Contradicted",
    "traced": "Traced to an official source",
    "unverifiable": "No public record settles it",
    "not_obtained": "Public data not obtained",
    "opinion": "Opinion or prediction (not scored)",
    "pending": "Not yet checked",
}
UNSCORED = ("opinion", "pending")

# Each status's decision rule, in words (the methods chapter renders this table).
RULES: dict[str, str] = {
    "accurate": "Public data or a documented record confirm the fact. A numeric claim: the "
    "rebuilt (or compared) value is within the tolerance of the claimed one. A direction claim: "
    "the change has the claimed sign. Nothing the article leaves out changes what it means. "
    "A causal claim also needs a study or a documented record of the effect among its sources.",
    "needs_context": "Passes the test for accurate, but the article leaves out something that "
    "changes what the figure means; the ledger names it (omitted_context).",
    "unsupported": "The figure or premise may be right, but the conclusion drawn from it does "
    "not follow from the evidence; the ledger says why (gap). For causal, comparison, trend and "
    "generalising claims, not for a bare number or event.",
    "contradicted": "A numeric claim: the value is outside the tolerance of the claimed one "
    "(beyond a lower or upper bound for 'more than' or 'nearly'). A direction claim: the change "
    "has the other sign. Otherwise: a documented fact conflicts with it (conflict), with its "
    "source.",
    "traced": "The verdict rests on a government body's own publication that gives the figure "
    "or statement (a federal agency such as ICE, DHS, the DHS inspector general or GAO; the Code "
    "of Federal Regulations; a county sheriff's office or county government), because this "
    "report does not rebuild it from public data files: a published figure among the sources "
    "whose publisher is that body (publisher type official), checked against a stored copy of "
    "the publication. A numeric claim: the compared value is the published value (or the total "
    "of published values) and is within the tolerance of the claimed one. Where the report's "
    "public data files rebuild the figure, the claim is rated on that rebuild, with the official "
    "publication shown beside it; a press report of an official's figure is a documented "
    "record, not traced. Context the article leaves out is stated in the verdict.",
    "unverifiable": "No public record confirms or refutes it; the ledger names the record that "
    "would settle it, or, for a counterfactual about particular cases that no record could "
    "test, says why none could (missing_record).",
    "not_obtained": "Public data that could settle it exist but were not obtained for this "
    "report; the ledger names them, their publisher and why (missing_data).",
    "opinion": "An opinion or a prediction (kind opinion or prediction): labelled, not scored.",
    "pending": "Not checked yet: no rebuilt value.",
}

# A verdict's weight (optional): "minor" marks a verdict on a side detail (a misnamed word, a
# wrong place name) that does not bear on the article's argument, so that counts and the landing
# page can show it apart from verdicts on the article's substance. Only a scored claim has one.
WEIGHTS: dict[str, str] = {
    "minor": "The verdict is about a side detail (a word, a name, a place) that does not bear on "
    "the article's argument; it is rated by the same rules as any other claim and shown apart.",
}

# How the value a verdict box shows was obtained (optional field ``value_basis``; the box's
# label). Without the field: "rebuilt" when a registry data file is among the sources, else
# "published". A value the report worked out from published figures (a difference, a rate)
# must say "derived"; :func:`value_basis_problems` checks it against the sources' figures.
VALUE_BASES: dict[str, str] = {
    "rebuilt": "Rebuilt value",
    "published": "Published value",
    "derived": "Derived from published figures",
}
NUMBER_IN = re.compile(r"\d[\d,]*(?:\.\d+)?")
YEAR = re.compile(r"(?:19|20)\d\d")


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value == ""


def value_basis(claim: Mapping[str, Any]) -> str:
    """How the claim's shown value was obtained: "published" for a traced claim (the value
    compared is the official publication's, even where a data file gives part of it), the
    declared ``value_basis`` otherwise, else "rebuilt" when a registry data file is among its
    sources and "published" when none is."""
    if claim.get("status") == "traced":
        return "published"
    declared = claim.get("value_basis")
    if not _blank(declared):
        return str(declared)
    kinds = {_split(s)[0] for s in _sources(claim)}
    return "rebuilt" if "registry" in kinds else "published"


def value_numbers(value: Any) -> list[float]:
    """The figures in a shown value: the number itself, or the numbers in its text, leaving
    out years (in "47% (2018)" the year is a date, not a figure)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return [float(value)]
    found = [n for n in NUMBER_IN.findall(str(value)) if not YEAR.fullmatch(n)]
    return [float(n.replace(",", "")) for n in found]


def value_basis_problems(claim: Mapping[str, Any], index: SourceIndex) -> list[str]:
    """Whether ``value_basis`` says how the shown value was obtained: an allowed value, on a
    claim with a value; "rebuilt" only with a registry source; and a value without a registry
    source whose figures are not all its published sources' figures says "derived" (and one
    that says "derived" has such a figure)."""
    cid = claim.get("id", "?")
    declared = claim.get("value_basis")
    value = claim.get("rebuilt_value")
    sources = _sources(claim)
    kinds = {_split(s)[0] for s in sources}
    out: list[str] = []
    if not _blank(declared):
        if declared not in VALUE_BASES:
            return [f"{cid}: value_basis is one of {', '.join(VALUE_BASES)}, got {declared!r}"]
        if _blank(value):
            out.append(f"{cid}: value_basis {declared} describes a value, and it has none")
        if declared == "rebuilt" and "registry" not in kinds:
            out.append(f"{cid}: value_basis rebuilt needs a registry: source")
    if _blank(value) or claim.get("status") == "traced" or "registry" in kinds:
        return out
    given = [
        float(index.published[k]["value"])
        for kind, k in map(_split, sources)
        if kind == "published" and k in index.published
    ]
    if not given:
        return out
    derived = any(all(abs(n - g) > 1e-9 for g in given) for n in value_numbers(value))
    if derived and declared != "derived":
        out.append(
            f"{cid}: its value {value!r} is not one of its published sources' figures: "
            "say value_basis: derived (worked out from them), or cite the figure it shows"
        )
    if declared == "derived" and not derived:
        out.append(f"{cid}: value_basis derived, but every figure in its value is a source's")
    return out


# One relative tolerance for every numeric claim: |compare - claimed| <= TOLERANCE * |compare|.
TOLERANCE = 0.10
# The alternatives the methods chapter reports, one tighter and one looser (SPEC section 1).
SENSITIVITY_TOLERANCES = (0.05, 0.20)

# The field each status requires, and only that status may carry.
STATUS_FIELD = {
    "needs_context": "omitted_context",
    "unsupported": "gap",
    "contradicted": "conflict",
    "unverifiable": "missing_record",
    "not_obtained": "missing_data",
}
TEXT_FIELDS = ("verdict", *STATUS_FIELD.values())
MATCHING = ("accurate", "needs_context", "traced")  # statuses that say the figure is right
COMPARING = (*MATCHING, "contradicted")
DIRECTIONS = {"increase": 1, "decrease": -1}
# Ledger and published-figure text is plain text: it is escaped wherever it enters a page, and
# validation rejects angle brackets outright, so no tag can enter the book through the data.
MARKUP = re.compile(r"[<>]")


def markup_problems(where: str, record: Mapping[str, Any]) -> list[str]:
    """One message per text field of ``record`` (strings, also inside lists) holding ``<`` or
    ``>``: HTML has no place in the ledger or the published figures."""
    problems = []
    for name, value in record.items():
        texts = value if isinstance(value, list) else [value]
        if any(isinstance(t, str) and MARKUP.search(t) for t in texts):
            problems.append(
                f"{where}: {name} contains '<' or '>'; ledger and published-figure text is "
                "plain text (no HTML): write 'less than' or 'more than', or remove the tag"
            )
    return problems


SOURCE_KINDS = ("registry", "published", "bib", "article")
# Words before the claimed number that turn it into a bound (SPEC: they never widen the tolerance).
QUALIFIERS = {
    "more than": "above",
    "over": "above",
    "at least": "least",
    "nearly": "below",
    "almost": "below",
    "just under": "below",
}
PLAIN_NUMBER = re.compile(r"\s*[+-]?\d[\d,]*(?:\.\d+)?%?\s*")
ANY_NUMBER = re.compile(r"(?<![\w.])[+-]?\d[\d,]*(?:\.\d+)?")
# Round units the article may give in words after a bound word ("more than a dozen").
NUMBER_WORDS = {"a decade": 10.0, "a dozen": 12.0, "a century": 100.0}
_NUMBER = "|".join([*map(re.escape, NUMBER_WORDS), ANY_NUMBER.pattern])
# "after X of ..." (a duration that had passed) states that at least X had passed.
AFTER = re.compile(rf"\bafter\s+({_NUMBER})\s+(?:[a-z]+\s+)?of\b")


# ---------------------------------------------------------------------------- sources
@dataclass(frozen=True)
class SourceIndex:
    """What a source string can point at: registry entries, published figures, bib entries,
    articles (each a mapping from key to a dict of its fields)."""

    registry: Mapping[str, Mapping[str, Any]]
    published: Mapping[str, Mapping[str, Any]]
    bib: Mapping[str, Mapping[str, Any]]
    articles: Mapping[str, Mapping[str, Any]]


def _latex_plain(text: str) -> str:
    """Bib field text without braces and the few LaTeX forms references.bib uses."""
    text = text.replace("``", "“").replace("''", "”").replace("---", "—").replace("--", "–")
    text = re.sub(r"\\url\{([^}]*)\}", r"\1", text)
    text = re.sub(r"\\([_&%$#])", r"\1", text)
    return " ".join(text.replace("{", "").replace("}", "").split())


def read_bib(path: Path = BIB_PATH) -> dict[str, dict[str, str]]:
    """Entries of a BibTeX file: key -> {title, author, year, url} as plain text."""

    entries: dict[str, dict[str, str]] = {}
    for key, entry in parse_file(str(path), bib_format="bibtex").entries.items():
        fields = {k.lower(): _latex_plain(v) for k, v in entry.fields.items()}
        people = entry.persons.get("author") or entry.persons.get("editor") or []
        authors = [" ".join(p.last_names) for p in people]
        if not authors and fields.get("author"):  # corporate author in braces
            authors = [fields["author"]]
        url = fields.get("url")
        if not url and "http" in fields.get("howpublished", ""):
            url = re.search(r"https?://\S+", fields["howpublished"]).group(0)
        if not url and fields.get("doi"):
            url = f"https://doi.org/{fields['doi']}"
        author = authors[0] + (" et al." if len(authors) > 2 else "") if authors else ""
        if len(authors) == 2:
            author = f"{authors[0]} and {authors[1]}"
        entries[key] = {
            "title": fields.get("title", key),
            "author": _latex_plain(author),
            "year": fields.get("year", ""),
            "url": url or "",
        }
    return entries


@cache
def project_sources() -> SourceIndex:
    """The project's registry, published figures and bibliography (read once per process);
    ``articles`` is empty: :func:`factcheck.ledger.claims.validate` adds the ledger's own."""

    reg = {
        k: {"url": e.url, "citation": e.citation, "origin": e.origin} for k, e in registry().items()
    }
    pub = {str(k): dict(row) for k, row in published_figures().iterrows()}
    return SourceIndex(registry=reg, published=pub, bib=read_bib(), articles={})


def _split(source: Any) -> tuple[str, str]:
    text = str(source)
    kind, _, key = text.partition(":")
    return kind.strip(), key.strip()


def source_problem(source: Any, index: SourceIndex) -> str | None:
    """Why a source string does not resolve (None when it does)."""
    kind, key = _split(source)
    if kind not in SOURCE_KINDS or not key:
        return f"{source!r} is not one of {', '.join(k + ':<key>' for k in SOURCE_KINDS)}"
    table = {
        "registry": (index.registry, "data/registry.yml"),
        "published": (index.published, "data/published_figures.csv"),
        "bib": (index.bib, "references.bib"),
        "article": (index.articles, "the ledger's articles"),
    }[kind]
    if key not in table[0]:
        return f"{source!r}: no {key!r} in {table[1]}"
    return None


def resolve_source(source: Any, index: SourceIndex) -> dict[str, Any]:
    """One source string as {kind, label, url, key}; raises KeyError when it does not resolve."""
    problem = source_problem(source, index)
    if problem:
        raise KeyError(problem)
    kind, key = _split(source)
    if kind == "registry":
        item = index.registry[key]
        label, url = item["citation"], item["url"]
    elif kind == "published":
        row = index.published[key]
        label = f"{row['description']}. {row['source']}, {row['table_page']}"
        url = row["url"]
    elif kind == "bib":
        item = index.bib[key]
        who = f"{item['author']} ({item['year']}), " if item["author"] else ""
        label, url = f"{who}{item['title']}", item["url"]
    else:
        art = index.articles[key]
        label = f"The checked article: {art.get('outlet', '')}, “{art.get('title', '')}”"
        url = art.get("url")
    return {"kind": kind, "label": label, "url": url or None, "key": str(source)}


def claim_sources(claim: Mapping[str, Any], index: SourceIndex) -> list[dict]:
    """A claim's sources, each {kind, label, url, key}, in ledger order (SPEC interface).

    ``index``: the sources to resolve against (the project's own:
    :func:`factcheck.ledger.claims.source_index`).
    """
    return [resolve_source(s, index) for s in _sources(claim)]


def _sources(claim: Mapping[str, Any]) -> list[Any]:
    value = claim.get("sources")
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


# ---------------------------------------------------------------------------- numbers
def as_number(value: Any) -> float | None:
    """A plain number (36, 22.7, "+10.9%", "1,600") as a float; None for anything else."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return None if math.isnan(value) else float(value)
    if isinstance(value, str) and PLAIN_NUMBER.fullmatch(value):
        return float(value.strip().rstrip("%").replace(",", ""))
    return None


def claimed_number(claim: Mapping[str, Any]) -> float | None:
    """The claimed value when it is a number written as a number in the ledger."""
    value = claim.get("claimed_value")
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return None if math.isnan(value) else float(value)


def compare_number(claim: Mapping[str, Any]) -> float | None:
    """The number the rules compare with the claim: compare_value, else a plain rebuilt value."""
    value = as_number(claim.get("compare_value"))
    return value if value is not None else as_number(claim.get("rebuilt_value"))


def qualifier(claim: Mapping[str, Any]) -> str | None:
    """The bound a quote puts on the claimed number: 'above' ("more than X"), 'least'
    ("at least X", "after X of ..."), 'below' ("nearly X"), else None. X may be digits or a
    round unit in words ("a decade" = 10)."""
    claimed = claimed_number(claim)
    if claimed is None:
        return None
    quote = str(claim.get("quote") or "").lower()
    found = [(m.group(1), "least") for m in AFTER.finditer(quote)]
    for words, bound in QUALIFIERS.items():
        found += [(m.group(1), bound) for m in re.finditer(rf"\b{words}\s+({_NUMBER})", quote)]
    for number, bound in found:
        if NUMBER_WORDS.get(number, as_number(number)) == claimed:
            return bound
    return None


def within(
    claimed: float, compare: float, tolerance: float = TOLERANCE, bound: str | None = None
) -> bool:
    """Whether ``compare`` supports ``claimed`` under the tolerance rule.

    Plain: |compare - claimed| <= tolerance * |compare|. "more than X": compare > X.
    "at least X" (and "after X of ..."): compare >= X. "nearly X": compare <= X and within
    the tolerance.
    """
    close = abs(compare - claimed) <= tolerance * abs(compare) + 1e-12
    if bound == "above":
        return compare > claimed
    if bound == "least":
        return compare >= claimed
    if bound == "below":
        return compare <= claimed and close
    return close


def _numbers_in(text: Any) -> list[float]:
    return [float(m.group(0).replace(",", "")) for m in ANY_NUMBER.finditer(str(text))]


# ---------------------------------------------------------------------------- rules
def opening_label(verdict: str) -> str | None:
    """The status label the verdict opens with (the longest that fits), or None."""
    fits = [
        key
        for key, label in STATUSES.items()
        if verdict.startswith(label)
        and (len(verdict) == len(label) or verdict[len(label)] in " .,:;!")
    ]
    return max(fits, key=lambda k: len(STATUSES[k]), default=None)


def rule_problems(
    claim: Mapping[str, Any], index: SourceIndex, tolerance: float = TOLERANCE
) -> list[str]:
    """Every rule the claim's status breaks, each message naming the claim and the rule."""
    cid = claim.get("id", "?")
    status = claim.get("status")
    if status not in STATUSES:
        return []  # validate() reports an unknown status
    out: list[str] = []

    def broken(rule: str, detail: str) -> None:
        out.append(f"{cid}: status {status} breaks the rule '{rule}': {detail}")

    # Status-specific text fields: required by their status, and only there.
    for other, name in STATUS_FIELD.items():
        present = bool(str(claim.get(name) or "").strip())
        if other == status and not present and status != "contradicted":
            broken(f"{STATUSES[status]} names {name}", f"{name} is missing")
        if present and other != status:
            broken(f"{name} belongs to status {other}", f"remove {name} or change the status")

    # Weight: an allowed value, and only on a scored claim.
    weight = claim.get("weight")
    if weight is not None and not (isinstance(weight, float) and math.isnan(weight)):
        if weight not in WEIGHTS:
            broken("weight is one of " + ", ".join(WEIGHTS), f"got {weight!r}")
        elif status in UNSCORED:
            broken(
                "weight belongs to a scored claim",
                f"a claim with status {status} has no verdict to weigh",
            )

    out.extend(value_basis_problems(claim, index))

    if status in UNSCORED:
        return out

    # Verdict opens with its label.
    verdict = str(claim.get("verdict") or "")
    opens = opening_label(verdict)
    if opens != status:
        shown = verdict[:40] + ("…" if len(verdict) > 40 else "")
        broken(
            "verdict opens with its label",
            f"expected {STATUSES[status]!r}, verdict opens {shown!r}",
        )

    # Sources: present, not only the article, every one resolving.
    sources = _sources(claim)
    if not [s for s in sources if _split(s)[0] != "article"]:
        broken("sources", "a scored claim needs at least one source that is not the article itself")
    for source in sources:
        problem = source_problem(source, index)
        if problem:
            broken("sources resolve", problem)

    # Numbers: a number to compare, tied to what the chapter computed or a published row.
    claimed = claimed_number(claim)
    direction = DIRECTIONS.get(str(claim.get("claimed_value")).strip().lower())
    compare = compare_number(claim)
    if claim.get("compare_value") is not None:
        cv = as_number(claim.get("compare_value"))
        rebuilt = claim.get("rebuilt_value")
        published = [
            float(index.published[k]["value"])
            for kind, k in map(_split, sources)
            if kind == "published" and k in index.published
        ]
        if cv is None:
            broken("compare_value is a plain number", f"got {claim.get('compare_value')!r}")
        elif rebuilt not in (None, "") and not (isinstance(rebuilt, float) and math.isnan(rebuilt)):
            if not any(math.isclose(cv, n, rel_tol=1e-9) for n in _numbers_in(rebuilt)):
                broken(
                    "compare_value comes from the rebuilt value",
                    f"{cv:g} is not a number in rebuilt_value {rebuilt!r}",
                )
        elif not any(math.isclose(cv, n, rel_tol=1e-9) for n in [*published, sum(published)]):
            broken(
                "compare_value comes from the rebuilt value or a published source",
                f"{cv:g} is neither a rebuilt value nor the value of a published: source",
            )
    if status in COMPARING and (claimed is not None or direction is not None) and compare is None:
        broken(
            "a number to compare",
            "a numeric or direction claim rated this way needs a plain rebuilt_value "
            "or compare_value",
        )
    if compare is not None and claimed is not None and status in COMPARING:
        bound = qualifier(claim)
        ok = within(claimed, compare, tolerance, bound)
        names = {"above": "more than", "least": "at least", "below": "nearly"}
        words = names.get(bound or "", "within")
        if status in MATCHING and not ok:
            broken(
                f"numeric: {words} the tolerance",
                f"compared value {compare:g} against claimed {claimed:g} is outside "
                f"{tolerance:.0%}" + (f" ({words} bound)" if bound else ""),
            )
        if status == "contradicted" and ok:
            broken(
                "contradicted: outside the tolerance",
                f"compared value {compare:g} against claimed {claimed:g} is within {tolerance:.0%}",
            )
    if compare is not None and direction is not None and status in COMPARING:
        same = compare * direction > 0
        if status in MATCHING and not same:
            broken(
                "direction: the change has the claimed sign",
                f"{compare:g} is not an {claim['claimed_value']}",
            )
        if status == "contradicted" and same:
            broken(
                "contradicted: the change has the other sign",
                f"{compare:g} is an {claim['claimed_value']}",
            )
    if status == "contradicted" and not (
        (claimed is not None or direction is not None) and compare is not None
    ):
        if not str(claim.get("conflict") or "").strip():
            broken("Contradicted names the conflicting fact", "conflict is missing")

    # Status-specific conditions.
    if status == "traced":
        official = [
            k
            for kind, k in map(_split, sources)
            if kind == "published"
            and str(index.published.get(k, {}).get("publisher_type")) == "official"
        ]
        if not official:
            broken(
                "traced needs an official published row",
                "no published: source whose publisher_type is official",
            )
        elif compare is not None and claimed is not None:
            by_publication: dict[str, list[float]] = {}
            for k in official:
                row = index.published[k]
                by_publication.setdefault(str(row.get("source")), []).append(float(row["value"]))
            if not any(_is_total_of(compare, v) for v in by_publication.values()):
                broken(
                    "traced: the compared value is the official publication's",
                    f"{compare:g} is neither the value of an official published: source nor a "
                    "total of values of one publication; a figure this report rebuilds is rated "
                    "on the rebuild",
                )
    if status == "unsupported" and claim.get("kind") in ("number", "event"):
        broken(
            "unsupported is for conclusions",
            f"kind {claim.get('kind')} has no conclusion to follow",
        )
    if status in ("accurate", "needs_context") and claim.get("kind") == "causal":
        if not any(_split(s)[0] in ("bib", "published") for s in sources):
            broken(
                "a causal claim is confirmed by a study or a documented record",
                "data files alone cannot confirm a cause: add the bib: study or published: record",
            )
    if status in ("unverifiable", "not_obtained") and claimed is not None:
        if as_number(claim.get("rebuilt_value")) is not None:
            broken(
                "a rebuilt number is rated by the tolerance rule",
                "the chapter rebuilt a plain number; rate it accurate, needs_context or "
                "contradicted",
            )
    return out


def _is_total_of(number: float, values: list[float]) -> bool:
    """Whether ``number`` is one of ``values`` or the total of two or more of them (the values
    of one publication: a count by model and its total, for example)."""
    return any(
        math.isclose(number, sum(group), rel_tol=1e-9)
        for size in range(1, len(values) + 1)
        for group in combinations(values, size)
    )


def numeric_outcomes(claims: Iterable[Mapping[str, Any]], tolerance: float) -> dict[str, bool]:
    """For each scored numeric claim with a number to compare: does it pass at ``tolerance``?"""
    out = {}
    for claim in claims:
        claimed, compare = claimed_number(claim), compare_number(claim)
        if claim.get("status") in COMPARING and claimed is not None and compare is not None:
            out[str(claim["id"])] = within(claimed, compare, tolerance, qualifier(claim))
    return out


def tolerance_sensitivity(
    claims: Iterable[Mapping[str, Any]],
    tolerances: Iterable[float] = SENSITIVITY_TOLERANCES,
    base: float = TOLERANCE,
) -> list[dict[str, Any]]:
    """How many numeric verdicts would change status at other tolerances, in both directions.

    A verdict changes when a claim that passes the tolerance rule at ``base`` fails at the
    other tolerance (matching -> contradicted) or the reverse (contradicted -> matching).
    Returns one dict per tolerance: tolerance, numeric (claims compared), changed (count),
    to_contradicted and to_matching (claim ids).
    """
    claims = list(claims)
    at_base = numeric_outcomes(claims, base)
    rows = []
    for tol in tolerances:
        other = numeric_outcomes(claims, tol)
        down = sorted(c for c in at_base if at_base[c] and not other[c])
        up = sorted(c for c in at_base if not at_base[c] and other[c])
        rows.append(
            {
                "tolerance": tol,
                "numeric": len(at_base),
                "changed": len(down) + len(up),
                "to_contradicted": down,
                "to_matching": up,
            }
        )
    return rows
