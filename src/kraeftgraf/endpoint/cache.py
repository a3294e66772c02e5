"""Answers kept while a dataset is served, with ETags: the served data changes only on rebuild.

An answer depends on the request (the job) and on the dataset, so the job's text and the dataset's version
name it. Its ETag is weak, as an unordered result may come back in another order, or with other blank
node labels, from another replica, while meaning the same.
"""

import hashlib
import threading
from collections import OrderedDict

from .workers import Answer, Job


class AnswerCache:
    """The most recently used answers, up to a number of bytes; none at all without a dataset version."""

    def __init__(self, dataset_version: str | None, *, max_bytes: int) -> None:
        self.dataset_version = dataset_version
        self.max_bytes = max_bytes
        self._answers: OrderedDict[str, Answer] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def etag(self, job: Job) -> str | None:
        """The weak ETag of the job's answer over this dataset; None when answers are not kept."""
        if self.dataset_version is None:
            return None
        digest = hashlib.sha256(f"{self.dataset_version}\n{job!r}".encode()).hexdigest()
        return f'W/"{digest[:40]}"'

    def get(self, etag: str) -> Answer | None:
        with self._lock:
            answer = self._answers.get(etag)
            if answer is None:
                self.misses += 1
                return None
            self._answers.move_to_end(etag)
            self.hits += 1
            return answer

    def put(self, etag: str, answer: Answer) -> None:
        """Keep the answer unless it alone is over the limit; drop the least recently used to make room."""
        size = len(answer.body)
        if size > self.max_bytes:
            return
        with self._lock:
            previous = self._answers.pop(etag, None)
            if previous is not None:
                self._bytes -= len(previous.body)
            self._answers[etag] = answer
            self._bytes += size
            while self._bytes > self.max_bytes:
                _, dropped = self._answers.popitem(last=False)
                self._bytes -= len(dropped.body)


def matches(if_none_match: str | None, etag: str) -> bool:
    """True when an If-None-Match header names the ETag (weak comparison, RFC 9110 section 13.1.2)."""
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    wanted = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == wanted for tag in if_none_match.split(","))
