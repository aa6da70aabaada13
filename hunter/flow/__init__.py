"""The flow layer: where store, SUTs, strategies and analysis meet.

A campaign samples the map (``campaign``), a hunt replays and perturbs one failed run
(``hunt``), Inspect AI logs become runs (``inspect_import``), a finished hunt is gathered for its
report (``gather``), and proposals are accepted or rejected (``review``). Nothing below this
layer imports it; the CLI above it only renders what it returns.
"""
