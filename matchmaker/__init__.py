"""matchmaker: compatibility engine between Imers and UMKM suppliers."""

__version__ = "0.1.0"
