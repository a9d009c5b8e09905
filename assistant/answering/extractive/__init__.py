"""The default answer engine: verbatim sentences of the sources, scored, selected, attributed."""
