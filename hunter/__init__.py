"""hunter: find out whether a failed agent run is a fluke or a bug, and map its failing region.

The package is layered; each layer imports only the ones below it (``.importlinter`` states the
rules and ``make test`` checks them):

* ``hunter.cli``: the command line, one module per command group, the error edge and rendering.
* ``hunter.bench``: reproducible benchmarks and their ground truth.
* ``hunter.flow``: campaigns, the hunt loop, Inspect imports, reports gathered, proposals reviewed;
  the one layer where the store, SUTs, strategies and analysis meet.
* ``hunter.perturbers`` (search strategies) and ``hunter.analysis`` (statistics, regions,
  labels, reports): pure, they see only the domain layer (and strategies the shared
  statistics), never each other, the store or the SUTs. ``hunter.store`` and
  ``hunter.executor`` sit beside them.
* ``hunter.sut`` (one adapter per kind of SUT), over ``hunter.models``, ``hunter.inspect_interop``
  and ``hunter.world`` (the built-in AI-CEO simulation).
* The domain layer: ``hunter.records`` (what the store keeps: setups, settings, results),
  ``hunter.regions`` (regions and analyses as values), ``hunter.coverage`` (maps, spaces,
  buckets), ``hunter.domain`` (scenarios, verdicts, runs) and ``hunter.errors``.
"""
