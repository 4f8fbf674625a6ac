"""Reading and writing lists."""
