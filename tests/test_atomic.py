"""disavow.atomic: whole file or nothing, never onto an input, never over a file unasked."""

import errno
import os
import re
import stat
import sys
from pathlib import Path

import pytest

from disavow import atomic
from disavow.atomic import OutputFiles, ensure_not_input, write_atomic
from disavow.errors import OutputError


def leftovers(folder):
    """Temporary files the writer left behind (there must never be any)."""
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_writes_bytes_and_str_exactly(tmp_path):
    out = write_atomic(tmp_path / "a.txt", b"x\r\ny\n", overwrite=False)
    assert out.read_bytes() == b"x\r\ny\n"
    write_atomic(tmp_path / "b.txt", "caf\u00e9\n", overwrite=False)
    assert (tmp_path / "b.txt").read_bytes() == "caf\u00e9\n".encode()  # UTF-8, no BOM, LF kept
    assert leftovers(tmp_path) == []


def test_refuses_to_overwrite_unless_asked(tmp_path):
    dest = tmp_path / "out.txt"
    dest.write_bytes(b"old")
    with pytest.raises(OutputError, match="already exists") as info:
        write_atomic(dest, b"new", overwrite=False)
    assert str(dest) in str(info.value) and "overwrit" in str(info.value)
    assert dest.read_bytes() == b"old"
    write_atomic(dest, b"new", overwrite=True)
    assert dest.read_bytes() == b"new"
    assert leftovers(tmp_path) == []


def test_dangling_symlink_counts_as_existing(tmp_path):
    dest = tmp_path / "link.txt"
    dest.symlink_to(tmp_path / "nowhere.txt")
    with pytest.raises(OutputError, match="already exists"):
        write_atomic(dest, b"x", overwrite=False)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_new_file_gets_umask_permissions_and_replaced_file_keeps_its_mode(tmp_path):
    old_umask = os.umask(0o022)
    try:
        write_atomic(tmp_path / "new.txt", b"x", overwrite=False)
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE((tmp_path / "new.txt").stat().st_mode) == 0o644
    kept = tmp_path / "kept.txt"
    kept.write_bytes(b"old")
    kept.chmod(0o600)
    write_atomic(kept, b"new", overwrite=True)
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600


def test_missing_folder_and_folder_destination(tmp_path):
    with pytest.raises(OutputError, match="does not exist"):
        write_atomic(tmp_path / "missing" / "a.txt", b"x", overwrite=True)
    (tmp_path / "dir.txt").mkdir()
    with pytest.raises(OutputError, match="is a folder"):
        write_atomic(tmp_path / "dir.txt", b"x", overwrite=True)


def test_refuses_to_write_onto_an_input(tmp_path, monkeypatch):
    src = tmp_path / "in.txt"
    src.write_bytes(b"input")
    monkeypatch.chdir(tmp_path)
    for spelling in ("in.txt", "./in.txt", str(tmp_path / "sub" / ".." / "in.txt")):
        with pytest.raises(OutputError, match="input file"):
            write_atomic(spelling, b"x", overwrite=True, inputs=[src])
    link = tmp_path / "alias.txt"
    link.symlink_to(src)
    with pytest.raises(OutputError, match="input file"):
        write_atomic(link, b"x", overwrite=True, inputs=[src])
    hard = tmp_path / "hard.txt"
    os.link(src, hard)
    with pytest.raises(OutputError, match="input file"):
        ensure_not_input(hard, [src])
    assert src.read_bytes() == b"input"
    ensure_not_input(tmp_path / "other.txt", [src, tmp_path / "missing.csv"])  # no error


@pytest.mark.parametrize("where", ["write", "fsync", "replace"])
@pytest.mark.parametrize("overwrite", [False, True])
def test_interrupted_write_leaves_nothing_partial(tmp_path, monkeypatch, where, overwrite):
    dest = tmp_path / "out.txt"
    if overwrite:
        dest.write_bytes(b"old content")

    def boom(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    def interrupted_write(fd, data):
        real_write(fd, bytes(data[:3]))  # part of the data reaches the temp file
        raise KeyboardInterrupt

    real_write = os.write
    if where == "write":
        monkeypatch.setattr(atomic.os, "write", interrupted_write)
        expected = pytest.raises(KeyboardInterrupt)
    elif where == "fsync":
        monkeypatch.setattr(atomic.os, "fsync", boom)
        expected = pytest.raises(OutputError, match="No space left")
    else:
        monkeypatch.setattr(atomic.os, "replace", boom)
        monkeypatch.setattr(atomic.os, "link", boom)
        expected = pytest.raises(OutputError, match="Nothing was written")
    with expected:
        write_atomic(dest, b"new content " * 1000, overwrite=overwrite)
    if overwrite:
        assert dest.read_bytes() == b"old content"
    else:
        assert not dest.exists()
    assert leftovers(tmp_path) == []


def test_race_with_another_writer_is_refused(tmp_path, monkeypatch):
    """A file created between the existence check and the move is not overwritten."""
    dest = tmp_path / "out.txt"
    real_link = os.link

    def racing_link(src, dst):
        dest.write_bytes(b"theirs")
        return real_link(src, dst)

    monkeypatch.setattr(atomic.os, "link", racing_link)
    with pytest.raises(OutputError, match="already exists"):
        write_atomic(dest, b"ours", overwrite=False)
    assert dest.read_bytes() == b"theirs"
    assert leftovers(tmp_path) == []


def test_file_systems_without_hard_links_fall_back(tmp_path, monkeypatch):
    def no_links(src, dst):
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(atomic.os, "link", no_links)
    write_atomic(tmp_path / "a.txt", b"data", overwrite=False)
    assert (tmp_path / "a.txt").read_bytes() == b"data"
    with pytest.raises(OutputError, match="already exists"):
        write_atomic(tmp_path / "a.txt", b"again", overwrite=False)
    assert leftovers(tmp_path) == []


# --- sets of files that appear together ----------------------------------------------


def test_a_set_appears_only_when_committed_and_in_order(tmp_path, monkeypatch):
    moved = []
    real_replace = os.replace
    monkeypatch.setattr(atomic.os, "replace",
                        lambda a, b: (moved.append(os.path.basename(b)), real_replace(a, b)))
    (tmp_path / "b.txt").write_bytes(b"old b")
    with OutputFiles(overwrite=True) as files:
        staged = files.add(tmp_path / "b.txt", b"new b")
        files.add(tmp_path / "a.txt", [b"new ", b"a"])
        assert staged.read_bytes() == b"new b"  # complete, for a read-back check
        assert (tmp_path / "b.txt").read_bytes() == b"old b"
        assert not (tmp_path / "a.txt").exists()
        files.commit()
    assert moved == ["b.txt", "a.txt"]
    assert (tmp_path / "b.txt").read_bytes() == b"new b"
    assert (tmp_path / "a.txt").read_bytes() == b"new a"
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("overwrite", [False, True])
def test_a_set_left_uncommitted_writes_nothing(tmp_path, overwrite):
    (tmp_path / "old.txt").write_bytes(b"old")
    with pytest.raises(KeyboardInterrupt), OutputFiles(overwrite=overwrite) as files:
        files.add(tmp_path / "new.txt", b"new")
        if overwrite:
            files.add(tmp_path / "old.txt", b"replaced")
        raise KeyboardInterrupt
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.txt"]
    assert (tmp_path / "old.txt").read_bytes() == b"old"


def test_a_new_set_whose_commit_fails_takes_back_what_it_moved(tmp_path, monkeypatch):
    real_link = os.link

    def link(src, dst, *args, **kwargs):
        if os.path.basename(dst) == "c.txt":
            raise OSError(errno.EIO, "Input/output error")
        return real_link(src, dst, *args, **kwargs)

    monkeypatch.setattr(atomic.os, "link", link)
    with pytest.raises(OutputError, match="c.txt.*Nothing was written"), \
            OutputFiles(overwrite=False) as files:
        for name in ("a.txt", "b.txt", "c.txt"):
            files.add(tmp_path / name, name.encode())
        files.commit()
    assert list(tmp_path.iterdir()) == []


def test_a_replacing_set_whose_commit_fails_says_what_it_replaced(tmp_path, monkeypatch):
    real_replace = os.replace
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_bytes(b"old")

    def replace(src, dst):
        if os.path.basename(dst) == "b.txt":
            raise OSError(errno.EIO, "Input/output error")
        return real_replace(src, dst)

    monkeypatch.setattr(atomic.os, "replace", replace)
    with pytest.raises(OutputError, match="a.txt already replaced; the rest unchanged"), \
            OutputFiles(overwrite=True) as files:
        files.add(tmp_path / "a.txt", b"new")
        files.add(tmp_path / "b.txt", b"new")
        files.commit()
    assert (tmp_path / "a.txt").read_bytes() == b"new"
    assert (tmp_path / "b.txt").read_bytes() == b"old"
    assert leftovers(tmp_path) == []


def test_a_set_refuses_an_input_a_repeated_file_and_an_existing_one(tmp_path):
    source = tmp_path / "export.csv"
    source.write_bytes(b"x")
    with OutputFiles(overwrite=True, inputs=[source]) as files:
        with pytest.raises(OutputError, match="input file"):
            files.add(source, b"y")
        files.add(tmp_path / "out.txt", b"1")
        with pytest.raises(OutputError, match="twice"):
            files.add(tmp_path / "out.txt", b"2")
    with OutputFiles(overwrite=False) as files, pytest.raises(OutputError, match="already exists"):
        files.add(source, b"y")
    assert source.read_bytes() == b"x"
    assert leftovers(tmp_path) == []


def test_a_new_set_takes_back_its_files_when_one_appears_before_the_commit(tmp_path):
    with OutputFiles(overwrite=False) as files:
        files.add(tmp_path / "a.txt", b"new a")
        files.add(tmp_path / "b.txt", b"new b")
        (tmp_path / "b.txt").write_bytes(b"someone else's")  # another process, meanwhile
        with pytest.raises(OutputError, match="already exists"):
            files.commit()
    assert not (tmp_path / "a.txt").exists()
    assert (tmp_path / "b.txt").read_bytes() == b"someone else's"
    assert leftovers(tmp_path) == []


def test_output_folder_is_checked_before_it_is_made(tmp_path, monkeypatch):
    from disavow.atomic import output_folder

    target = tmp_path / "a" / "b"
    assert output_folder(target, create=False) == target and not (tmp_path / "a").exists()
    assert output_folder(target, create=True).is_dir()
    (tmp_path / "file").write_text("x")
    blocker = tmp_path / "file"
    for path, said in ((blocker, "is a file"),
                       (blocker / "sub", f"cannot be made: {blocker} is a file")):
        for create in (False, True):
            with pytest.raises(OutputError, match=re.escape(f"{path} {said}")):
                output_folder(path, create=create)
    monkeypatch.setattr(os, "access", lambda path, mode: False)
    with pytest.raises(OutputError, match="is not writable for you"):
        output_folder(tmp_path / "c", create=False)
    monkeypatch.setattr(Path, "mkdir", lambda *a, **k: (_ for _ in ()).throw(
        PermissionError(errno.EACCES, "Permission denied")))
    with pytest.raises(OutputError, match="cannot be made: Permission denied"):
        output_folder(tmp_path / "c", create=True)
