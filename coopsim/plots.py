"""Pictures of runs.

Each function takes data and an optional matplotlib ``ax`` and returns the figure;
nothing is shown or saved here (the caller owns paths).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

__all__ = ["CLASS_COLOURS", "plot_class_shares"]

CLASS_COLOURS = {"good": "#1a9850", "fair": "#91cf60", "average": "#fee08b", "weak": "#d73027"}


def plot_class_shares(yearly: pd.DataFrame, ax: Axes | None = None,
                      title: str = "Cooperatives by official class") -> Figure:
    """Stacked areas of the share of rated cooperatives in each class, by year.

    Args:
        yearly: a run's yearly table (columns ``year`` and ``n_good`` ... ``n_weak``).
        ax: axes to draw on; a new figure is made when omitted.
        title: the axes title.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3.6), layout="constrained")
    counts = yearly[[f"n_{c}" for c in CLASS_COLOURS]].to_numpy(float)
    shares = 100 * counts / counts.sum(axis=1, keepdims=True).clip(min=1)
    ax.stackplot(yearly["year"], shares.T, labels=list(CLASS_COLOURS),
                 colors=list(CLASS_COLOURS.values()), alpha=0.9)
    ax.set(xlabel="year (rating at December)", ylabel="share of rated cooperatives (%)",
           ylim=(0, 100), xlim=(yearly["year"].min(), yearly["year"].max()), title=title)
    ax.legend(loc="center left", bbox_to_anchor=(1.0, 0.5), frameon=False)
    return ax.figure
