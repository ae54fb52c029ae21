"""Shared code for the 287(g) fact-check book.

Modules: ``registry`` (raw files, hashes, schemas), ``loaders`` (tidy tables), ``rates``
(rates per 100k, exact Poisson intervals, year-over-year changes), ``claims`` (the claims
ledger and verdicts), ``report`` (formatting and glue), ``prose`` (glue discipline check),
``style`` (plot style).
"""

__version__ = "0.1.0"
