"""The dashboard viewer app: pages, the gallery, picture links, exports and image routes."""
