"""Ledger layer: the claims ledger (``data/claims.yml``), the written rules its statuses follow,
and the check that prose carries no hand-typed numbers.

Imports only ``factcheck.base``, ``factcheck.data``, ``factcheck.stats`` and itself.
"""
