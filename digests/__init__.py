"""okrbot digests."""
