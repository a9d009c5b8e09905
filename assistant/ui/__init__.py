"""The Chainlit chat window: a thin layer over :class:`assistant.engine.Assistant`."""
