"""Package data: the embedded default province."""
