"""The rule pack: the schema of a rule file, loading YAML with line numbers, and the
prefilter's trigger literals derived from the rules' own data."""
