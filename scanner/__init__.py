"""noticelint: finds integration code that documented platform changes break."""

__version__ = "0.1.0"
