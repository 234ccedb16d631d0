"""The model's outcome definitions, wherever the model keeps them.

The model owner is renaming ``sim.model.metrics`` to ``sim.model.outcomes``; the
classroom reads ``METRICS`` through this one import so either side of the rename
works. After the merge this can become a plain import.
"""

from __future__ import annotations

try:
    from sim.model.outcomes import METRICS
except ImportError:  # before the rename
    from sim.model.metrics import METRICS

__all__ = ["METRICS"]
