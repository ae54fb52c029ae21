"""The book's colours, kept apart from the plotting code so that the HTML and LaTeX status
styles (built by the Sphinx extension at every build) do not import matplotlib."""

from __future__ import annotations

# Colour-blind-safe palette (Okabe-Ito), one colour per meaning across chapters.
PALETTE = {
    "ended": "#D55E00",  # counties that ended 287(g)
    "kept": "#0072B2",  # counties that kept it
    "never": "#999999",  # never participated
    "state": "#009E73",
    "national": "#000000",
    "highlight": "#E69F00",
}
# One colour per claim status (Okabe-Ito for the ratings, greys for the two data gaps, so the
# loudest colours mark findings, not missing records), shared by the charts, the verdict boxes
# and badges in HTML (_static/factcheck.css) and in the PDF (_latex/factcheck.sty); a test checks
# that those two files use these values.
STATUS_COLOURS = {
    "accurate": "#009E73",  # bluish green
    "needs_context": "#56B4E9",  # sky blue
    "unsupported": "#E69F00",  # orange
    "contradicted": "#D55E00",  # vermillion
    "traced": "#0072B2",  # blue
    "unverifiable": "#7F7F7F",  # mid grey
    "not_obtained": "#BDBDBD",  # light grey
    "opinion": "#CC79A7",  # reddish purple
    "pending": "#F2F2F2",  # near white
}
# Text colour that keeps WCAG AA contrast on each status colour (badges).
STATUS_TEXT = {key: ("#FFFFFF" if key == "traced" else "#000000") for key in STATUS_COLOURS}
