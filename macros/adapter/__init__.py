"""The only code that knows MkDocs: the mkdocs-macros entry point and the MkDocs hooks."""
