"""Platform calendars and what falls inside their windows: maintenance windows, scheduled jobs
found in code and config, when they fire, promotions, and the services a job's code calls."""
