"""Policy: the directive's measures as levers, policy packages and scenarios, and run().

Levers on schedules under a yearly budget (:mod:`~coopsim.policy.levers`,
:mod:`~coopsim.policy.package`), scenario files (:mod:`~coopsim.policy.scenarios`), and
:func:`~coopsim.policy.runner.run`, the one seam that simulates a province under a
scenario for every front end. May import the model, world and core layers.
"""
