"""Data layer: every raw file through the registry, loaders, cleaning and aggregation (counts,
coverage, policy changes, programs, agreements, detainers, FOIA figures, surveys).

Imports only ``factcheck.base`` and itself.
"""
