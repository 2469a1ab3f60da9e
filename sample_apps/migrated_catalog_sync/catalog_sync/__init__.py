"""Background worker that mirrors SHOPLINE orders, products and customers.

Run with ``python -m catalog_sync.worker``.
"""

__version__ = "2.3.0"
