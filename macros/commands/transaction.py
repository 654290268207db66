"""All-or-nothing changes to a project's files, for commands that change many at once.

    with ProjectTransaction(project) as change:
        change.delete("docs/")                 # a file, or a folder and all in it
        change.write("data/profile.yml", text)  # str (UTF-8) or bytes
    # applied here, on a clean exit; an exception inside the block applies nothing

Nothing touches the project until `apply()` (called on leaving the block). Applying moves each
file or folder that is replaced or deleted into a backup folder inside the project (a rename: no
copy, same file system), then writes the new files each through a temporary file and a rename.
If anything fails on the way (a full disk, a permission), every step taken is undone in reverse
and the error is raised: the project is as it was. The backup is removed after success. Only a
killed process can leave it behind, as `.transaction-*` in the project, with the old files in it.

Paths are relative to the project, with `/`; `..`, absolute paths and paths through a symbolic
link are refused, so no change lands outside the project.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path, PurePosixPath
from types import TracebackType


class TransactionError(ValueError):
    """A change that may not be made (a path outside the project); nothing was applied."""


class ProjectTransaction:
    """Staged writes and deletions under `project`, applied together or not at all."""

    def __init__(self, project: Path) -> None:
        self.project = project.resolve()
        self._writes: dict[str, bytes] = {}
        self._deletions: list[str] = []
        self._undo: list[tuple[str, Path, Path | None]] = []
        self.applied = False

    # --- staging ------------------------------------------------------------------------

    def _checked(self, rel_path: str) -> str:
        path = PurePosixPath(rel_path)
        if path.is_absolute() or ".." in path.parts or not path.parts:
            raise TransactionError(f"{rel_path!r}: not a path inside the project")
        current = self.project
        for part in path.parts:
            current = current / part
            if current.is_symlink():
                raise TransactionError(f"{rel_path!r}: goes through a symbolic link")
        return str(path)

    def write(self, rel_path: str, content: bytes | str) -> None:
        """Stage `content` for `rel_path` (replacing what is there, if anything)."""
        data = content.encode("utf-8") if isinstance(content, str) else content
        self._writes[self._checked(rel_path)] = data

    def delete(self, rel_path: str) -> None:
        """Stage the removal of a file or folder (nothing happens if it does not exist).
        Deletions are applied before writes, so a folder can be emptied and filled anew."""
        self._deletions.append(self._checked(rel_path))

    @property
    def writes(self) -> dict[str, bytes]:
        return dict(self._writes)

    @property
    def deletions(self) -> list[str]:
        """The staged deletions of paths that exist now."""
        return [p for p in self._deletions if (self.project / p).exists()]

    # --- applying -----------------------------------------------------------------------

    def __enter__(self) -> ProjectTransaction:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if kind is None and not self.applied:
            self.apply()

    def apply(self) -> None:
        """Make every staged change, or none: a failure undoes the steps taken and re-raises."""
        if self.applied:
            raise TransactionError("this transaction has been applied already")
        self.applied = True
        backup = Path(tempfile.mkdtemp(prefix=".transaction-", dir=self.project))
        try:
            for number, rel_path in enumerate(self._deletions):
                self._move_away(self.project / rel_path, backup / f"d{number}")
            for number, (rel_path, data) in enumerate(self._writes.items()):
                target = self.project / rel_path
                if target.is_dir() and not target.is_symlink():
                    raise IsADirectoryError(f"{rel_path}: a folder is in the way")
                self._make_parents(target.parent)
                self._move_away(target, backup / f"w{number}")
                self._write_file(target, data)
        except BaseException:
            self._roll_back()
            shutil.rmtree(backup, ignore_errors=True)
            raise
        shutil.rmtree(backup, ignore_errors=True)
        self._undo.clear()

    def _move_away(self, path: Path, backup: Path) -> None:
        if path.exists() or path.is_symlink():
            os.rename(path, backup)
            self._undo.append(("restore", backup, path))

    def _make_parents(self, folder: Path) -> None:
        missing = []
        while not folder.exists():
            missing.append(folder)
            folder = folder.parent
        for made in reversed(missing):
            made.mkdir()
            self._undo.append(("rmdir", made, None))

    def _write_file(self, target: Path, data: bytes) -> None:
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.chmod(temporary, 0o644)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        self._undo.append(("unlink", target, None))

    def _roll_back(self) -> None:
        for action, path, original in reversed(self._undo):
            if action == "unlink":
                path.unlink(missing_ok=True)
            elif action == "rmdir":
                path.rmdir()
            else:
                assert original is not None
                os.rename(path, original)
        self._undo.clear()
