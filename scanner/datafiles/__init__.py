"""What rule, platform and schedule files become: frozen data classes, checked by pydantic
only when they are read from YAML."""
