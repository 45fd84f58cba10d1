"""Exact linear algebra over groups of rows: which counts published figures give away.

A published figure adds up some regions (rows alike in which segments they are in); any
count that is a combination of published figures can be computed from them, whatever was
suppressed. Arithmetic is modulo a large prime, so it is exact and fast.
"""

from __future__ import annotations

from collections.abc import Iterable

PRIME = (1 << 61) - 1


def reduce_by(vector: list[int], basis: dict[int, list[int]]) -> list[int]:
    """The vector reduced by an echelon basis (pivot → row with 1 at the pivot), modulo p."""
    vector = vector[:]
    for pivot, row in basis.items():
        factor = vector[pivot]
        if factor:
            vector = [(v - factor * r) % PRIME for v, r in zip(vector, row, strict=True)]
    return vector


def basis_of_vectors(vectors: Iterable[list[int]]) -> dict[int, list[int]]:
    """An echelon basis of the vectors' span (Gaussian elimination modulo p)."""
    basis: dict[int, list[int]] = {}
    for vector in vectors:
        reduced = reduce_by(vector, basis)
        pivot = next((i for i, v in enumerate(reduced) if v), None)
        if pivot is None:
            continue
        inverse = pow(reduced[pivot], PRIME - 2, PRIME)
        reduced = [v * inverse % PRIME for v in reduced]
        for other, row in basis.items():  # keep the basis reduced at every pivot
            if row[pivot]:
                factor = row[pivot]
                basis[other] = [(a - factor * b) % PRIME for a, b in zip(row, reduced,
                                                                         strict=True)]
        basis[pivot] = reduced
    return basis


def in_span(vector: list[int], basis: dict[int, list[int]]) -> bool:
    """Whether the vector is a combination of the basis's vectors."""
    return not any(reduce_by(vector, basis))
