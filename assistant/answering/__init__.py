"""Turning retrieved passages into a cited answer or the fixed refusal: the ``Answerer``
contract, the shared evidence gate, and two engines (``extractive/``, ``llm/``)."""
