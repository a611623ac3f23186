"""The figure style every chapter uses, so plots look alike across the book."""

import matplotlib.pyplot as plt


def use_book_style():
    """Set matplotlib defaults for the book's figures: readable sizes, light grid, no top/right spines."""
    plt.rcParams.update({
        "figure.figsize": (6.4, 3.6),
        "figure.dpi": 110,
        "axes.grid": True,
        "grid.alpha": 0.3,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "font.size": 10,
        "legend.frameon": False,
    })
