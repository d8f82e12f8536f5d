"""The media players: their configuration, the queue of syncs owed to them and the runs that work
it off. `service.PlayerSyncService` is the whole of it (its module docstring tells the flow);
`models` holds the values it takes and hands out."""
