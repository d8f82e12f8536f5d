"""Provider clients on a shared base, and the registry that holds them (built-in and plug-ins)."""
