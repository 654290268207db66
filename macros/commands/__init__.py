"""What a person runs with `python -m macros`: importing papers, fetching from services."""
