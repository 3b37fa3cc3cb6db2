"""Images shared by photos and page images: checking an upload, scaling it, and its renditions."""
