# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Outputs written only inside the folder a user named.

A tool that writes several files into an ``--out-dir`` checks the folder
before any work (it exists or can be made, it is a folder, a file can be
created in it) and then asks :class:`OutputFolder` for each file's path: a
path that would leave the folder (``..``, an absolute name, a sub-folder that
is a link to elsewhere) is refused, and a link already standing where an
output goes (pointing anywhere, or nowhere) is never written through: it is
refused, or with ``overwrite`` removed and replaced by a plain file, with a
message; a file with other names (a hard link) is replaced by a new file, so
the other names keep their content.
"""
import os
import os.path as osp
import sys
import tempfile
from typing import Iterable, List


class OutputFolder:
    """One output folder and the paths of the files written into it.

    Args:
        root (str): The folder (created if missing).
        overwrite (bool): Replace files (and links) of an earlier run.
            Defaults to ``False``: they are an error.
        option (str): The option that named the folder, for messages.
            Defaults to ``'--out-dir'``.

    Raises:
        NotADirectoryError: ``root`` is a file.
        PermissionError: no file can be created in ``root``.
    """

    def __init__(self,
                 root: str,
                 overwrite: bool = False,
                 option: str = '--out-dir') -> None:
        self.option = option
        self.overwrite = overwrite
        if osp.exists(root) and not osp.isdir(root):
            raise NotADirectoryError(
                f'{option} {root} is a file, not a folder; name a folder '
                'for the outputs')
        make_writable_folder(root, f'{option} {root}')
        self.root = root
        self.real_root = osp.realpath(root)

    def path(self, name: str) -> str:
        """The path to write the output ``name`` (relative to the folder)
        at, its sub-folders made.

        Raises:
            ValueError: ``name`` leaves the folder.
            FileExistsError: an output of that name exists (a file, or a
                link, which is never followed), without ``overwrite``.
        """
        path = self.check(name)
        os.makedirs(osp.dirname(path), exist_ok=True)
        if osp.realpath(osp.dirname(path)) != osp.dirname(
                osp.join(self.real_root, osp.normpath(name))):
            raise ValueError(f'output {name} would be written through a '
                             f'link outside {self.option} {self.root}')
        if osp.islink(path):
            # never write through a link: replace it by a plain file
            print(f'replacing the link {path} -> {os.readlink(path)} with '
                  'a file (--overwrite); its target is left as it is',
                  file=sys.stderr)
            os.unlink(path)
        detach_hard_link(path)
        return path

    def check(self, name: str) -> str:
        """Check that output ``name`` can be written (see :meth:`path`)
        without making anything; returns its path."""
        normal = osp.normpath(name)
        if osp.isabs(normal) or normal == '..' or normal.startswith(
                '..' + os.sep) or normal in ('.', ''):
            raise ValueError(f'output {name!r} is not a file name inside '
                             f'{self.option} {self.root}')
        path = osp.join(self.root, normal)
        parent = osp.dirname(path)
        # the deepest existing folder above the output must lie inside
        existing = parent
        while not osp.lexists(existing):
            existing = osp.dirname(existing)
        real = osp.realpath(existing)
        if real != self.real_root and not real.startswith(self.real_root +
                                                          os.sep):
            raise ValueError(
                f'output {name} would be written into {real}, outside '
                f'{self.option} {self.root} (through a link)')
        if osp.islink(path) and not self.overwrite:
            raise FileExistsError(
                f'{path} is a link (to {os.readlink(path)}); outputs are '
                'never written through links: remove it, choose another '
                f'{self.option} or pass --overwrite to replace the link '
                'with a file')
        if osp.lexists(path) and not osp.islink(path):
            if osp.isdir(path):
                raise IsADirectoryError(
                    f'output {path} is a folder; choose another '
                    f'{self.option}')
            if not self.overwrite:
                raise FileExistsError(
                    f'output {path} of an earlier run exists; choose '
                    f'another {self.option} or pass --overwrite')
        return path

    def check_all(self, names: Iterable[str]) -> List[str]:
        """:meth:`check` every output before any work; one error lists up
        to three of the links, or of the files of an earlier run, that
        stand where outputs go."""
        links, existing, paths = [], [], []
        for name in names:
            path = osp.join(self.root, osp.normpath(name))
            if osp.islink(path) and not self.overwrite:
                links.append(f'{path} -> {os.readlink(path)}')
                continue
            try:
                paths.append(self.check(name))
            except FileExistsError:
                existing.append(path)
        if links:
            raise FileExistsError(
                f'{len(links)} output name(s) in {self.option} {self.root} '
                f'are links ({shown(links)}); outputs are never written '
                'through links: remove them, choose another folder or pass '
                '--overwrite to replace the links by files')
        if existing:
            raise FileExistsError(
                f'{len(existing)} output file(s) of an earlier run exist '
                f'in {self.option} {self.root} ({shown(existing)}); choose '
                'another folder or pass --overwrite')
        return paths


def shown(items: List[str]) -> str:
    """Up to three items of a list for a message."""
    return ', '.join(items[:3]) + (' ...' if len(items) > 3 else '')


def detach_hard_link(path: str) -> None:
    """Before an output replaces ``path``: a file that has other names (a
    hard link) is unlinked first, so the output is a new file and the other
    names keep what they hold; never written through."""
    if osp.isfile(path) and not osp.islink(path) and os.stat(
            path).st_nlink > 1:
        print(f'{path} has other names (a hard link): writing a new file '
              'there, the other names keep their content', file=sys.stderr)
        os.unlink(path)


def refuse_link(path: str, option: str = 'the output') -> None:
    """Refuse to write an output file where a symbolic link stands (to a
    file elsewhere, or dangling); a hard-linked file is detached
    (:func:`detach_hard_link`): outputs are never written through links.

    Raises:
        FileExistsError: naming the link and its target.
    """
    if osp.islink(path):
        raise FileExistsError(
            f'{option} {path} is a link (to {os.readlink(path)}); outputs '
            'are never written through links: remove it or choose another '
            'path')
    detach_hard_link(path)


def check_output_file(path: str, option: str = 'the output') -> None:
    """Before any work: ``path`` can be written as a new plain file (its
    folder is made and a file can be created there; a symbolic link standing
    there is refused, a hard-linked file detached: :func:`refuse_link`).

    Raises:
        FileExistsError: a link stands there.
        PermissionError: the folder cannot be written.
    """
    refuse_link(path, option)
    make_writable_folder(osp.dirname(osp.abspath(path)), f'{option} {path}')


def make_writable_folder(folder: str, what: str) -> None:
    """Make ``folder`` (and its parents) and check that a file can really
    be created in it (permissions, read-only mounts, a full disk's quota).

    Raises:
        PermissionError: naming ``what`` and the reason.
    """
    try:
        os.makedirs(folder, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as error:
        raise PermissionError(
            f'{what} cannot be written ({error.strerror}); nothing was run: '
            'choose a folder you can write') from None


def resolve_repo_path(path: str, repo_root: str, option: str) -> str:
    """A path a tool was given, as given, or, for a relative path that does
    not exist from the working folder, the repository's file of that path
    (a tool's default ``configs/...`` run from another folder).

    Raises:
        FileNotFoundError: neither exists, naming both places.
    """
    if osp.isabs(path) or osp.exists(path):
        return path
    in_repo = osp.join(repo_root, path)
    if osp.exists(in_repo):
        return in_repo
    raise FileNotFoundError(
        f'{option} {path} not found (neither from the working folder '
        f'{os.getcwd()} nor in the repository {repo_root})')
