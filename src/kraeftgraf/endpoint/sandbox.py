"""The second layer of the endpoint's safety: query processes that cannot reach the network, whatever a query asks.

The first layer (`safety.inspect_query`) refuses queries that would call out. This one does not trust it:
`seal_process` runs in the process the query workers are forked from, before any query, and

- closes every file descriptor it inherited but the ones it names (no socket of the server's survives);
- moves into a private network namespace where the kernel allows it (nothing but a loopback that is down);
- installs a seccomp filter (through libseccomp) that refuses to create any socket (a Unix-domain one only where
  the relay below must be reached), to set up io_uring (which can open sockets without the socket system call),
  to start programs and to reach into other processes (ptrace, process_vm_*, pidfd_getfd);
- adds a Python audit hook (PEP 578) that refuses network events, starting programs, loading SQLite extensions,
  and opening files or SQLite databases outside Python's own installation (but for the files it names, the
  full-text index, and the process's own memory counters), so that rdflib gets a clear error instead of a
  fetched URL.

Seccomp filters and namespaces are inherited by every process forked afterwards and cannot be lifted. Where the
operating system offers neither, the process is still sealed by the audit hook alone (which cannot stop code
outside Python, such as Oxigraph's own HTTP client) and the report says so, for the start-up log and the
service description. A worker that must reach a remote SPARQL endpoint does so through a Unix socket to a
relay outside the seal (see `egress`), which connects to that one host and port only.
"""

import ctypes
import errno
import os
import socket
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from ..errors import QueryRefusedError

_CLONE_NEWNET = 0x40000000
_CLONE_NEWUSER = 0x10000000
# Audit events that reach outside the process: the network, other programs.
_OUTBOUND_EVENTS = frozenset({
    "socket.connect", "socket.sendto", "socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyaddr",
    "socket.getnameinfo", "urllib.Request", "http.client.connect", "ftplib.connect", "smtplib.connect",
    "subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.startfile", "webbrowser.open",
})
_CODE_SUFFIXES = (".py", ".pyc", ".so")
# The process's own memory counters: harmless to read, and how a worker tells its heap from mapped file pages.
OWN_MEMORY_COUNTERS = "/proc/self/statm"
# SQLite runs native code from a file it is told to load: never in a sealed process.
_SQLITE_CODE_EVENTS = frozenset({"sqlite3.enable_load_extension", "sqlite3.load_extension"})
# io_uring opens sockets without the socket call; exec starts programs; ptrace, the process_vm calls and
# pidfd_getfd reach into other processes, where a socket of the server's could be taken over.
_REFUSED_SYSCALLS = {"io_uring_setup": errno.ENOSYS, "io_uring_enter": errno.ENOSYS,
                     "io_uring_register": errno.ENOSYS, "execve": errno.EACCES, "execveat": errno.EACCES,
                     "ptrace": errno.EPERM, "process_vm_readv": errno.EPERM, "process_vm_writev": errno.EPERM,
                     "pidfd_getfd": errno.EPERM, "pidfd_open": errno.EPERM}


@dataclass(frozen=True)
class SealReport:
    """What keeps a sealed process off the network: the operating-system measures that took, and those that did not."""

    applied: tuple[str, ...]
    missing: tuple[str, ...]

    @property
    def network_sealed(self) -> bool:
        """True when the operating system itself refuses the process's network connections."""
        return bool(self.applied)

    def describe(self) -> str:
        """One sentence for the start-up log and the service description."""
        if not self.applied:
            return ("WARNING: the operating system does not let the query workers be cut off from the network here "
                    f"({'; '.join(self.missing)}); only the query check and Python audit hooks stop a query from "
                    "reaching out, and they cannot stop code outside Python (such as Oxigraph's SERVICE client).")
        also = f" (not available here: {'; '.join(self.missing)})" if self.missing else ""
        return f"Query workers cannot open network connections: {' and '.join(self.applied)}{also}."


def seal_process(*, keep_fds: Iterable[int] = (), relay: str | None = None, backend: str | None = None,
                 readable: Iterable[Path] = ()) -> SealReport:
    """From now on this process and its children cannot reach the network, start programs or read other files.

    `relay` is the Unix socket through which the remote endpoint at `backend` (a URL) may be reached; the audit
    hook lets requests to that URL through and nothing else. `readable` are the files outside Python that the
    process may still open (as a file or as an SQLite database). Call it in a single-threaded process.
    """
    import rdflib.plugins.sparql

    rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False  # rdflib would otherwise fetch unknown FROM graphs
    _close_inherited_fds(keep={0, 1, 2, *keep_fds})
    applied: list[str] = []
    missing: list[str] = []
    for measure in (_private_network_namespace, lambda: _seccomp_filter(unix_sockets=relay is not None)):
        try:
            applied.append(measure())
        except OSError as exc:
            missing.append(str(exc))
    _add_audit_hook(relay=relay, backend=backend, readable=frozenset(os.path.realpath(p) for p in readable))
    return SealReport(applied=tuple(applied), missing=tuple(missing))


def _close_inherited_fds(*, keep: set[int]) -> None:
    """Close every descriptor but `keep`: a socket inherited from the server would bypass a socket filter."""
    try:
        open_fds = sorted(int(name) for name in os.listdir("/proc/self/fd"))
    except OSError:  # no /proc: close the whole range instead
        open_fds = list(range(3, os.sysconf("SC_OPEN_MAX") if hasattr(os, "sysconf") else 1024))
    for fd in open_fds:
        if fd not in keep:
            try:
                os.close(fd)
            except OSError:
                pass  # the descriptor listing /proc/self/fd itself, already closed


def _private_network_namespace() -> str:
    """Move into a new network namespace: as root directly, otherwise inside a new user namespace."""
    if not sys.platform.startswith("linux"):
        raise OSError(f"network namespaces are a Linux feature ({sys.platform})")
    libc = ctypes.CDLL(None, use_errno=True)
    for flags in (_CLONE_NEWNET, _CLONE_NEWUSER | _CLONE_NEWNET):
        if libc.unshare(flags) == 0:
            return "a private network namespace"
    code = ctypes.get_errno()
    raise OSError(f"no private network namespace: unshare() failed with {errno.errorcode.get(code, code)}")


def _seccomp_filter(*, unix_sockets: bool) -> str:
    """A seccomp filter: no new sockets (Unix-domain ones only with `unix_sockets`), no io_uring, no programs.

    Even a Unix socket reaches out: glibc asks nscd (or systemd-resolved, avahi) for host names through one,
    which would carry a name of the query's choosing out of the namespace. So only a worker that must reach
    the relay may make them. The workers' own channels are made with socketpair, which stays allowed.
    """
    try:
        import pyseccomp as seccomp
    except (ImportError, RuntimeError, OSError) as exc:  # pyseccomp raises RuntimeError without libseccomp
        raise OSError(f"no seccomp filter: libseccomp is not available ({exc})") from None
    try:
        rules = seccomp.SyscallFilter(seccomp.ALLOW)
        if unix_sockets:
            rules.add_rule(seccomp.ERRNO(errno.EACCES), "socket", seccomp.Arg(0, seccomp.NE, socket.AF_UNIX))
        else:
            rules.add_rule(seccomp.ERRNO(errno.EACCES), "socket")
        for name, code in _REFUSED_SYSCALLS.items():
            rules.add_rule(seccomp.ERRNO(code), name)
        rules.load()
    except (OSError, RuntimeError, ValueError) as exc:
        raise OSError(f"no seccomp filter: the kernel refused it ({exc})") from None
    sockets = "every socket but Unix-domain ones (for the relay)" if unix_sockets else "every new socket"
    return f"a seccomp filter that refuses {sockets}, io_uring, starting programs and reaching into other processes"


def _add_audit_hook(*, relay: str | None, backend: str | None, readable: frozenset[str]) -> None:
    allowed_roots = tuple(sorted({os.path.realpath(p) + os.sep for p in
                                  (sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix)}))

    def permitted(event: str, args: tuple[Any, ...]) -> bool:
        if event == "urllib.Request":
            return backend is not None and bool(args) and str(args[0]).startswith(backend)
        if event == "http.client.connect":
            return backend is not None  # the connection class used for the backend goes through the relay
        if event == "socket.connect":
            return relay is not None and len(args) > 1 and args[1] == relay
        return False

    def refuse_outside_access(event: str, args: tuple[Any, ...]) -> None:
        if event in _OUTBOUND_EVENTS and not permitted(event, args):
            raise QueryRefusedError(f"it led to {event}, and the endpoint never reaches outside its own data")
        if event in _SQLITE_CODE_EVENTS:
            raise QueryRefusedError(f"it led to {event}, and the endpoint never loads code for a query")
        if event == "sqlite3.connect" and args and isinstance(args[0], str | bytes | os.PathLike):
            path = _sqlite_database_path(os.fsdecode(args[0]))
            if path is not None and os.path.realpath(path) not in readable:
                raise QueryRefusedError(f"it tried to open the database {path!r}, and the endpoint never reads "
                                        "files for a query")
        if event == "open" and args and isinstance(args[0], str | bytes | os.PathLike):
            path = os.fsdecode(args[0])
            if path == OWN_MEMORY_COUNTERS or path.endswith(_CODE_SUFFIXES):
                return
            real = os.path.realpath(path)
            if not real.startswith(allowed_roots) and real not in readable:
                raise QueryRefusedError(f"it tried to read {path!r}, and the endpoint never reads files for a query")

    sys.addaudithook(refuse_outside_access)


def _sqlite_database_path(database: str) -> str | None:
    """The file an sqlite3.connect argument names (a path, or a file: URI); None for a database in memory."""
    if database == ":memory:" or database == "":
        return None
    if database.startswith("file:"):
        parts = urlsplit(database)
        options = parts.query.split("&")
        if parts.path in ("", ":memory:") or "mode=memory" in options or "vfs=memdb" in options:
            return None
        return unquote(parts.path)
    return database


def address_space() -> int | None:
    """The bytes of address space this process uses now (Linux); None where that cannot be read."""
    try:
        with open(OWN_MEMORY_COUNTERS) as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        return None


def limit_memory(megabytes: int, *, baseline: int | None) -> None:
    """Cap the address space at `baseline` plus `megabytes`; beyond it, Python raises MemoryError."""
    import resource

    if baseline is None:  # the time limit alone bounds a query then
        return
    limit = baseline + megabytes * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
