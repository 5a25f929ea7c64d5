"""Widgets: anywidget / ipywidgets front ends over Embeddings."""
