"""LINE Shopping partner programme: checking a brand's activity-contract plan before it is
submitted, against the rules the back office applies (seed 003)."""
