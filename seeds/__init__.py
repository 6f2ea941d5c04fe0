"""The bundled sample pair: an English news article and its Arabic version (the demo project)."""
