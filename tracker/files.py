"""Files the application writes: whole or not at all, private or as the user's umask says.

The caches and the instance's reports hold names, hours and scores: their folders are made
0700 and their files 0600, whatever the umask, so that no other local user reads them. A report
written where the user asked (`tracker report … --out`) is the user's file like any other: its
mode follows their umask.

A file is written under a temporary name in its folder, then renamed over its name
(`os.replace`), so that a reader, a request or another process, sees either nothing or the
whole file.
"""

import os
import secrets
from pathlib import Path

PRIVATE_FOLDER = 0o700
PRIVATE_FILE = 0o600
# What the umask leaves of it: 0644 under the usual umask 022.
USERS_FILE = 0o666


def private_folder(path: str | os.PathLike[str]) -> Path:
    """Make a folder and its missing parents readable by their owner only (0700); return it.

    A folder that exists already is made private too (earlier versions made it readable by
    every local user); its existing parents are left as they are.
    """
    folder = Path(path)
    missing = []
    current = folder
    while not current.is_dir():
        missing.append(current)
        current = current.parent
    for level in reversed(missing):
        level.mkdir(mode=PRIVATE_FOLDER, exist_ok=True)  # or made meanwhile by another process
    if folder.stat().st_mode & 0o777 != PRIVATE_FOLDER:
        os.chmod(folder, PRIVATE_FOLDER)
    return folder


def write_atomically(path: Path, content: bytes, *, private: bool = True) -> None:
    """Write a file whole or not at all: private (0600), or with the mode the umask gives."""
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    descriptor = os.open(temporary, flags, PRIVATE_FILE if private else USERS_FILE)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(content)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def copy_atomically(source: Path, target: Path, *, private: bool = True) -> None:
    """Copy a file whole or not at all: private (0600), or with the mode the umask gives."""
    write_atomically(target, source.read_bytes(), private=private)
