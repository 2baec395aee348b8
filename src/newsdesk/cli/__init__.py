"""The ``newsdesk`` command line: thin wrappers over the library's stages."""
