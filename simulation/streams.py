"""Common random numbers: the only module that makes random draws.

A draw is a pure function of (seed, process, entity id, occurrence): a counter-based hash
(SplitMix64 finaliser) turned into a uniform on (0, 1). Nothing depends on call order, on
Mesa's ``unique_id`` or on how many other agents exist, so the same child meets the same luck in
every scenario; paired scenario differences then come from the levers alone (starsim's
per-decision streams, in counter-based form).

``numpy_generator`` gives a seeded ``numpy.random.Generator`` for vectorised set-up work (the
starting population) that is itself keyed by (seed, process).
"""

from __future__ import annotations

import math
import zlib

import numpy as np
from scipy.special import betaincinv

_MASK = (1 << 64) - 1
_GOLDEN = 0x9E3779B97F4A7C15
_INV_2_53 = 1.0 / (1 << 53)


def _mix(z: int) -> int:
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9 & _MASK
    z = (z ^ (z >> 27)) * 0x94D049BB133111EB & _MASK
    return z ^ (z >> 31)


def process_key(name: str) -> int:
    """A stable 32-bit key for a process name (independent of Python's hash seed)."""
    return zlib.crc32(name.encode())


class Streams:
    """Counter-based random numbers for one replicate.

    ``uniform(process, entity, occurrence)`` is the primitive; the other draws are built on it.
    ``process`` is a name such as ``"disruption"``; ``entity`` a domain id (child, carer or
    worker id, or an arrival stream id); ``occurrence`` counts that entity's draws for that
    process (its n-th placement, n-th period of care, ...).
    """

    __slots__ = ("_bases", "seed")

    def __init__(self, seed: int) -> None:
        if seed < 0:
            raise ValueError("seed must be >= 0")
        self.seed = int(seed)
        self._bases: dict[str, int] = {}  # process -> key(process) + γ₁ + γ₂ (see uniform)

    def _key(self, process: str) -> int:
        return _mix((self.seed * _GOLDEN + process_key(process)) & _MASK)

    def _base(self, process: str) -> int:
        base = self._key(process) + 0x9E3779B97F4A7C15 + 0xD1B54A32D192ED03
        self._bases[process] = base
        return base

    def uniform(self, process: str, entity: int, occurrence: int = 0) -> float:
        """A uniform draw in the open interval (0, 1).

        The SplitMix64 output function over the counter key(process) + (entity + 1)·γ₁ +
        (occurrence + 1)·γ₂ (two odd 64-bit constants; written out here: this is the hottest
        function of the engine). SplitMix64 is this function over key + i·γ₁; the second
        dimension adds a second Weyl sequence. The process's part, key + γ₁ + γ₂, is kept
        per process (the same counter: Python's integers are exact before the mask).
        """
        try:
            base = self._bases[process]
        except KeyError:
            base = self._base(process)
        z = (
            base + entity * 0x9E3779B97F4A7C15 + occurrence * 0xD1B54A32D192ED03
        ) & 0xFFFFFFFFFFFFFFFF
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
        return (((z ^ (z >> 31)) >> 11) + 0.5) * 1.1102230246251565e-16  # 2**-53

    def exponential(self, process: str, entity: int, occurrence: int = 0) -> float:
        """A unit exponential draw (an integrated-hazard threshold)."""
        return -math.log(self.uniform(process, entity, occurrence))

    def choice(
        self,
        weights: tuple[float, ...] | list[float],
        process: str,
        entity: int,
        occurrence: int = 0,
    ) -> int:
        """Index drawn with probability proportional to ``weights``."""
        total = sum(weights)
        u = self.uniform(process, entity, occurrence) * total
        acc = 0.0
        for i, w in enumerate(weights):
            acc += w
            if u < acc:
                return i
        return len(weights) - 1

    def normal(self, process: str, entity: int, occurrence: int = 0) -> float:
        """A standard normal draw (Box-Muller on two keyed uniforms)."""
        u1 = self.uniform(process, entity, 2 * occurrence)
        u2 = self.uniform(process, entity, 2 * occurrence + 1)
        return math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * u2)

    def beta(self, a: float, b: float, process: str, entity: int, occurrence: int = 0) -> float:
        """A Beta(a, b) draw by inverting the CDF of a keyed uniform."""
        return float(betaincinv(a, b, self.uniform(process, entity, occurrence)))

    def numpy_generator(self, process: str) -> np.random.Generator:
        """A numpy generator keyed by (seed, process), for vectorised set-up work."""
        return np.random.Generator(
            np.random.PCG64(np.random.SeedSequence([self.seed, process_key(process)]))
        )
