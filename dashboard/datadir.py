"""The local data folder (SQLite database, upstream cache, development keys) kept private.

Imported by settings, before Django is configured: plain Python only.
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path


def make_private(folder: Path) -> Path:
    """Create ``folder`` readable by this user only, and make everything created from now on so.

    SQLite, requests-cache and Django's file cache create their files with the process umask
    (0644/0755 by default), so the umask is what reaches all of them, including SQLite's -wal
    and -shm files. The folder itself is closed too, which also hides whatever an older version
    left inside it. A shared folder (sticky bit, such as /tmp) or one owned by someone else is
    left as it is: only the files we create in it are private then.
    """
    if sys.argv[1:2] != ["collectstatic"]:
        # Static files are public, and whoever serves them may be another user: a web server,
        # or the run user of an image built by a separate build user (Cloud Native Buildpacks,
        # Dockerfiles that build as root). They keep the usual modes.
        os.umask(0o077)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = folder.stat()
    if info.st_uid == os.getuid() and not info.st_mode & stat.S_ISVTX:
        folder.chmod(0o700)
    return folder
