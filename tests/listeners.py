"""A TCP listener on loopback that counts every connection made to it: the proof that nothing called out."""

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass
class CountingListener:
    """Where a connection would arrive, and the first bytes of each that did."""

    port: int
    connections: list[bytes] = field(default_factory=list)

    @property
    def url(self) -> str:
        """An HTTP URL on the listener, as a SPARQL service or graph would be named."""
        return f"http://127.0.0.1:{self.port}/sparql"

    @property
    def base(self) -> str:
        """The listener's root URL, ending in a slash."""
        return f"http://127.0.0.1:{self.port}/"


@contextmanager
def counting_listener(*, read_first_bytes: bool = False) -> Iterator[CountingListener]:
    """A listener that accepts and closes every connection, recording it before the close the client sees."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    seen = CountingListener(port=server.getsockname()[1])

    def accept() -> None:
        while True:
            try:
                connection, _ = server.accept()
            except OSError:
                return
            with connection:
                if read_first_bytes:
                    connection.settimeout(5)
                    try:
                        seen.connections.append(connection.recv(16))
                        continue
                    except OSError:
                        pass
                seen.connections.append(b"")

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield seen
    finally:
        server.close()
        thread.join(timeout=5)
