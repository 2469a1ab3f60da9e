"""The platforms a call can reach: their hosts, and the documented operations of each."""
