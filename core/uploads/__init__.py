"""Upload checks for images and documents, and the media view that serves image
renditions (never original uploads)."""
