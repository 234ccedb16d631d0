"""The one home for touching a user's files: capped reads, atomic writes, output folders, locks.

Every writer in aisim goes through :func:`atomic_write` (a temporary file in the same
folder, flushed to disk, then renamed over the target), so a reader sees the old file
or the whole new one, never half of it. Every user file is read with
:func:`read_user_bytes`, which refuses FIFOs, devices and oversized files *before*
reading. :func:`check_output_folder` decides what ``--out`` may be and what
``--force`` may replace; :class:`FolderLock` keeps two sweeps out of one folder.
See docs/guarantees.md for the promises these functions keep.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import socket
import stat
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from sim.errors import OutputError, UserError

MAX_USER_FILE_BYTES = 5_000_000  # scenarios, experiments, saves: the largest bundled file is ~60 KB
MAX_NAME_BYTES = 255  # one path component, as on ext4, APFS and NTFS
MAX_PATH_BYTES = 4096
PARTIAL_MARK = ".partial-"
STALE_PARTIAL_SECONDS = 3600.0  # a staging folder without a live owner older than this is debris

# Files that mark a folder as an earlier aisim result, which --force may replace.
RUN_MARKER = "run.json"
SWEEP_MARKER = "manifest.json"
PACK_MARKER = "class-pack.json"  # a class pack (aisim class new); its saves/ holds the students' work
PACK_FORMAT = "aisim-class-pack"
REPORT_MARKER = "report.json"  # an HTML report (aisim debrief, aisim class report)
REPORT_FORMAT = "aisim-report"


# ---------------------------------------------------------------------------- reading
def read_user_bytes(
    file: str | Path,
    *,
    limit: int = MAX_USER_FILE_BYTES,
    error_type: type[UserError] = UserError,
    what: str = "a file",
) -> bytes:
    """Read a user's file, refusing folders, FIFOs, devices and files over ``limit`` bytes.

    The type is checked on the opened descriptor before any byte is read (a FIFO is
    opened non-blocking, so it cannot hang us), and at most ``limit + 1`` bytes are
    ever read, so a link to ``/dev/zero`` or a file growing under us cannot eat memory.
    """
    name = str(file)
    if "\x00" in name:
        raise error_type("file name contains a NUL byte", file=name.replace("\x00", "\\0"))
    try:
        fd = os.open(name, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        raise error_type("file not found", file=name) from None
    except IsADirectoryError:
        raise error_type(f"is a folder, expected {what}", file=name) from None
    except OSError as exc:
        raise error_type(f"cannot read file ({exc.strerror or exc})", file=name) from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise error_type(f"is a folder, expected {what}", file=name)
        if not stat.S_ISREG(info.st_mode):
            raise error_type(f"is not a regular file (a pipe, device or socket), expected {what}", file=name)
        if info.st_size > limit:
            raise error_type(f"file is {info.st_size:,} bytes, more than the {limit:,} allowed", file=name)
        chunks, size = [], 0
        while size <= limit:
            try:
                chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            except BlockingIOError:  # pragma: no cover - regular files never block
                continue
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            raise error_type(f"file is more than the {limit:,} bytes allowed", file=name)
        return b"".join(chunks)
    except OSError as exc:
        raise error_type(f"cannot read file ({exc.strerror or exc})", file=name) from None
    finally:
        os.close(fd)


def read_user_text(
    file: str | Path,
    *,
    limit: int = MAX_USER_FILE_BYTES,
    error_type: type[UserError] = UserError,
    what: str = "a text file",
) -> str:
    """:func:`read_user_bytes`, then refuse binary (NUL bytes) and non-UTF-8 content."""
    raw = read_user_bytes(file, limit=limit, error_type=error_type, what=what)
    if b"\x00" in raw:
        raise error_type(f"looks like a binary file (contains NUL bytes), expected {what}", file=str(file))
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise error_type(f"is not UTF-8 text (bad byte at offset {exc.start})", file=str(file)) from None


# ---------------------------------------------------------------------------- writing
def _umask() -> int:
    """The process umask, read without changing it where the OS allows."""
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    old = os.umask(0o022)
    os.umask(old)
    return old


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def atomic_write(
    path: str | Path,
    content: bytes | str | Callable[[Path], object],
    *,
    error_type: type[UserError] = OutputError,
    make_parents: bool = False,
) -> Path:
    """Write ``path`` atomically: a reader sees the old file or the whole new one.

    ``content`` is bytes, text (UTF-8) or a function that writes a given temporary
    path (``frame.to_parquet``, ``fig.savefig``, ``pygame.image.save``; the temporary
    name keeps the target's suffix so such writers pick the right format). The file
    gets the usual mode for new files (0666 less the umask), not mkstemp's 0600; the
    temporary file is removed on any error. OS errors become ``error_type`` naming the file.
    """
    path = Path(path)
    folder = path.parent
    tmp: str | None = None
    try:
        if make_parents:
            folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name[:100]}.", suffix=f".tmp{path.suffix}", dir=folder)
        try:
            os.fchmod(fd, 0o666 & ~_umask())
            if callable(content):
                os.close(fd)
                fd = -1
                content(Path(tmp))
                with open(tmp, "rb+") as handle:
                    os.fsync(handle.fileno())
            else:
                data = content.encode("utf-8") if isinstance(content, str) else bytes(content)
                with os.fdopen(fd, "wb") as handle:
                    fd = -1
                    handle.write(data)
                    handle.flush()
                    os.fsync(handle.fileno())
        finally:
            if fd >= 0:
                os.close(fd)
        os.replace(tmp, path)
        tmp = None
        _fsync_dir(folder)
    except OSError as exc:
        raise error_type(f"cannot write file ({exc.strerror or exc})", file=str(path)) from None
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
    return path


def atomic_write_text(path: str | Path, text: str, *, error_type: type[UserError] = OutputError) -> Path:
    """:func:`atomic_write` for text (UTF-8)."""
    return atomic_write(path, text, error_type=error_type)


# ---------------------------------------------------------------------------- output folders
def check_path_text(text: str, option: str = "--out", error_type: type[UserError] = OutputError) -> Path:
    """Refuse output names no file system takes: empty, NUL bytes, a component over 255 bytes."""
    if text is None or not str(text).strip():
        raise error_type(f"{option} is empty; give a folder name")
    text = str(text)
    if "\x00" in text:
        raise error_type(f"{option} contains a NUL byte")
    try:
        encoded = os.fsencode(text)
    except UnicodeError:
        raise error_type(f"{option} is not a valid file name (undecodable characters)") from None
    if len(encoded) > MAX_PATH_BYTES:
        raise error_type(f"{option} is {len(encoded):,} bytes long, more than the {MAX_PATH_BYTES} allowed")
    for part in Path(text).parts:
        size = len(os.fsencode(part))
        if size > MAX_NAME_BYTES:
            shown = part[:40] + "..."
            raise error_type(
                f"{option}: the name {shown!r} is {size} bytes long, more than the {MAX_NAME_BYTES} a file name may have"
            )
    return Path(text)


def _json_file(path: Path, limit: int = 5_000_000) -> dict | None:
    try:
        data = json.loads(read_user_bytes(path, limit=limit).decode("utf-8"))
    except (UserError, ValueError, RecursionError):
        return None
    return data if isinstance(data, dict) else None


def holds_aisim_result(folder: Path) -> str | None:
    """``"run"``, ``"sweep"``, ``"class pack"`` or ``"report"`` if ``folder`` holds an earlier aisim
    result, else None.

    A run folder has a ``run.json`` with the keys aisim writes; a sweep folder a
    ``manifest.json`` with aisim's sweep schema; a class pack a ``class-pack.json`` and a report
    a ``report.json``, each of aisim's format. A file that merely has the name does not count.
    """
    run = _json_file(folder / RUN_MARKER)
    if run is not None and {"scenario_hash", "seeds", "versions"} <= set(run):
        return "run"
    manifest = _json_file(folder / SWEEP_MARKER)
    if manifest is not None and str(manifest.get("schema", "")).startswith("aisim/sweep-"):
        return "sweep"
    pack = _json_file(folder / PACK_MARKER)
    if pack is not None and pack.get("format") == PACK_FORMAT:
        return "class pack"
    report = _json_file(folder / REPORT_MARKER)
    if report is not None and report.get("format") == REPORT_FORMAT:
        return "report"
    return None


def _protected(folder: Path) -> str | None:
    """Why ``folder`` may never be replaced (the working folder, home, a root), or None."""
    real = folder.resolve()
    cwd = Path.cwd().resolve()
    home = Path.home().resolve()
    if real == cwd or real in cwd.parents:
        return "it is the current folder or contains it"
    if real == home or real in home.parents:
        return "it is your home folder or contains it"
    if real.parent == real:
        return "it is the root of a file system"
    return None


def check_output_folder(
    out: str | Path,
    force: bool = False,
    *,
    option: str = "--out",
    allow_existing: Callable[[Path], bool] | None = None,
    kind: str | None = None,
) -> Path:
    """Refuse an output folder that cannot or should not be written, before any work is done.

    A folder that exists and is not empty is refused unless ``force`` is given *and* it
    holds an earlier aisim result (:func:`holds_aisim_result`) of the ``kind`` the caller writes
    (a debrief never replaces a sweep's results); the working folder, home
    and file-system roots are never replaced. Symbolic links are refused with a message
    naming their target. ``allow_existing(folder)`` may accept a non-empty folder (a sweep
    resuming its own results). Raises :class:`OutputError`; writes nothing.
    """
    out = check_path_text(str(out), option)
    if out.is_symlink():
        target = os.readlink(out)
        raise OutputError(
            f"is a symbolic link (to {target}); give the folder it points to, or another {option}", file=str(out)
        )
    if out.exists() and not out.is_dir():
        raise OutputError("exists and is not a folder", file=str(out))
    if out.is_dir():
        try:
            entries = [p for p in out.iterdir() if not p.name.startswith(".aisim-")]
        except OSError as exc:
            raise OutputError(f"cannot list the folder ({exc.strerror or exc})", file=str(out)) from None
        if entries and not (allow_existing and allow_existing(out)):
            if not force:
                raise OutputError("folder exists and is not empty; choose another --out or pass --force", file=str(out))
            why = _protected(out)
            if why is not None:
                raise OutputError(f"--force refused: {why}; choose another {option}", file=str(out))
            held = holds_aisim_result(out)
            if held is None:
                raise OutputError(
                    "--force refused: the folder does not hold an earlier aisim result (no aisim run.json, "
                    f"manifest.json, class-pack.json or report.json), so it is left untouched; choose another {option}",
                    file=str(out),
                )
            if kind is not None and held != kind:
                raise OutputError(
                    f"--force refused: the folder holds an aisim {held}, and this command writes a {kind}; "
                    f"only a {kind} is replaced, so it is left untouched; choose another {option}",
                    file=str(out),
                )
            saves = (
                [p.name for p in (out / "saves").glob("*") if not p.name.startswith(".")]
                if held == "class pack"
                else []
            )
            if saves:
                raise OutputError(
                    f"--force refused: the class pack holds {len(saves)} student save(s) in saves/; "
                    f"move them elsewhere first, or choose another {option}",
                    file=str(out),
                )
    problem = folder_write_problem(out)
    if problem:
        raise OutputError(problem, file=str(out))
    return out


def folder_write_problem(folder: Path) -> str | None:
    """Why new files cannot go into ``folder`` (it, or the parents it would be created in, is not a
    folder or not writable); None when they can."""
    probe = folder
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    if not probe.is_dir():
        return f"cannot create the folder: {probe} is not a folder"
    if not os.access(probe, os.W_OK | os.X_OK):
        return f"cannot write here (permission denied on {probe})"
    try:  # os.access says yes to root everywhere, /proc and /sys included: a file made and removed says true
        fd, name = tempfile.mkstemp(prefix=".aisim-probe-", dir=probe)
    except OSError as exc:
        return f"cannot write here ({probe} refused a new file: {(exc.strerror or str(exc)).lower()})"
    os.close(fd)
    with contextlib.suppress(OSError):
        os.unlink(name)
    return None


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return True
    return True


def staging_folder(out: Path) -> Path:
    """Create a hidden staging folder beside ``out`` (named with our pid), after removing stale ones."""
    out.parent.mkdir(parents=True, exist_ok=True)
    clean_stale_partials(out)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name[:150]}{PARTIAL_MARK}{os.getpid()}-", dir=out.parent))
    os.chmod(staging, 0o777 & ~_umask())  # mkdtemp makes it 0700; the result should look like any new folder
    return staging


def clean_stale_partials(out: Path) -> list[Path]:
    """Remove staging folders of ``out`` left by killed runs: their pid is dead (or, unnamed, they are old)."""
    removed = []
    prefix = f".{out.name[:150]}{PARTIAL_MARK}"
    with contextlib.suppress(OSError):
        for entry in out.parent.iterdir():
            if not entry.name.startswith(prefix) or entry.is_symlink() or not entry.is_dir():
                continue
            owner = entry.name[len(prefix) :].split("-", 1)[0]
            if owner.isdigit():
                stale = not _pid_alive(int(owner))
            else:
                stale = time.time() - entry.stat().st_mtime > STALE_PARTIAL_SECONDS
            if stale:
                shutil.rmtree(entry, ignore_errors=True)
                removed.append(entry)
    return removed


def write_folder(out: Path, fill: Callable[[Path], object], what: str = "output") -> Path:
    """Write a whole folder atomically and return ``out``.

    ``fill(staging)`` writes the files into a staging folder beside ``out``, which then
    replaces ``out`` (:func:`replace_folder`). On any failure the staging folder is removed;
    OS errors become one :class:`OutputError` naming ``out`` and ``what`` was being written.
    The caller checks ``out`` first (:func:`check_output_folder`).
    """
    try:
        staging = staging_folder(out)
    except OSError as exc:
        raise OutputError(f"cannot create {what} folder ({exc.strerror or exc})", file=str(out)) from None
    try:
        fill(staging)
        replace_folder(staging, out)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise OutputError(f"cannot write {what} ({exc.strerror or exc})", file=str(out)) from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return out


def replace_folder(staging: Path, out: Path) -> None:
    """Move a finished staging folder to ``out``, replacing an earlier result there.

    The old folder is first renamed aside, so ``out`` is never missing its files for
    longer than two renames, and is deleted only once the new one is in place.
    """
    for path in staging.iterdir():  # on disk before the folder becomes visible under its name
        if path.is_file() and not path.is_symlink():
            with open(path, "rb") as handle:
                os.fsync(handle.fileno())
    old = None
    if out.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{out.name[:150]}.old-", dir=out.parent))
        os.replace(out, old / "x")
    try:
        os.replace(staging, out)
    except OSError:
        if old is not None:
            os.replace(old / "x", out)
            shutil.rmtree(old, ignore_errors=True)
        raise
    _fsync_dir(out.parent)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


# ---------------------------------------------------------------------------- locks
LOCK_NAME = ".aisim-lock"


class FolderLock:
    """An exclusive lock on a result folder, held while a sweep writes into it.

    The lock is a file ``.aisim-lock`` in the folder holding the owner's pid and host,
    locked with ``flock`` while held: a second process is refused with an
    :class:`OutputError` naming the holder, and a lock left by a killed process
    (its ``flock`` is gone with it) is simply taken over.
    """

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        self.path = self.folder / LOCK_NAME
        self._fd: int | None = None

    def holder(self) -> dict:
        """The pid, host and start time written by the holder (empty if unreadable)."""
        return _json_file(self.path, limit=10_000) or {}

    def acquire(self) -> FolderLock:
        """Take the lock (exclusive, held until :meth:`release`); raises a user error naming the holder."""
        for _ in range(10):
            fd = self._try_lock()
            # the holder may have unlinked the file between our open and flock: lock the file now there
            with contextlib.suppress(OSError):
                if os.fstat(fd).st_ino == os.stat(self.path, follow_symlinks=False).st_ino:
                    break
            os.close(fd)
        else:  # pragma: no cover - ten races in a row
            raise OutputError("cannot lock the folder (the lock file keeps changing)", file=str(self.folder))
        info = {"pid": os.getpid(), "host": socket.gethostname(), "started": time.strftime("%Y-%m-%dT%H:%M:%S")}
        os.ftruncate(fd, 0)
        os.write(fd, (json.dumps(info) + "\n").encode("utf-8"))
        self._fd = fd
        return self

    def _try_lock(self) -> int:
        import fcntl

        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o666)
        except OSError as exc:
            raise OutputError(f"cannot create the lock file ({exc.strerror or exc})", file=str(self.path)) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            os.close(fd)
            if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                raise OutputError(f"cannot lock the folder ({exc.strerror or exc})", file=str(self.folder)) from None
            info = self.holder()
            who = f"pid {info.get('pid', '?')} on {info.get('host', '?')}, since {info.get('started', '?')}"
            raise OutputError(
                f"another sweep is writing into this folder ({who}); wait for it to finish or choose another --out",
                file=str(self.folder),
            ) from None
        return fd

    def release(self) -> None:
        """Give the lock up (safe to call twice)."""
        if self._fd is None:
            return
        with contextlib.suppress(OSError):
            self.path.unlink()
        os.close(self._fd)  # closing drops the flock
        self._fd = None

    def __enter__(self) -> FolderLock:
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()


@contextlib.contextmanager
def folder_lock(folder: str | Path) -> Iterator[FolderLock]:
    """``with folder_lock(dir):`` hold a :class:`FolderLock` for the block."""
    lock = FolderLock(folder).acquire()
    try:
        yield lock
    finally:
        lock.release()
