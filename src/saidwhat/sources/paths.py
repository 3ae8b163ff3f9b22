"""Expanding command-line inputs (files, folders, glob patterns) into files, deterministically."""
from __future__ import annotations

import glob
import os
from collections.abc import Iterable, Iterator
from typing import NamedTuple


class Target(NamedTuple):
    path: str
    reason: str | None = None   # set when the input yields an error instead of a file
    message: str | None = None


def is_hidden(name: str) -> bool:
    return name.startswith(".") and name not in (".", "..")


def _walk(folder: str) -> list[Target]:
    """All non-hidden files under ``folder`` (recursive, symlinked folders not followed), sorted,
    and a Target with the reason for each folder inside it that cannot be listed (permissions,
    I/O errors), so that nothing under the input is skipped without a record."""
    found: list[tuple[list[str], Target]] = []

    def unreadable(err: OSError) -> None:
        where = err.filename or folder
        rel = os.path.relpath(where, folder)
        found.append(([] if rel == os.curdir else rel.split(os.sep),
                      Target(where, "extraction_error", f"cannot read the folder {where!r}: {err.strerror or err}")))

    for root, dirs, files in os.walk(folder, followlinks=False, onerror=unreadable):
        dirs[:] = sorted(d for d in dirs if not is_hidden(d))
        rel = os.path.relpath(root, folder)
        parts = [] if rel == os.curdir else rel.split(os.sep)
        for name in files:
            if not is_hidden(name):
                found.append((parts + [name], Target(os.path.join(root, name))))
    found.sort(key=lambda item: item[0])
    return [target for _, target in found]


def _classify(path: str) -> Target:
    if path == "-" or os.path.isfile(path):
        return Target(path)
    if os.path.islink(path) and not os.path.exists(path):
        return Target(path, "not_found", f"broken symbolic link: {path}")
    return Target(path, "extraction_error", f"not a regular file (device, FIFO or socket): {path}")


def _expand_one(spec: str) -> tuple[list[str], str | None]:
    """(files and folders the input names, why it names nothing). ``-`` is standard input."""
    if spec == "-":
        return [spec], None
    if os.path.lexists(spec):            # a literal name wins, even if it contains * or [
        return [spec], None
    if glob.has_magic(spec):
        matches = sorted(glob.glob(spec, recursive=True))
        return matches, None if matches else f"no file matches the pattern {spec!r}"
    return [], f"no such file or folder: {spec!r}"


def expand_paths(specs: Iterable[str | os.PathLike]) -> Iterator[Target]:
    """One Target per file to read (each file once), or per input that matched nothing."""
    done: set[str] = set()
    for raw in specs:
        spec = os.fspath(raw)
        entries, problem = _expand_one(spec)
        if problem:
            yield Target(spec, "not_found", problem)
            continue
        produced = 0
        for entry in entries:
            targets = _walk(entry) if os.path.isdir(entry) else [Target(entry)]
            for target in targets:
                produced += 1
                if target.reason:
                    yield target
                    continue
                key = os.path.realpath(target.path)
                if key in done:
                    continue
                done.add(key)
                yield _classify(target.path)
        if produced == 0:
            yield Target(spec, "not_found", f"the folder {spec!r} contains no (non-hidden) files")
