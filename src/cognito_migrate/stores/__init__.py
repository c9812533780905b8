"""Legacy user stores. ``base`` holds the protocol; each backend is a leaf module imported only when configured."""
