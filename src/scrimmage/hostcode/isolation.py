"""The sandbox host code runs in, and the rule for when it may run without one.

Host metric files run under bubblewrap (``bwrap``, Linux namespaces): no network, their own
process, IPC and host-name namespaces, a private ``/tmp``, and a file system made of a read-only
view of the Python environment (the interpreter, its standard library and site-packages, this
package) plus the competition's own hidden metric files under ``/bundle``. Nothing else exists in
there: no ``$SCRIMMAGE_HOME``, no database, no other competition, no user files, no environment
variables of the server. Killing the sandbox's first process ends every process inside it.

Where bubblewrap does not work, a server refuses host code unless its admin has set
``trust_host_code``; the local single-user CLI runs it directly (its host is its user).
"""

from __future__ import annotations

import contextlib
import functools
import os
import site
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..errors import ForbiddenError

DEFAULT_BWRAP = "/usr/bin/bwrap"
#: Where the competition's hidden metric files appear inside the sandbox (its working folder).
BUNDLE = "/bundle"
#: The user a sandbox started by root switches to before any host code runs.
#: Root's sandboxed children run as uids from here up, one per run (see HostCodePolicy.run_as): far above
#: any account's, below 2**31, and owning no file outside the sandbox's private /tmp.
RUN_UIDS = 1 << 30
#: Runs at once in one server process with a uid of their own; more share one (their process limit too).
RUN_SLOTS = 256
#: The largest process id Linux hands out (pid_max can be at most 2**22).
PID_LIMIT = 1 << 22
_RUN_SLOTS: set[int] = set()
_RUN_SLOTS_LOCK = threading.Lock()


def run_uid(pid: int, slot: int) -> int:
    """The uid of run ``slot`` of server process ``pid``: distinct for every process and slot alive at once."""
    return RUN_UIDS + (pid % PID_LIMIT) * RUN_SLOTS + slot % RUN_SLOTS
#: Interpreter flags: isolated mode (no environment, no user site, no script folder on sys.path).
PYTHON_FLAGS = ("-I", "-B")
#: The script host code runs in.
CHILD = Path(__file__).resolve().parent / "child.py"


@dataclass(frozen=True)
class Limits:
    """Resource limits set in the child before any host code runs (setrlimit)."""

    memory_bytes: int = 4 << 30  # RLIMIT_AS, or 8 times the frames handed in plus 1 GiB when that is more
    processes: int = 256  # RLIMIT_NPROC (threads count too)
    open_files: int = 256  # RLIMIT_NOFILE
    file_bytes: int = 64 << 20  # RLIMIT_FSIZE: any one file written, output included
    tmp_bytes: int = 256 << 20  # size of the private /tmp

    def for_run(self, timeout: float, sandboxed: bool, data_bytes: int = 0) -> dict:
        """The limits of one run; the address space grows with the frames handed in (``data_bytes`` pickled)."""
        cpus = os.cpu_count() or 1
        out = {"AS": max(self.memory_bytes, 8 * data_bytes + (1 << 30)), "NOFILE": self.open_files,
               "FSIZE": self.file_bytes, "CORE": 0, "CPU": int(timeout * cpus) + 5}
        if sandboxed:  # outside a sandbox the count would include the server's own processes
            out["NPROC"] = self.processes
        return out


LIMITS = Limits()


def refusal(reason: str) -> str:
    """What a server says when it cannot isolate host code and is not told to trust hosts."""
    return (f"this server cannot isolate host code ({reason}), so it refuses to run a metric_file: "
            "host code could read other competitions' data. Ask the admin to install bubblewrap "
            "(apt-get install bubblewrap) or, if every host is trusted, to set trust_host_code = true")


_WORKS: set[str] = set()  # bubblewrap programs found working (a failure is tried again next time)


def probe(bwrap: str) -> str | None:
    """None when ``bwrap`` can build a sandbox here, else the reason it cannot."""
    if bwrap in _WORKS:
        return None
    reason = _probe(bwrap)
    if reason is None:
        _WORKS.add(bwrap)
    return reason


def _probe(bwrap: str) -> str | None:
    if not os.path.isfile(bwrap) or not os.access(bwrap, os.X_OK):
        return f"bubblewrap not found at {bwrap}"
    # the real thing: this interpreter in the sandbox, as the user host code runs as, importing what the child needs
    policy = HostCodePolicy(bwrap=bwrap)
    with policy.run_as() as uid:
        drop = "" if uid is None else \
            f"os.setgroups([]); os.setresgid({uid}, {uid}, {uid}); os.setresuid({uid}, {uid}, {uid}); "
        code = f"import os; {drop}import json, pickle, resource, importlib.util; open({str(CHILD)!r}).close()"
        args = policy.command(Path("/nonexistent"), [], [sys.executable, *PYTHON_FLAGS, "-c", code])
        return _probe_run(bwrap, args)


def _probe_run(bwrap: str, args: list[str]) -> str | None:
    try:
        done = subprocess.run(args, capture_output=True, timeout=30, env={"PATH": "/usr/bin:/bin"})
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"bubblewrap at {bwrap} did not run: {exc}"
    if done.returncode != 0:
        lines = done.stderr.decode("utf-8", "replace").strip().splitlines() or ["no message"]
        first = (lines[0] if lines[0].startswith("bwrap:") else lines[-1])[:200]
        return f"bubblewrap at {bwrap} cannot create a sandbox here: {first}"
    return None


@dataclass(frozen=True)
class HostCodePolicy:
    """How host code runs: ``bwrap`` to isolate it; ``server`` refuses to run it unisolated unless ``trusted``."""

    bwrap: str = DEFAULT_BWRAP
    server: bool = False
    trusted: bool = False
    masked: tuple[str, ...] = ()  # paths kept out of the sandbox even when under a bound folder

    @classmethod
    def from_settings(cls, settings) -> "HostCodePolicy":
        masked = [str(settings.home)]
        url = settings.database_url
        if url.startswith("sqlite:///"):
            masked.append(str(Path(url[len("sqlite:///"):]).parent))
        return cls(bwrap=settings.bwrap, server=settings.serving, trusted=settings.trust_host_code,
                   masked=tuple(masked))

    def sandboxed(self) -> bool:
        """True to run in the sandbox, False to run directly; raises ForbiddenError when neither is allowed."""
        reason = probe(self.bwrap)
        if reason is None:
            return True
        if self.server and not self.trusted:
            raise ForbiddenError(refusal(reason))
        return False

    def describe(self) -> str:
        """One sentence for the admin: how host metric files run here."""
        reason = probe(self.bwrap)
        if reason is None:
            return f"Hosts' metric files run in a bubblewrap sandbox ({self.bwrap})."
        if self.trusted:
            return f"Hosts' metric files run WITHOUT a sandbox, as this server's user (trust_host_code is set): {reason}."
        return (f"Hosts' metric files are refused: {reason}. Install bubblewrap, "
                "or set trust_host_code = true if every host is trusted.")

    def command(self, root: Path, names: list[str], argv: list[str]) -> list[str]:
        """The bwrap command running ``argv`` with ``root``'s files ``names`` read-only under /bundle."""
        args = [self.bwrap, *_namespaces()]
        if os.geteuid() == 0:  # keep only what the child needs to become its run's uid
            args += ["--cap-drop", "ALL", "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
        # /proc, /dev and a private /tmp first: an environment that lives under /tmp (a virtualenv in a
        # temporary checkout, say) is then bound on top of the private /tmp, not hidden by it
        args += ["--proc", "/proc", "--dev", "/dev", "--perms", "1777", "--size", str(LIMITS.tmp_bytes),
                 "--tmpfs", "/tmp"]
        bound = [p for i, p in enumerate(_environment_paths()) if not any(_under(p, b) for b in _environment_paths()[:i])]
        for folder in sorted({str(a) for p in bound for a in Path(p).parents if str(a) != "/"} - set(bound)):
            args += ["--perms", "0755", "--dir", folder]  # bwrap would make them 0700: the run's uid could not pass
        for path in bound:
            args += ["--ro-bind", path, path]
        args += _system_links()
        for path in self.masked:
            if os.path.isdir(path) and any(_under(os.path.realpath(path), b) for b in bound):
                args += ["--tmpfs", os.path.realpath(path)]
        args += ["--dir", BUNDLE]
        for name in names:
            source = root / name
            if source.exists():
                if os.geteuid() == 0:
                    _readable(source)
                args += ["--ro-bind", str(source), f"{BUNDLE}/{name}"]
        args += ["--chdir", BUNDLE, "--clearenv"]
        for key, value in child_environment("/tmp").items():
            args += ["--setenv", key, value]
        args += ["--", *argv]
        return args

    @contextlib.contextmanager
    def run_as(self) -> Iterator[int | None]:
        """The uid a sandboxed child switches to, its own while it runs (root's sandboxes only, else None).

        RLIMIT_NPROC counts every process of a uid on the machine: were all children one user (say nobody),
        one host's metric forking up to its limit would leave no process to any other competition's
        metric until it is stopped. A server that is not root gets the same separation from the user
        namespace each sandbox has."""
        if os.geteuid() != 0:
            yield None
            return
        with _RUN_SLOTS_LOCK:
            slot = next(i for i in range(len(_RUN_SLOTS) + 1) if i not in _RUN_SLOTS)
            _RUN_SLOTS.add(slot)
        try:
            yield run_uid(os.getpid(), slot)
        finally:
            with _RUN_SLOTS_LOCK:
                _RUN_SLOTS.discard(slot)


def child_environment(home: str) -> dict[str, str]:
    """The whole environment of a child: nothing of the server's, numeric libraries on a few threads."""
    threads = str(min(os.cpu_count() or 1, 4))
    return {"PATH": "/usr/bin:/bin", "HOME": home, "LANG": "C.UTF-8", "TMPDIR": "/tmp",
            "OMP_NUM_THREADS": threads, "OPENBLAS_NUM_THREADS": threads, "MKL_NUM_THREADS": threads}


def python_argv(script: Path) -> list[str]:
    return [sys.executable, *PYTHON_FLAGS, str(script)]


def _namespaces() -> list[str]:
    out = ["--die-with-parent", "--new-session", "--unshare-ipc", "--unshare-pid", "--unshare-net",
           "--unshare-uts", "--unshare-cgroup-try"]
    if os.geteuid() != 0:
        out.append("--unshare-user")
    return out


def _system_links() -> list[str]:
    """/bin, /lib, ... as on this machine: symlinks into /usr where they are, else read-only binds."""
    out = []
    for name in ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"):
        if os.path.islink(name):
            out += ["--symlink", os.readlink(name), name]
        elif os.path.isdir(name):
            out += ["--ro-bind", name, name]
    return out


@functools.lru_cache(maxsize=1)
def _environment_paths() -> list[str]:
    """The interpreter's prefixes, its site-packages and this package: everything host code may read."""
    package = Path(__file__).resolve().parents[1]
    candidates = ["/usr", sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix,
                  *site.getsitepackages(), str(package), os.path.dirname(os.path.realpath(sys.executable))]
    out = []
    for path in candidates:
        real = os.path.realpath(path)
        if os.path.isdir(real) and real not in out:
            out.append(real)
        if path != real and os.path.isdir(path) and path not in out:
            out.append(path)
    return sorted(out, key=len)


def _under(path: str, parent: str) -> bool:
    return path == parent or path.startswith(parent.rstrip("/") + "/")


def _readable(path: Path) -> None:
    """Make a hidden metric file (or folder) readable by any uid a run gets: bind mounts keep the owner's modes."""
    for p in [path, *(path.rglob("*") if path.is_dir() else [])]:
        mode = p.stat().st_mode
        want = mode | (0o555 if p.is_dir() else 0o444)
        if want != mode:
            os.chmod(p, want & 0o7777)
