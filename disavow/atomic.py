"""Atomic file writing for every writer in the package.

Owns one promise: a file at the destination is either the old one or the complete
new one, never a partial write. Data goes to a temporary file in the destination's
directory, is flushed and fsynced, and is then moved into place with one rename.
Files that belong together (the outputs of one audit) are all written before any is
moved into place (:class:`OutputFiles`). An existing file is only replaced when the
caller says so, and a writer can name its input files so that an output path never
lands on one of them.

This module must not format, validate or decide anything about the data it writes.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path

from disavow.errors import OutputError

StrPath = str | os.PathLike[str]

# Errors from os.link() that mean "this file system cannot hard-link", not "the
# destination exists"; we then fall back to check-then-replace.
_NO_LINK = {errno.EPERM, errno.EACCES, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK}


def ensure_not_input(path: StrPath, inputs: Iterable[StrPath]) -> None:
    """Refuse an output path that is one of the input files.

    Paths are compared after resolving symlinks and ``..``; when both files exist
    they are also compared by identity (hard links, case-insensitive file systems).

    Raises:
        OutputError: ``path`` is one of ``inputs``.
    """
    out = Path(path)
    out_resolved = out.resolve()
    for raw in inputs:
        other = Path(raw)
        same = other.resolve() == out_resolved
        if not same and out.exists() and other.exists():
            with contextlib.suppress(OSError):
                same = os.path.samefile(out, other)
        if same:
            raise OutputError(
                f"refusing to write {out}: it is the input file {other}. "
                "Choose a different output file name so the input stays intact."
            )


@contextlib.contextmanager
def new_output_folder(path: StrPath) -> Iterator[Path]:
    """:func:`output_folder` made for the block, and removed again if the block fails
    while the folder it made is still empty: an interrupted run leaves nothing new.
    """
    folder = Path(path)
    made = not folder.exists()
    output_folder(folder, create=True)
    try:
        yield folder
    except BaseException:
        if made:
            with contextlib.suppress(OSError):  # not empty, or gone: left as it is
                folder.rmdir()
        raise


def output_folder(path: StrPath, *, create: bool) -> Path:
    """Check that ``path`` is or can become a folder for outputs; make it if ``create``.

    Checked before a long run (``create=False``), so that a file in the way or a
    folder that cannot be written fails at once, with no folder left behind.

    Raises:
        OutputError: ``path`` or one of its parents is a file, or the folder
            cannot be made.
    """
    folder = Path(path)
    existing = next((p for p in (folder, *folder.parents) if p.exists()), None)
    if existing is not None and not existing.is_dir():
        where = "is a file" if existing == folder else f"cannot be made: {existing} is a file"
        raise OutputError(f"the output folder {folder} {where}. Choose another folder for --out.")
    if create:
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(
                f"the output folder {folder} cannot be made: {exc.strerror or exc}. "
                "Choose another folder for --out."
            ) from None
    elif existing is not None and not os.access(existing, os.W_OK | os.X_OK):
        raise OutputError(
            f"the output folder {folder} cannot be written: {existing} is not writable for "
            "you. Choose another folder for --out."
        )
    return folder


def write_atomic(
    path: StrPath,
    data: bytes | str | Iterable[bytes],
    *,
    overwrite: bool,
    inputs: Iterable[StrPath] = (),
) -> Path:
    """Write ``data`` to ``path`` so that readers never see a partial file.

    A ``str`` is encoded as UTF-8 without a BOM; no newline translation happens.
    An iterable of ``bytes`` is written piece by piece as it is produced (a large
    file is never held whole in memory); should producing it fail, nothing is left.
    A new file gets the usual permissions (0666 minus the umask); a replaced file
    keeps its mode.

    Args:
        path: the destination file.
        data: the complete file content.
        overwrite: replace an existing file. Without it an existing file is an error.
        inputs: files the caller read; ``path`` must not be one of them.

    Returns:
        The destination path.

    Raises:
        OutputError: the destination exists (and ``overwrite`` is false), is a
            directory or an input file, its folder is missing, or the write failed.
            On failure nothing is left at the destination or beside it.
    """
    with OutputFiles(overwrite=overwrite, inputs=inputs) as files:
        files.add(path, data)
        files.commit()
    return Path(path)


class OutputFiles:
    """Files that appear together, or not at all.

    :meth:`add` writes a file in full (flushed and fsynced) to a temporary file
    beside its destination; :meth:`commit` then moves every one into place, in
    the order they were added, one rename each. Until the commit, whatever is at
    the destinations stays as it was, so a run that fails or is interrupted
    part-way leaves the previous results whole rather than half replaced. Used as
    a context manager, the temporary files of a set that was not committed are
    removed (also on Ctrl-C).

    Only a failure during the commit itself (a rename refused by the file system)
    can leave part of a set in place; new files already moved are then taken back
    where they replaced nothing.
    """

    def __init__(self, *, overwrite: bool, inputs: Iterable[StrPath] = ()):
        self.overwrite = overwrite
        self.inputs = list(inputs)
        self._staged: list[tuple[Path, Path]] = []  # (temporary file, destination)

    def __enter__(self) -> OutputFiles:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.discard()

    def add(self, path: StrPath, data: bytes | str | Iterable[bytes]) -> Path:
        """Write ``data`` (as :func:`write_atomic` takes it) for ``path``; return the
        complete temporary file, which a caller may read back before the commit."""
        dest = Path(path)
        ensure_not_input(dest, self.inputs)
        if isinstance(data, str):
            pieces: Iterable[bytes] = (data.encode("utf-8"),)
        elif isinstance(data, (bytes, bytearray, memoryview)):
            pieces = (bytes(data),)
        else:
            pieces = data
        folder = dest.parent
        if not folder.is_dir():
            raise OutputError(
                f"cannot write {dest}: the folder {folder} does not exist. Create it first."
            )
        if dest.is_dir():
            raise OutputError(f"cannot write {dest}: it is a folder. Give a file name.")
        if any(staged_dest == dest for _, staged_dest in self._staged):
            raise OutputError(f"cannot write {dest} twice in one set of outputs.")
        if not self.overwrite and os.path.lexists(dest):
            raise OutputError(_exists_message(dest))

        tmp = _create_temp(dest)
        try:
            fd = os.open(tmp, os.O_WRONLY | getattr(os, "O_BINARY", 0))
            try:
                for piece in pieces:
                    _write_all(fd, piece)
                os.fsync(fd)
            finally:
                os.close(fd)
        except BaseException as exc:
            # Also on KeyboardInterrupt: the temporary file never outlives us.
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            if isinstance(exc, OSError):
                raise OutputError(
                    f"could not write {dest}: {exc.strerror or exc}. Nothing was written."
                ) from exc
            raise
        self._staged.append((tmp, dest))
        return tmp

    def commit(self) -> None:
        """Move every file into place, in the order added."""
        staged, moved = list(self._staged), []
        try:
            for tmp, dest in staged:
                if self.overwrite:
                    with contextlib.suppress(OSError):
                        os.chmod(tmp, stat.S_IMODE(os.stat(dest).st_mode))
                    os.replace(tmp, dest)
                else:
                    _move_without_replacing(tmp, dest)
                moved.append(dest)
        except (OSError, OutputError) as exc:  # OutputError: a file appeared at dest meanwhile
            if not self.overwrite:
                for done in moved:  # new files: nothing was there before them
                    with contextlib.suppress(OSError):
                        os.unlink(done)
                moved = []
            if isinstance(exc, OutputError):
                raise
            already = (f" {', '.join(str(p) for p in moved)} already replaced; the rest "
                       "unchanged." if moved else " Nothing was written.")
            raise OutputError(f"could not write {dest}: {exc.strerror or exc}.{already}") from exc
        finally:
            self.discard()
        for folder in dict.fromkeys(dest.parent for _, dest in staged):
            _fsync_folder(folder)

    def discard(self) -> None:
        """Remove the temporary files (a hard-linked one also after its move)."""
        for tmp, _ in self._staged:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        self._staged = []


def _write_all(fd: int, piece: bytes) -> None:
    view = memoryview(piece)
    while view:
        view = view[os.write(fd, view) :]


def _create_temp(dest: Path) -> Path:
    """An empty, new temporary file beside ``dest`` (same file system, so rename is atomic)."""
    for _ in range(100):
        tmp = dest.with_name(f".{dest.name}.{secrets.token_hex(6)}.tmp")
        try:
            # 0o666 lets the umask decide, as for any file the user creates.
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue
        except OSError as exc:
            raise OutputError(f"cannot write {dest}: {exc.strerror or exc}.") from exc
        os.close(fd)
        return tmp
    raise OutputError(f"cannot create a temporary file beside {dest}.")  # pragma: no cover


def _move_without_replacing(tmp: Path, dest: Path) -> None:
    """Put ``tmp`` at ``dest`` only if ``dest`` does not exist, without a race where possible."""
    try:
        os.link(tmp, dest)  # fails if dest exists, even if another process just made it
        return
    except FileExistsError:
        raise OutputError(_exists_message(dest)) from None
    except OSError as exc:
        if exc.errno not in _NO_LINK:
            raise
    if os.path.lexists(dest):  # file systems without hard links: check, then rename
        raise OutputError(_exists_message(dest))
    os.replace(tmp, dest)


def _exists_message(dest: Path) -> str:
    return (
        f"{dest} already exists; not overwriting it. "
        "Choose another output file, or allow overwriting it "
        "(overwrite=True; in the CLI, its overwrite option)."
    )


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable; not possible (or needed) on every platform."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
