"""Reading the regular expressions that rules carry: a parsed pattern's nodes, whether it can
backtrack without end, and the literals any match must hold (for the prefilter)."""
