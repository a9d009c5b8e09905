"""The LLM answer engine: any LangChain chat model, with every sentence checked after writing."""
