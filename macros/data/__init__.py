"""The record: the data model, reading data/ with positions, and every check on it."""
