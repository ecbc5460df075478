"""World data and parameters: what a run starts from.

Every behavioural parameter declared once (:mod:`~coopsim.world.params`) and the
province a run simulates, read from a validated file (:mod:`~coopsim.world.province`).
May import :mod:`coopsim.core` only.
"""
