"""Papers and citation counts from open scholarly services (arXiv, Crossref, DBLP, Semantic
Scholar, OpenAlex), for `python -m macros add` and `python -m macros refresh-metrics`.

Only these commands use the network; builds read what they stored in `data/`.
"""
