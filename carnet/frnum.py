"""French number formatting and shares that add up to 100.

Numbers are written the French way: a comma for decimals, a no-break space
between thousands and before the percent sign ("12 664", "44,7 %").
"""

from __future__ import annotations

import math
from collections.abc import Sequence

NBSP = "\u00a0"


def fr_int(value: int) -> str:
    """12664 -> '12 664' (no-break space between thousands)."""
    return f"{int(value):,}".replace(",", NBSP)


def fr_decimal(value: float, decimals: int = 1) -> str:
    """44.74 -> '44,7' at one decimal; thousands are grouped too."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", NBSP).replace(".", ",")


def fr_percent(value: float, decimals: int = 1) -> str:
    """44.74 -> '44,7 %' (the value is already in percent)."""
    return f"{fr_decimal(value, decimals)}{NBSP}%"


def largest_remainder(
    counts: Sequence[int], decimals: int = 1, total: int | None = None
) -> list[float]:
    """Shares in percent of ``counts``, rounded so that they add up to 100.

    Each share is first rounded down at ``decimals``; the units still
    missing go to the shares with the largest remainders (Hamilton's
    method). ``total`` defaults to the sum of the counts, so the shares are
    those of one whole.
    """
    total = sum(counts) if total is None else total
    if total <= 0:
        raise ValueError(f"cannot share a total of {total}")
    if any(c < 0 for c in counts):
        raise ValueError(f"negative count in {list(counts)}")

    scale = 10**decimals
    exact = [c * 100 * scale / total for c in counts]
    floors = [math.floor(x) for x in exact]
    missing = round(100 * scale) - sum(floors)
    by_remainder = sorted(
        range(len(counts)), key=lambda i: (exact[i] - floors[i], counts[i]),
        reverse=True,
    )
    for i in by_remainder[:missing]:
        floors[i] += 1
    return [f / scale for f in floors]


def shares_keeping_order(
    counts: Sequence[int], max_decimals: int = 3
) -> tuple[list[float], int]:
    """Largest-remainder shares with as few decimals as keep the order.

    Two different counts must not show the same rounded share (at Annecy
    in 2020 two lists 27 votes apart both round to 44,7 %), so the
    precision grows until distinct counts get distinct shares, from one
    decimal up to ``max_decimals``. Returns the shares and the decimals.
    """
    decimals = 1
    while True:
        shares = largest_remainder(counts, decimals)
        ties = any(
            shares[i] == shares[j] and counts[i] != counts[j]
            for i in range(len(counts))
            for j in range(i + 1, len(counts))
        )
        if not ties or decimals >= max_decimals:
            return shares, decimals
        decimals += 1

