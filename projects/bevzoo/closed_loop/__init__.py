"""Closed-loop evaluation: a CARLA Leaderboard agent for any zoo config, and closed-loop driving on the
built-in world scored with the Leaderboard's rules (docs/closed_loop.md).

* ``agent.BevzooAgent`` (``agent.get_entry_point``): the Leaderboard sensor agent.
* ``expert_agent.ExpertAgent``: the privileged agent of the built-in world.
* ``score``, ``criteria``: the Leaderboard's driving score and evaluation criteria.
* ``planner``, ``controller``, ``pid``, ``route_planner``, ``gnss``: planning and control.
* ``sim``: the built-in world advanced in closed loop; ``evaluate.evaluate`` runs a route set.
"""
from .score import GlobalResult, Infraction, InfractionKind, RouteResult, global_result

__all__ = ['GlobalResult', 'Infraction', 'InfractionKind', 'RouteResult', 'global_result']
