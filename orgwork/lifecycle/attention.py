"""Home-page providers."""
