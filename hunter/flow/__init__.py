"""The flow layer: where store, SUTs, strategies and analysis meet.

A campaign samples the map (``campaign``); a hunt replays and perturbs one failed run
(``hunt``), re-creating the setup recorded with it and found again by its fingerprint
(``setup``); Inspect AI logs become runs (``inspect_import``); a finished hunt is gathered for
its report (``gather``); proposals are accepted or rejected (``review``); a fix is checked on
every region (``recheck``) and fixers get scenarios spanning them (``brief``). Nothing below
this layer imports it; the CLI above it only renders what it returns.
"""
