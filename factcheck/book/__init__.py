"""Book layer: what chapters show: glue and Markdown helpers, chapter texts, verdict boxes and
cards, the scorecard and other ledger renderings, charts, palette and plot style.

The top layer: may import every other layer; nothing below imports it.
"""
