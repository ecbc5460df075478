"""Presentation: figures and the interactive page.

Plot functions take data and an optional ``ax`` and return the figure
(:mod:`~coopsim.presentation.plots`); the Mesa SolaraViz page
(:mod:`~coopsim.presentation.app`). May import every layer below; nothing below imports
it.
"""
