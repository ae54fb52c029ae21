"""Shared code for the 287(g) fact-check book, in layers whose imports flow one way
(a module imports only from its own layer or a lower one; ``tests/test_layers.py`` checks it):

- ``factcheck.base``: number and list formatting every layer uses (``fmt``).
- ``factcheck.data``: raw files and their cleaning and aggregation: the registry (hashes,
  schemas), loaders, counts (months to years, county totals), coverage, policy changes,
  agreements, programs, detainers, FOIA figures, surveys.
- ``factcheck.stats``: the methods: rates and exact intervals, ordinary variation, the
  comparison design (estimator, placebo inference, checks), comparison-set rules, ratios,
  trends, simulations, detainer rates.
- ``factcheck.ledger``: the claims ledger (``data/claims.yml``), its rating rules and the
  no-hand-typed-numbers check of prose.
- ``factcheck.book``: what the chapters show: glue and Markdown helpers (``report``), the
  chapter texts (``wording``), verdicts, rendering of the ledger, charts, palette and style.
"""

__version__ = "0.1.0"
