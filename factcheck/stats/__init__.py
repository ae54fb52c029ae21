"""Statistics layer: rates and intervals, ordinary variation, the comparison design, the rules
that choose comparison sets, ratios, trends and simulations.

Imports only ``factcheck.base``, ``factcheck.data`` and itself.
"""
