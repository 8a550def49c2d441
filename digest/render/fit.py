"""Fit a list into a byte budget with few slow renders: how many "also" stories or condensed stories
an email can hold under [email] max_html_kb."""
from __future__ import annotations

from typing import Callable

GUIDED_PROBES = 6  # real renders guided by the estimate before plain bisection takes over


def largest_fitting(count: int, raw_size: Callable[[int], int], real_size: Callable[[int], int],
                    limit: int) -> int:
    """The largest k in 0..count with real_size(k) <= limit, given that k = 0 fits.

    real_size (the email with its CSS inlined) is slow, raw_size (the template alone) fast: each
    real probe is chosen on the raw sizes scaled by the growth the last probe measured, so two or
    three probes usually settle k; after GUIDED_PROBES it bisects, so it always ends.
    """
    low, high = 0, count + 1  # real_size(low) fits; real_size(high) does not (count + 1: never tried)
    base_raw, base_real = raw_size(0), real_size(0)
    growth = base_real / max(base_raw, 1)
    for probe in range(count + 1):
        if high - low <= 1:
            break
        if probe < GUIDED_PROBES:
            k = _guess(low, high, lambda j: base_real + (raw_size(j) - base_raw) * growth, limit)
        else:
            k = (low + high) // 2
        size = real_size(k)
        low, high = (k, high) if size <= limit else (low, k)
        extra = raw_size(k) - base_raw
        if extra > 0:
            growth = max((size - base_real) / extra, 0.1)
    return low


def _guess(low: int, high: int, estimate: Callable[[int], float], limit: int) -> int:
    """The largest j strictly between low and high whose estimate fits (low + 1 when none does)."""
    first, last = low + 1, high - 1
    while first < last:
        middle = (first + last + 1) // 2
        first, last = (middle, last) if estimate(middle) <= limit else (first, middle - 1)
    return first
