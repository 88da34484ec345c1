"""Domain logic of the resettlement-housing dashboard: settings, statuses, roll-ups, formats, texts."""
