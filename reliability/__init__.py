"""Reliability harness: a real `kraeftgraf serve` under fuzzed requests, adversarial queries, load and faults.

Measurements, not tests (see README.md): `python -m reliability.run` regenerates RELIABILITY.md. The request
generators in `generate` are also used by tests/test_reliability.py, which runs a bounded version of the fuzzing
and each fault once. Nothing here imports from `bench`, and `kraeftgraf` only for its resources and vocabulary.
"""
