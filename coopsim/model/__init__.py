"""The model: agents, their rules, and the Mesa model that steps them.

Households (a structure-of-arrays store), cooperatives and businesses (Mesa agents);
the rules they follow (membership, the outside world's account, contracts and value
chains, brands and OCOP, the official classification, the network); the initial world;
and :class:`~coopsim.model.coop_model.CoopModel`. May import :mod:`coopsim.world` and
:mod:`coopsim.core`; never the policy, experiment or presentation layers (policy
levers reach the model only through hook names).
"""
