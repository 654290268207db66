"""Each entry seen once, as the outputs show it (Markdown fields made safe here)."""
