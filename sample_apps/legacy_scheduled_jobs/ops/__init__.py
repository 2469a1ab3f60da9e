"""ops-sync: order and stock sync between the warehouse, SHOPLINE and Rakuten Ichiba."""

__version__ = "1.4.2"
