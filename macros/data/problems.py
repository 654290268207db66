"""A mistake in the data, located (file, line, entry, field), and the error that lists them all.

Its own module so that the loader and the checks it runs (`data_checks`) both import it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DataProblem:
    """One mistake in a data file, located as precisely as the YAML allows."""

    file: str
    line: int | None
    column: int | None
    message: str
    entry: str | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        parts = [where]
        if self.entry:
            parts.append(self.entry)
        if self.field:
            parts.append(f"field '{self.field}'")
        return ": ".join(parts) + f": {self.message}"


class DataError(Exception):
    """Raised when `data/` does not match the contract; the message lists every problem."""

    def __init__(self, problems: list[DataProblem]) -> None:
        self.problems = problems
        count = len(problems)
        header = f"{count} problem{'s' if count != 1 else ''} in the site data:"
        super().__init__("\n".join([header, *(f"  {p}" for p in problems)]))
