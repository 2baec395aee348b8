"""Built-in backend implementations, registered through entry points like any plugin."""
