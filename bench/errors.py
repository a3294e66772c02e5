"""The one error the benchmark raises: something the person running it can fix, said in words."""


class BenchError(Exception):
    """The benchmark cannot go on; the message says what failed and what to do."""
