"""The bottom of the application: data types, enums, settings, prompts, errors and the one JSON
shape of an answer. Imports nothing from the rest of ``assistant``."""
