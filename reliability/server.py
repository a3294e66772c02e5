"""`kraeftgraf serve` as a real process on loopback: started in its own session, waited for, always stopped."""

import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from .client import HOST, Client, RawRequest
from .errors import ReliabilityError
from .processes import Roles, alive, descendants, roles

READY_TIMEOUT_S = 300.0  # the embedded data is built and validated first when the build cache is empty
PROBE = RawRequest("POST", b"/sparql", ((b"Content-Type", b"application/sparql-query"),), b"ASK {}", "probe")


def kraeftgraf_command() -> list[str]:
    """The `kraeftgraf` script beside this Python (the venv), else `python -m kraeftgraf`."""
    beside = Path(sys.executable).parent / "kraeftgraf"
    if beside.is_file():
        return [str(beside)]
    found = shutil.which("kraeftgraf")
    return [found] if found else [sys.executable, "-m", "kraeftgraf"]


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


def shown(command: Sequence[str]) -> str:
    """The command as a person would type it: `kraeftgraf serve ...` with the script's folder left out."""
    parts = list(command)
    if parts and Path(parts[0]).name == "kraeftgraf":
        parts[0] = "kraeftgraf"
    return shlex.join(parts)


@dataclass
class Server:
    """A running `kraeftgraf serve`; `arguments` are those after `serve` (host and port are added)."""

    arguments: tuple[str, ...]
    port: int
    process: subprocess.Popen[bytes]
    log_path: Path

    @property
    def command(self) -> str:
        """The command as run, with the port left out (it is a free one, different each time)."""
        return shown([*kraeftgraf_command(), "serve", *self.arguments])

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def expected_workers(self) -> int:
        """How many workers the pool keeps: --workers (default 2) plus --fast-workers (default 1)."""
        def option(name: str, default: int) -> int:
            args = list(self.arguments)
            return int(args[args.index(name) + 1]) if name in args else default

        return option("--workers", 2) + option("--fast-workers", 1)

    def roles(self) -> Roles:
        return roles(self.pid)

    def log_text(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def __enter__(self) -> "Server":
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.stop()

    def stop(self) -> int | None:
        """SIGTERM, SIGKILL after 20 s, then anything left of its session; the exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        try:  # workers that outlived it are in its session, which is its own process group
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        return self.process.returncode


def start_server(arguments: Sequence[str], log_dir: Path, *, name: str = "server",
                 ready_timeout_s: float = READY_TIMEOUT_S) -> Server:
    """Start `kraeftgraf serve ARGUMENTS` on a free port and wait for its first answer to `ASK {}`."""
    port = free_port()
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / f"{name}.log"
    command = [*kraeftgraf_command(), "serve", "--host", HOST, "--port", str(port), *arguments]
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   start_new_session=True)
    server = Server(arguments=tuple(arguments), port=port, process=process, log_path=log_path)
    try:
        wait_ready(server, ready_timeout_s)
    except BaseException:
        server.stop()
        raise
    return server


def wait_ready(server: Server, timeout_s: float) -> None:
    """Until the server answers ASK {} with 200 and all its workers are forked."""
    deadline = time.monotonic() + timeout_s
    with Client(server.port, timeout_s=10) as client:
        while time.monotonic() < deadline:
            if server.process.poll() is not None:
                raise ReliabilityError(f"`{server.command}` exited with {server.process.returncode} before "
                                       f"answering; see {server.log_path}:\n{server.log_text()[-2000:]}")
            if client.send(PROBE).status == 200:
                return
            time.sleep(0.05)
    raise ReliabilityError(f"`{server.command}` did not answer within {timeout_s:.0f} s; see {server.log_path}.")


def leftovers(server: Server) -> list[int]:
    """Living processes of the server's session (it is their group leader): after it stopped there should be none."""
    found = set(descendants(server.pid))
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) != server.pid:
            try:
                if os.getsid(int(entry.name)) == server.pid:
                    found.add(int(entry.name))
            except (ProcessLookupError, PermissionError):
                continue
    return sorted(pid for pid in found if alive(pid))
