"""Everything made from the views: pages, BibTeX, the PDF CV, feed, cv.json, JSON-LD, cards."""
