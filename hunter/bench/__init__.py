"""Reproducible benchmarks (``hunter bench``): the world's speed, the hunt machinery's overhead,
the analysis at scale, and hunts on planted landscapes against the baselines a user would use.

``ground_truth`` holds the built-in world's planted bugs: the benchmark and the tests score
hunts against them; nothing that hunts reads them (the import rules forbid it).
"""
