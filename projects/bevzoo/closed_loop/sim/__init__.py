"""The built-in world advanced in closed loop: ego dynamics, traffic, criteria, CARLA-format sensors, route sets."""
