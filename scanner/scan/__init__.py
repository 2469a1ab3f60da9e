"""A whole scan: discovering files, prefilter gates, the pipeline and its workers, the cache,
suppressions, and the baseline and diff gates."""
