"""The one error the harness raises: something the person running it can fix, said in words."""


class ReliabilityError(Exception):
    """The harness cannot go on; the message says what failed and what to do."""
